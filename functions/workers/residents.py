"""住民名簿の取込: check every row of a programme's resident list, then replace the list whole or not at all.

Only the keyed hash of each resident's normalised matching fields is written (shoken.residents); the
uploaded file is deleted when the job ends, whether it succeeded or not. A re-upload writes a new
generation, compares it with the current one for the diff report (added / removed / unchanged, as
counts and the lines added: the old list holds no names to show), moves the programme's pointer by a
condition and deletes the old generation. Errors name the line and column, never the value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from shoken import audit, residents
from shoken.clock import iso
from shoken.db import jobs as job_items
from shoken.db import residents as resident_items
from shoken.db.dynamo import ConditionFailed, Item
from shoken.principal import Scope
from shoken.runtime import Runtime
from workers.bulk_rows import MAX_ERRORS_KEPT, Checked, FileRejected, decode

MAX_ROWS = 300_000
CHUNK = 500
ADDED_LINES_KEPT = 200
FIELDS = dict(residents.COLUMNS)


def parse(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty rows with their line numbers; the header must be exactly what is needed."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration as error:
        raise FileRejected("ファイルが空です。") from error
    except csv.Error as error:
        raise FileRejected(f"CSVの形式が正しくありません ({error})。") from error
    needed = [h for h, _ in residents.COLUMNS]
    extra = [h for h in header if h not in needed]
    if extra:
        raise FileRejected(
            f"この事業で使わない列があるため、取り込みませんでした: {', '.join(extra)}。"
            f"個人情報は必要な列({', '.join(needed)})だけにして保存し直してください。"
        )
    missing = [h for h in needed if h not in header]
    if missing or len(set(header)) != len(header):
        raise FileRejected(f"1行目(見出し行)が正しくありません。次の列を1つずつ並べてください: {', '.join(needed)}")
    rows: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append((reader.line_num, values))
            if len(rows) > MAX_ROWS:
                raise FileRejected(f"一度に取り込めるのは{MAX_ROWS:,}行までです。")
    except csv.Error as error:
        raise FileRejected(f"{reader.line_num}行目: CSVの形式が正しくありません ({error})。") from error
    return header, rows


def check(
    key: bytes, programme_id: str, header: list[str], rows: list[tuple[int, list[str]]]
) -> tuple[Checked, list[tuple[int, str]]]:
    """Every row's hash, or every row's errors (line, column, reason); duplicates in the file are errors."""
    checked = Checked()
    found: list[tuple[int, str]] = []
    by_key: dict[str, int] = {}
    for line, values in rows:
        if len(values) != len(header):
            checked.error(line, "", "列の数が見出し行と一致しません。")
            continue
        data = {FIELDS[h]: v for h, v in zip(header, values, strict=True)}
        try:
            resident_key = residents.normalise_resident_key(data["resident_key"])
        except residents.FieldError as error:
            checked.error(line, residents.RESIDENT_KEY, str(error))
            resident_key = ""
        fields: dict[str, str] = {}
        for column, name, normalise in (
            (residents.NAME_KANA, "name_kana", residents.normalise_kana),
            (residents.BIRTH_DATE, "birth_date", residents.normalise_birth_date),
        ):
            try:
                fields[name] = normalise(data[name])
            except residents.FieldError as error:
                checked.error(line, column, str(error))
        if not resident_key or len(fields) < 2:
            continue
        if resident_key in by_key:
            checked.error(
                line,
                residents.RESIDENT_KEY,
                f"ファイル内で重複しています ({by_key[resident_key]}行目と同じ住民番号です)。",
            )
            continue
        by_key[resident_key] = line
        who = residents.Person(resident_key, fields["name_kana"], fields["birth_date"])
        found.append((line, residents.matching_hash(key, programme_id, who)))
    checked.errors.sort(key=lambda e: e["line"])
    return checked, found


def run(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    params = job["params"]
    bucket, object_key = str(params["bucket"]), str(params["key"])
    try:
        finished = _run(rt, job, should_pause)
    except Exception:
        _delete_file(rt, bucket, object_key)
        raise
    if finished:
        _delete_file(rt, bucket, object_key)


def _fail(rt: Runtime, job_id: str, message: str, errors: list[dict[str, Any]], error_count: int) -> bool:
    job_items.update(
        rt.db, job_id, rt.clock.now(), state="failed", message=message, error_count=error_count, errors=errors
    )
    return True


def _run(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> bool:
    """Returns whether the job ended (done or failed); False when it paused for another lap."""
    job_id = str(job["job_id"])
    params = job["params"]
    programme_id = str(params["programme_id"])
    raw = rt.s3.get_object(Bucket=str(params["bucket"]), Key=str(params["key"]))["Body"].read()
    try:
        header, rows = parse(decode(raw))
    except FileRejected as error:
        return _fail(rt, job_id, error.text, [{"line": 1, "column": "", "reason": error.text}], 1)
    checkpoint = dict(job.get("checkpoint") or {})
    if not checkpoint:
        job_items.update(rt.db, job_id, rt.clock.now(), state="running", total_count=len(rows), message="検証中")
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
    old_generation = str(previous["generation"]) if previous else None
    old = set(resident_items.hashes(rt.db, programme_id, old_generation)) if old_generation else set()
    new = {h for _, h in found}
    diff = {
        "added": len(new - old),
        "removed": len(old - new),
        "unchanged": len(new & old),
        "added_lines": [line for line, h in found if h not in old][:ADDED_LINES_KEPT],
    }
    owner = dict(job["owner"])
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
    if old_generation:
        resident_items.delete_generation(rt.db, programme_id, old_generation, old)
    job_items.update(
        rt.db,
        job_id,
        rt.clock.now(),
        state="done",
        done_count=len(rows),
        diff=diff,
        message=(
            f"{len(found):,}人の名簿を取り込みました (追加 {diff['added']:,}人・削除 {diff['removed']:,}人・"
            f"変更なし {diff['unchanged']:,}人)。"
        ),
    )
    audit.record(
        rt,
        "resident_list_uploaded",
        actor=owner,
        scope=Scope(str(job["scope"].get("committee_id"))),
        target_type="programme",
        target_id=programme_id,
        rows=len(found),
        added=diff["added"],
        removed=diff["removed"],
    )
    return True


def _delete_file(rt: Runtime, bucket: str, key: str) -> None:
    rt.s3.delete_object(Bucket=bucket, Key=key)
