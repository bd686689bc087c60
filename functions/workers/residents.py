"""住民名簿の取込: check every row of a programme's resident list, then replace the list whole or not at all.

Only the keyed hash of each resident's normalised matching fields is written (shoken.residents); the
uploaded file is deleted when the job ends, whether it succeeded or not. A re-upload writes a new
generation, compares it with the current one for the diff report (added / removed / unchanged, as
counts and the lines added: the old list holds no names to show), moves the programme's pointer by a
condition and deletes the old generation. Errors name the line and column, never the value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shoken import audit, messages
from shoken.clock import iso
from shoken.csv_upload import MAX_ERRORS_KEPT
from shoken.db import jobs as job_items
from shoken.db import programmes
from shoken.db import residents as resident_items
from shoken.db.dynamo import ConditionFailed, Item
from shoken.principal import Scope
from shoken.resident_file import FileRejected, check, decode, parse
from shoken.runtime import Runtime
from shoken.status import JobState
from workers import jobs

CHUNK = 500
ADDED_LINES_KEPT = 200
LAPS_AFTER_SWITCH = 5  # laps a job whose list is already current takes to delete the old one and audit
ERASED = messages.text("invalid_request.residents_erased", {})  # as the upload route refuses it


def run(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    """A lap of the job. An AWS error before the switch leaves the list as it was: the job's own hashes are
    deleted and it fails. After the switch the new list is current, so the job keeps its file and takes
    another lap to delete the old list and write its audit entry, which its checkpoint already holds."""
    params = job["params"]
    bucket, object_key = str(params["bucket"]), str(params["key"])
    programme_id, job_id = str(params["programme_id"]), str(job["job_id"])
    try:
        finished = _run(rt, job, should_pause)
    except Exception:
        current = resident_items.current(rt.db, programme_id)
        if current is not None and str(current["generation"]) == job_id:
            if int(job.get("lap", 0)) < LAPS_AFTER_SWITCH:
                saved = job_items.get(rt.db, job_id) or job
                job_items.pause(rt.db, job_id, rt.clock.now(), dict(saved.get("checkpoint") or {}))
                return
        else:
            _drop_own(rt, programme_id, job_id)
        _delete_file(rt, bucket, object_key)
        raise
    if finished:
        _delete_file(rt, bucket, object_key)


def _drop_own(rt: Runtime, programme_id: str, generation: str) -> None:
    """The hashes a job wrote for a list it never made current (it failed, or was refused)."""
    own = list(resident_items.hashes(rt.db, programme_id, generation))
    resident_items.delete_generation(rt.db, programme_id, generation, own)


def _erased(rt: Runtime, programme_id: str) -> bool:
    """The programme's personal data was deleted (its retention) since the upload was accepted."""
    programme = programmes.get(rt.db, programme_id, consistent=True)
    return programme is None or bool(programme.get("personal_data_deleted_on"))


def _fail(rt: Runtime, job_id: str, message: str, errors: list[dict[str, Any]], error_count: int) -> bool:
    job_items.update(
        rt.db, job_id, rt.clock.now(), state=JobState.FAILED, message=message, error_count=error_count, errors=errors
    )
    return True


def _run(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> bool:
    """Returns whether the job ended (done or failed); False when it paused for another lap."""
    job_id = str(job["job_id"])
    params = job["params"]
    programme_id = str(params["programme_id"])
    if _erased(rt, programme_id):
        _drop_own(rt, programme_id, job_id)
        return _fail(rt, job_id, ERASED, [], 0)
    raw = rt.s3.get_object(Bucket=str(params["bucket"]), Key=str(params["key"]))["Body"].read()
    try:
        header, rows = parse(decode(raw))
    except FileRejected as error:
        return _fail(rt, job_id, error.text, [{"line": 1, "column": "", "reason": error.text}], 1)
    checkpoint = dict(job.get("checkpoint") or {})
    if not checkpoint:
        job_items.update(rt.db, job_id, rt.clock.now(), state=JobState.RUNNING, total_count=len(rows), message="検証中")
    checked, found = check(rt.resident_key, programme_id, header, rows)
    if checked.error_count:
        return _fail(
            rt,
            job_id,
            f"{checked.error_count:,}件のエラーがあるため、取り込みませんでした。名簿は変わっていません。",
            checked.errors[:MAX_ERRORS_KEPT],
            checked.error_count,
        )
    if not found:
        return _fail(rt, job_id, "取り込む行がありません。", [], 0)
    generation = job_id
    written = int(checkpoint.get("written", 0))
    while written < len(found):
        if should_pause():
            job_items.pause(rt.db, job_id, rt.clock.now(), {"written": written}, done_count=written)
            return False
        chunk = found[written : written + CHUNK]
        rt.db.batch_put(resident_items.resident_item(programme_id, generation, h) for _, h in chunk)
        written += len(chunk)
        job_items.update(rt.db, job_id, rt.clock.now(), checkpoint={"written": written}, done_count=written)
    previous = resident_items.current(rt.db, programme_id)
    if previous and str(previous["generation"]) == generation:
        # A lap of this job switched the list and died before it ended (the old generation's delete can
        # outlast a Lambda): finish from what it saved before switching, never treat the list it made
        # current as the old one.
        _drop_old(rt, programme_id, checkpoint.get("old_generation"), generation)
        return _finish(rt, job, programme_id, len(found), len(rows), dict(checkpoint.get("diff") or {}))
    old_generation = str(previous["generation"]) if previous else None
    old = set(resident_items.hashes(rt.db, programme_id, old_generation)) if old_generation else set()
    new = {h for _, h in found}
    diff = {
        "added": len(new - old),
        "removed": len(old - new),
        "unchanged": len(new & old),
        "added_lines": [line for line, h in found if h not in old][:ADDED_LINES_KEPT],
    }
    if _erased(rt, programme_id):  # the retention run came between this job's laps, or during this one
        resident_items.delete_generation(rt.db, programme_id, generation, new)
        return _fail(rt, job_id, ERASED, [], 0)
    owner = dict(job["owner"])
    checkpoint = {"written": written, "old_generation": old_generation, "diff": diff}
    job_items.update(rt.db, job_id, rt.clock.now(), checkpoint=checkpoint)  # what a rerun after the switch needs
    try:
        resident_items.switch(
            rt.db,
            programme_id,
            old_generation,
            {
                "programme_id": programme_id,
                "generation": generation,
                "count": len(found),
                "uploaded_at": iso(rt.clock.now()),
                "uploaded_by": {"user_id": owner.get("user_id"), "name": owner.get("name")},
                "job_id": job_id,
                "file_name": params.get("file_name"),
            },
        )
    except ConditionFailed:
        resident_items.delete_generation(rt.db, programme_id, generation, new)
        return _fail(
            rt, job_id, "同時に別の名簿が取り込まれたため、取り込みませんでした。もう一度取り込んでください。", [], 0
        )
    _drop_old(rt, programme_id, old_generation, generation, old)
    return _finish(rt, job, programme_id, len(found), len(rows), diff)


def _drop_old(
    rt: Runtime, programme_id: str, old_generation: str | None, generation: str, old: set[str] | None = None
) -> None:
    """Delete the list the switch replaced (re-run safe); never the generation this job made current."""
    if not old_generation or old_generation == generation:
        return
    hashes = old if old is not None else set(resident_items.hashes(rt.db, programme_id, old_generation))
    resident_items.delete_generation(rt.db, programme_id, old_generation, hashes)


def _finish(rt: Runtime, job: Item, programme_id: str, listed: int, rows: int, diff: dict[str, Any]) -> bool:
    # The audit entry first: a lap that dies between the two repeats the entry, rather than losing it.
    audit.record(
        rt,
        "resident_list_uploaded",
        actor=dict(job["owner"]),
        scope=Scope(str(job["scope"].get("committee_id"))),
        target_type="programme",
        target_id=programme_id,
        rows=listed,
        added=diff.get("added", 0),
        removed=diff.get("removed", 0),
    )
    jobs.done(
        rt,
        job,
        done_count=rows,
        diff=diff,
        message=(
            f"{listed:,}人の名簿を取り込みました (追加 {diff.get('added', 0):,}人・削除 {diff.get('removed', 0):,}人・"
            f"変更なし {diff.get('unchanged', 0):,}人)。"
        ),
    )
    return True


def _delete_file(rt: Runtime, bucket: str, key: str) -> None:
    rt.s3.delete_object(Bucket=bucket, Key=key)
