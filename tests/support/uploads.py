"""A file uploaded through the console's API as the browser sends it, and the job it queues run to its end."""

from __future__ import annotations

from typing import Any

from local.streams import Stream
from tests.support.client import Client


def upload_and_run(
    client: Client, path: str, data: bytes, file_name: str, stream: Stream, jobs_path: str
) -> dict[str, Any]:
    """POST the raw file to `path`, drain the stream (the job runs), and read the job at `jobs_path`/<id>."""
    reply = client.request(
        "POST", path, raw=data, content_type="application/octet-stream", headers={"X-File-Name": file_name}
    )
    assert reply.status == 200, reply
    assert reply.json["state"] == "queued"
    stream.drain()
    job = client.get(f"{jobs_path}/{reply.json['job_id']}")
    assert job.status == 200, job
    return dict(job.json)
