"""Peak memory of the CSV export writer at 1,000,000 rows against 10,000 rows (tracemalloc).

The search's pages and S3 are replaced by fakes (synthetic rows, a bucket that only counts bytes),
so the figure is the writer's own: a flat peak means memory does not grow with the export."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from typing import Any

from shoken.clock import FrozenClock
from shoken.db.dynamo import Item
from workers import export

ROW: Item = {
    "number": "261129000000000001",
    "occurred_at": "2026-11-29T03:00:00.000000Z",
    "status": "done",
    "txn_type": "payment",
    "committee_name": "恵那市商品券事業実行委員会",
    "company_name": "株式会社エーナ食堂",
    "store_name": "エーナ食堂 本店",
    "terminal_id": "000000358001",
    "wallet_id": "100000000001",
    "amount": 1200,
    "wallet_service_name": "恵那市プレミアム付き電子商品券",
    "breakdown": {"prepaid": 923, "bonus": 277, "grant": 0, "common": 0, "dedicated": 1200},
}


class CountingS3:
    def __init__(self) -> None:
        self.bytes = 0

    def create_multipart_upload(self, **_: Any) -> dict[str, str]:
        return {"UploadId": "u"}

    def upload_part(self, Body: bytes, **_: Any) -> dict[str, str]:  # noqa: N803 (boto3's name)
        self.bytes += len(Body)
        return {"ETag": "e"}

    def complete_multipart_upload(self, **_: Any) -> None:
        return None

    def put_object(self, Body: bytes, **_: Any) -> None:  # noqa: N803
        self.bytes += len(Body)


class FakeJobs:
    @staticmethod
    def update(*_: Any, **__: Any) -> None:
        return None

    @staticmethod
    def pause(*_: Any, **__: Any) -> None:
        return None

    @staticmethod
    def owner_principal(job: Item) -> Any:
        return None


def _peak(rows: int) -> tuple[int, int]:
    def pages(*_: Any) -> Iterator[tuple[list[Item], Any, int]]:
        pages_total = rows // export.PAGE
        for n in range(pages_total):
            yield [ROW] * export.PAGE, ({"p": 0, "k": None} if n < pages_total - 1 else None), 0

    s3 = CountingS3()

    class Rt:
        def __init__(self) -> None:
            from datetime import UTC, datetime

            self.clock = FrozenClock(datetime(2026, 11, 29, tzinfo=UTC))
            self.s3 = s3
            self.db = None

        def require(self, _: Any) -> Any:
            return type("C", (), {"export_retention_days": 3})()

    original_pages, original_jobs = export.pages, export.job_items
    export.pages = pages  # type: ignore[assignment]
    export.job_items = FakeJobs  # type: ignore[assignment]
    job = {
        "job_id": "bench",
        "params": {
            "bucket": "b",
            "key": "k",
            "query": {},
            "range": ["2026-11-29T00:00:00.000000Z", "2026-11-29T00:00:00.000000Z"],
        },
        "owner": {},
    }
    try:
        tracemalloc.start()
        export.run(Rt(), job, lambda: False)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        export.pages, export.job_items = original_pages, original_jobs
    return peak, s3.bytes


def run() -> dict[str, float]:
    small_peak, small_bytes = _peak(10_000)
    middle_peak, middle_bytes = _peak(100_000)
    large_peak, large_bytes = _peak(1_000_000)
    return {
        "small_peak_mb": small_peak / 2**20,
        "middle_peak_mb": middle_peak / 2**20,
        "large_peak_mb": large_peak / 2**20,
        "ratio": large_peak / small_peak,
        "flat_ratio": large_peak / middle_peak,
        "large_file_mb": large_bytes / 2**20,
        "small_file_mb": small_bytes / 2**20,
        "middle_file_mb": middle_bytes / 2**20,
    }
