"""マスタ一括登録: validate every row of an uploaded CSV, then apply all rows or none.

Rows are held to the same models as the console's forms (shoken.entities; reading them: bulk_rows).
Each entity kind is a module of bulk_kinds behind one interface; this is the job that drives them.
Nothing is written until every row is valid. Applying reserves ids first and claims every unique
value (login IDs, external ids) before any entity is written, so a clash found while applying is
undone and reported instead of leaving half a file behind; the ids and the progress are kept in the
job's checkpoint, so a resumed lap writes the same records again (idempotently) and finishes the file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from shoken import audit, entities, messages
from shoken.bulk_specs import SPECS
from shoken.clock import iso
from shoken.csv_upload import MAX_ERRORS_KEPT
from shoken.db import guards, keys, sequences, users
from shoken.db import jobs as job_items
from shoken.db.dynamo import Expr, Item, TransactionFailed
from shoken.errors import DomainError
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime
from shoken.status import JobState
from workers import jobs
from workers.bulk_kinds import Kind, Lap, References, kind_of
from workers.bulk_rows import Checked, FileRejected, decode, parse, to_model

PROGRESS_EVERY = 1_000
REFERENCE_COLUMNS = {"committee_id": "アクワイアラID", "company_id": "企業ID", "store_id": "店舗ID"}


def check(
    rt: Runtime,
    spec_name: str,
    uploader: Principal,
    rows: list[tuple[int, dict[str, str]]],
    progress: Callable[[int], None],
) -> Checked:
    spec, kind = SPECS[spec_name], kind_of(spec_name)
    checked = Checked()
    models: list[tuple[int, BaseModel]] = []
    for count, (line, values) in enumerate(rows, start=1):
        model = to_model(spec, line, values, checked)
        if model is not None:
            models.append((line, model))
        if count % PROGRESS_EVERY == 0:
            progress(count // 2)
    references = _load_references(rt, [m for _, m in models])
    seen: dict[str, int] = {}
    unique_values: list[tuple[int, str, str, str]] = []  # line, column, guard key kind, value
    for line, model in models:
        problem = _check_row(kind, uploader, model, references)
        if problem:
            checked.error(line, *problem)
            continue
        for column, guard, value in kind.unique(model):
            if value in seen:
                checked.error(line, column, f"ファイル内で重複しています ({seen[value]}行目と同じ値です)。")
                break
            seen[value] = line
            if guard:
                unique_values.append((line, column, guard, value))
        else:
            checked.rows.append((line, model))
    taken = _taken(rt, [(guard, value) for _, _, guard, value in unique_values])
    bad_lines = set()
    for line, column, guard, value in unique_values:
        if (guard, value) in taken:
            checked.error(line, column, "既に登録されています。")
            bad_lines.add(line)
    checked.rows = [(line, m) for line, m in checked.rows if line not in bad_lines]
    checked.errors.sort(key=lambda e: e["line"])
    progress(len(rows) // 2)  # checking is the first half of the job; applying is the second
    return checked


def _load_references(rt: Runtime, models: list[BaseModel]) -> References:
    wanted = {key for model in models for key in keys.places(model.model_dump())}
    return rt.db.batch_get(sorted(wanted), consistent=False) if wanted else {}


def _check_row(kind: Kind, uploader: Principal, model: BaseModel, refs: References) -> tuple[str, str] | None:
    """The column and reason a row is refused for, as the form would refuse it; None if it may go in."""
    try:
        kind.home(uploader, model.model_dump(), refs)
    except entities.HomeFieldRefused as error:
        field, problem = str(error.facts["field"]), str(error.facts["problem"])
        return (REFERENCE_COLUMNS.get(field, ""), messages.field_text(problem, {}))
    except DomainError as error:  # the uploader may not register it there (the entities' Forbidden kinds)
        return ("権限", error.text)
    return kind.problem(model)


def _guard_key(kind: str, value: str) -> tuple[str, str]:
    return keys.login_name(value) if kind == "login" else guards.key(kind, value)


def _taken(rt: Runtime, values: list[tuple[str, str]]) -> set[tuple[str, str]]:
    found = rt.db.batch_get([_guard_key(k, v) for k, v in values], consistent=True) if values else {}
    return {(k, v) for k, v in values if _guard_key(k, v) in found}


# --- applying ----------------------------------------------------------------------------------------
def build(
    rt: Runtime,
    kind: Kind,
    models: list[BaseModel],
    checkpoint: dict[str, Any],
    refs: References,
    uploader: Principal,
) -> list[tuple[Item, tuple[str, str, str] | None]]:
    """The records to write, with the unique value each claims; the same on every lap."""
    lap = Lap(now=iso(rt.clock.now()), seed=bytes.fromhex(str(checkpoint["seed"])), uploader=uploader, refs=refs)
    base = int(checkpoint["base"])
    out: list[tuple[Item, tuple[str, str, str] | None]] = []
    for offset, model in enumerate(models):
        data = {k: v for k, v in model.model_dump().items() if v is not None}
        home = kind.home(uploader, model.model_dump(), refs)  # checked already: the same answer on every lap
        for reference in ("committee_id", "company_id", "store_id"):
            data.pop(reference, None)
        record = kind.record(base + offset, model, data, home, lap)
        claims = [u for u in kind.unique(model) if u.guard]
        claim = (claims[0].guard, claims[0].value, str(record[str(kind.id_field)])) if claims else None
        out.append((record, claim))
    return out


def claim_all(rt: Runtime, claims: list[tuple[str, str, str]]) -> list[int]:
    """Claim every unique value (25 per transaction); returns the positions that someone else holds."""
    clashes: list[int] = []
    for start in range(0, len(claims), 25):
        chunk = claims[start : start + 25]
        actions = []
        for kind, value, owner in chunk:
            if kind == "login":
                expr = Expr()
                condition = f"attribute_not_exists({expr.n('PK')}) OR {expr.n('user_id')} = {expr.v(owner)}"
                actions.append(rt.db.tx_put(users.login_item(value, owner), condition=condition, expr=expr))
            else:
                actions.append(guards.put_action(rt.db, kind, value, owner))
        try:
            rt.db.transact(actions)
        except TransactionFailed as failed:
            if not any(failed.failed_at(i) for i in range(len(chunk))):
                raise
            clashes += [start + i for i in range(len(chunk)) if failed.failed_at(i)]
            # Claim the rest of the chunk one by one, so that every clash is known.
            for i, action in enumerate(actions):
                if failed.failed_at(i):
                    continue
                try:
                    rt.db.transact([action])
                except TransactionFailed:
                    clashes.append(start + i)
    return clashes


def release_all(rt: Runtime, claims: list[tuple[str, str, str]]) -> None:
    for kind, value, owner in claims:
        try:
            if kind == "login":
                expr = Expr()
                rt.db.transact(
                    [
                        rt.db.tx_delete(
                            keys.login_name(value), condition=f"{expr.n('user_id')} = {expr.v(owner)}", expr=expr
                        )
                    ]
                )
            else:
                rt.db.transact([guards.release_action(rt.db, kind, value, owner)])
        except TransactionFailed:
            continue  # held by someone else: not ours to release


MAX_CREATED_KEPT = 1_000


def _created(kind: Kind, line: int, record: Item) -> dict[str, Any]:
    """One line of 登録結果: the new ID beside the row it came from (the store upload needs the 企業ID)."""
    name = record.get("name") or record.get("device_name") or record.get("login_id") or ""
    return {"line": line, "id": str(record[str(kind.id_field)]), "name": str(name)}


# --- the job -----------------------------------------------------------------------------------------
def run(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    job_id = str(job["job_id"])
    spec_name = str(job["params"]["spec"])
    spec, kind = SPECS[spec_name], kind_of(spec_name)
    uploader = job_items.owner_principal(job)
    raw = rt.s3.get_object(Bucket=str(job["params"]["bucket"]), Key=str(job["params"]["key"]))["Body"].read()
    try:
        rows = parse(spec, decode(raw))
    except FileRejected as error:
        jobs.fail(
            rt,
            job,
            message=error.text,
            error_count=1,
            errors=[{"line": 1, "column": "", "reason": error.text}],
        )
        return
    checkpoint = dict(job.get("checkpoint") or {})
    if checkpoint.get("phase") != "apply":
        job_items.update(
            rt.db, job_id, rt.clock.now(), state=JobState.RUNNING, total_count=len(rows), done_count=0, message="検証中"
        )

        def progress(done: int) -> None:
            job_items.update(rt.db, job_id, rt.clock.now(), done_count=done)

        checked = check(rt, spec_name, uploader, rows, progress)
        if checked.error_count:
            jobs.fail(
                rt,
                job,
                message=f"{checked.error_count:,}件のエラーがあるため、登録しませんでした。",
                error_count=checked.error_count,
                errors=checked.errors,
            )
            return
        if not checked.rows:
            jobs.fail(rt, job, "登録する行がありません。", error_count=0)
            return
        base = sequences.next_value(rt.db, spec.sequence, count=len(checked.rows)) if spec.sequence else 0
        checkpoint = {"phase": "apply", "base": base, "seed": secrets.token_hex(16), "written": 0, "claimed": False}
        job_items.update(
            rt.db, job_id, rt.clock.now(), checkpoint=checkpoint, message="登録中", done_count=len(rows) // 2
        )
    parsed = [(line, to_model(spec, line, values, Checked())) for line, values in rows]
    lines = [line for line, model in parsed if model is not None]
    models = [model for _, model in parsed if model is not None]
    refs = _load_references(rt, models)
    records = build(rt, kind, models, checkpoint, refs, uploader)
    claimed = [(line, claim) for line, (_, claim) in zip(lines, records, strict=True) if claim]
    claims = [claim for _, claim in claimed]
    if not checkpoint.get("claimed"):
        clashes = claim_all(rt, claims)
        if clashes:
            release_all(rt, claims)
            errors = [{"line": claimed[i][0], "column": "", "reason": "他の登録と重複しました。"} for i in clashes][
                :MAX_ERRORS_KEPT
            ]
            jobs.fail(
                rt,
                job,
                message="登録中に他の登録と重複したため、登録しませんでした。",
                error_count=len(clashes),
                errors=errors,
            )
            return
        checkpoint["claimed"] = True
        job_items.update(rt.db, job_id, rt.clock.now(), checkpoint=checkpoint)
    written = int(checkpoint["written"])
    while written < len(records):
        if should_pause():
            job_items.pause(
                rt.db,
                job_id,
                rt.clock.now(),
                {**checkpoint, "written": written},
                done_count=len(rows) // 2 + written * len(rows) // (2 * len(records)),
            )
            return
        chunk = records[written : written + 500]
        rt.db.batch_put(record for record, _ in chunk)
        written += len(chunk)
        job_items.update(
            rt.db,
            job_id,
            rt.clock.now(),
            checkpoint={**checkpoint, "written": written},
            done_count=len(rows) // 2 + written * len(rows) // (2 * len(records)),
        )
    kind.finish(rt, job, [record for record, _ in records])
    jobs.done(
        rt,
        job,
        done_count=len(rows),
        message=f"{len(records):,}件の{spec.label}を登録しました。",
        # Only uploads that register entities have new IDs to list (payout accounts update existing ones).
        created=[_created(kind, line, record) for line, (record, _) in zip(lines, records, strict=True)][
            :MAX_CREATED_KEPT
        ]
        if kind.id_field
        else [],
    )
    audit.record(
        rt,
        "bulk_upload",
        actor=dict(job["owner"]),
        scope=Scope(uploader.committee_id, uploader.company_id, uploader.store_id),
        target_type=spec_name,
        target_id=job_id,
        rows=len(records),
    )
