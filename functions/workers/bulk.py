"""マスタ一括登録: validate every row of an uploaded CSV, then apply all rows or none.

Rows are held to the same models as the console's forms (shoken.entities). Nothing is written until
every row is valid. Applying reserves ids first and claims every unique value (login IDs, external
ids) before any entity is written, so a clash found while applying is undone and reported instead
of leaving half a file behind; the ids and the progress are kept in the job's checkpoint, so a
resumed lap writes the same records again (idempotently) and finishes the file.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from shoken import audit, bank, entities, ids, payout_account
from shoken.bulk_specs import SPECS, Spec
from shoken.clock import iso
from shoken.db import committees, companies, guards, keys, payout_accounts, sequences, stores, terminals, users
from shoken.db import jobs as job_items
from shoken.db.dynamo import Expr, Item, TransactionFailed
from shoken.errors import InvalidRequest, ShokenError
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.validation import reason_ja

MAX_ROWS = 20_000
MAX_ERRORS_KEPT = 1_000
PROGRESS_EVERY = 1_000
# Values compared as codes: full-width digits and letters typed in Excel are folded to half-width.
FOLDED = {
    "company_id",
    "store_id",
    "phone",
    "login_id",
    "email",
    "external_company_id",
    "external_store_id",
    "external_terminal_id",
    "external_service_name",
    "committee_id",
    "bank_code",
    "branch_code",
    "account_number",
}
TRUE_WORDS = {"1", "true", "yes", "はい", "大型店", "○", "◯"}
FALSE_WORDS = {"", "0", "false", "no", "いいえ", "×"}


ACCOUNT_TYPE_WORDS = {"普通": "ordinary", "1": "ordinary", "当座": "current", "2": "current"}
ROLE_WORDS = {r.label: r.value for r in Role if r is not Role.CITIZEN} | {
    r.value: r.value for r in Role if r is not Role.CITIZEN
}


class FileRejected(InvalidRequest):
    code = "bulk_file_invalid"


@dataclass
class Checked:
    """What validation found: valid rows in file order, and the errors by line."""

    rows: list[tuple[int, BaseModel]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def error(self, line: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"line": line, "column": column, "reason": reason})


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM) or Shift_JIS (Windows-31J, as Excel saves it in Japan)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected("文字コードを判別できません。UTF-8 または Shift_JIS で保存したCSVファイルを指定してください。")


def parse(spec: Spec, text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration as error:
        raise FileRejected("ファイルが空です。") from error
    except csv.Error as error:
        raise FileRejected(f"CSVの形式が正しくありません ({error})。") from error
    header = [h.strip().lstrip("\ufeff") for h in header]
    expected = [c for c, _ in spec.columns]
    if header != expected:
        raise FileRejected(f"1行目(見出し行)が正しくありません。次の列をこの順に並べてください: {', '.join(expected)}")
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append(
                (
                    reader.line_num,
                    {h: (values[i] if i < len(values) else "\u0000missing") for i, h in enumerate(header)}
                    | ({"\u0000extra": "x"} if len(values) > len(header) else {}),
                )
            )
            if len(rows) > MAX_ROWS:
                raise FileRejected(f"一度に登録できるのは{MAX_ROWS:,}行までです。ファイルを分けてください。")
    except csv.Error as error:
        raise FileRejected(f"{reader.line_num}行目: CSVの形式が正しくありません ({error})。") from error
    return rows


def to_model(spec: Spec, line: int, values: dict[str, str], checked: Checked) -> BaseModel | None:
    if "\u0000extra" in values or "\u0000missing" in values.values():
        checked.error(line, "", "列の数が見出し行と一致しません。")
        return None
    data: dict[str, Any] = {}
    for header, name in spec.columns:
        value = values[header].strip()
        if name in FOLDED:
            value = unicodedata.normalize("NFKC", value)
        if name == "large":
            word = value.lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                checked.error(line, header, "1(大型店)または0で入力してください。")
                return None
            data[name] = word in TRUE_WORDS
        elif name == "role":
            data[name] = ROLE_WORDS.get(value, value)
        elif name == "account_type":
            data[name] = ACCOUNT_TYPE_WORDS.get(value, value) if value else "ordinary"
        elif value != "":
            data[name] = value
    try:
        return spec.model.model_validate(data)
    except ValidationError as error:
        labels = {n: h for h, n in spec.columns}
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem.get("loc") else ""
            checked.error(line, labels.get(name, name), reason_ja(problem))
        return None


def check(
    rt: Runtime,
    spec_name: str,
    uploader: Principal,
    rows: list[tuple[int, dict[str, str]]],
    progress: Callable[[int], None],
) -> Checked:
    spec = SPECS[spec_name]
    checked = Checked()
    models: list[tuple[int, BaseModel]] = []
    for count, (line, values) in enumerate(rows, start=1):
        model = to_model(spec, line, values, checked)
        if model is not None:
            models.append((line, model))
        if count % PROGRESS_EVERY == 0:
            progress(count // 2)
    references = _load_references(rt, spec_name, [m for _, m in models])
    seen: dict[str, int] = {}
    unique_values: list[tuple[int, str, str, str]] = []  # line, column, guard key kind, value
    for line, model in models:
        problem = _check_row(spec_name, uploader, model, references)
        if problem:
            checked.error(line, *problem)
            continue
        if isinstance(model, payout_account.PayoutAccountRow):
            column = "店舗ID" if model.store_id else "企業ID"
            if model.owner in seen:
                checked.error(line, column, f"ファイル内で重複しています ({seen[model.owner]}行目と同じ値です)。")
                continue
            seen[model.owner] = line
        for column, kind, value in _unique_values(spec_name, model):
            if value in seen:
                checked.error(line, column, f"ファイル内で重複しています ({seen[value]}行目と同じ値です)。")
                break
            seen[value] = line
            unique_values.append((line, column, kind, value))
        else:
            checked.rows.append((line, model))
    taken = _taken(rt, [(kind, value) for _, _, kind, value in unique_values])
    bad_lines = set()
    for line, column, kind, value in unique_values:
        if (kind, value) in taken:
            checked.error(line, column, "既に登録されています。")
            bad_lines.add(line)
    checked.rows = [(line, m) for line, m in checked.rows if line not in bad_lines]
    checked.errors.sort(key=lambda e: e["line"])
    progress(len(rows) // 2)  # checking is the first half of the job; applying is the second
    return checked


def _load_references(rt: Runtime, spec_name: str, models: list[BaseModel]) -> dict[tuple[str, str], Item]:
    wanted: set[tuple[str, str]] = set()
    for model in models:
        data = model.model_dump()
        if data.get("committee_id"):
            wanted.add(keys.committee(str(data["committee_id"])))
        if data.get("company_id"):
            wanted.add(keys.company(str(data["company_id"])))
        if data.get("store_id"):
            wanted.add(keys.store(str(data["store_id"])))
    return rt.db.batch_get(sorted(wanted), consistent=False) if wanted else {}


def _home(spec_name: str, uploader: Principal, model: BaseModel, refs: dict[tuple[str, str], Item]) -> Scope:
    """Where a row's record goes, by the rules of the console's own forms (shoken.entities)."""
    data = model.model_dump()

    def named(key: Callable[[str], tuple[str, str]], field: str) -> Item | None:
        return refs.get(key(str(data[field]))) if data.get(field) else None

    committee, company, store = (
        named(keys.committee, "committee_id"),
        named(keys.company, "company_id"),
        named(keys.store, "store_id"),
    )
    if spec_name == "companies":
        return entities.company_home(uploader, data.get("committee_id"), committee)
    if spec_name == "stores":
        return entities.store_home(uploader, company)
    if spec_name == "terminals":
        return entities.terminal_home(uploader, store)
    if spec_name == "payout_accounts":
        return _payout_home(uploader, store, company, data)
    return entities.user_home(uploader, Role(data["role"]), committee=committee, company=company, store=store)


def _payout_home(uploader: Principal, store: Item | None, company: Item | None, data: dict[str, Any]) -> Scope:
    """The payee a 振込先口座 row names must exist in the uploader's scope (as on 店舗詳細 / 企業詳細)."""
    field_name = "store_id" if data.get("store_id") else "company_id"
    target = store if field_name == "store_id" else company
    if target is None or not uploader.covers(Scope.of(target)):
        what = "店舗" if field_name == "store_id" else "企業"
        raise InvalidRequest(details=[{"field": field_name, "reason_ja": f"{what}が見つかりません。"}])
    return Scope.of(target)


def _account_problem(model: BaseModel) -> tuple[str, str] | None:
    try:
        payout_account.checked(model)  # type: ignore[arg-type]
    except ShokenError as error:
        return (payout_account.ERROR_COLUMNS.get(error.code, ""), error.text)
    return None


REFERENCE_COLUMNS = {"committee_id": "アクワイアラID", "company_id": "企業ID", "store_id": "店舗ID"}


def _check_row(
    spec_name: str, uploader: Principal, model: BaseModel, refs: dict[tuple[str, str], Item]
) -> tuple[str, str] | None:
    """The column and reason a row is refused for, as the form would refuse it; None if it may go in."""
    try:
        _home(spec_name, uploader, model, refs)
    except ShokenError as error:
        if not error.details:
            return ("権限", error.text)
        detail = error.details[0]
        return (REFERENCE_COLUMNS.get(str(detail["field"]), ""), str(detail.get("reason_ja", error.text)))
    if spec_name == "payout_accounts":
        return _account_problem(model)
    return None


def _unique_values(spec_name: str, model: BaseModel) -> list[tuple[str, str, str]]:
    data = model.model_dump()
    if spec_name == "users":
        return [("ログインID", "login", str(data["login_id"]).lower())]
    if spec_name == "companies" and data.get("external_company_id"):
        return [("外部企業ID", "company", str(data["external_company_id"]))]
    if spec_name == "stores" and data.get("external_store_id"):
        return [("外部店舗ID", "store", str(data["external_store_id"]))]
    if spec_name == "terminals" and data.get("external_terminal_id"):
        return [("外部端末ID", "terminal", str(terminals.external_key(data)))]
    return []


def _guard_key(kind: str, value: str) -> tuple[str, str]:
    return keys.login_name(value) if kind == "login" else guards.key(kind, value)


def _taken(rt: Runtime, values: list[tuple[str, str]]) -> set[tuple[str, str]]:
    found = rt.db.batch_get([_guard_key(k, v) for k, v in values], consistent=True) if values else {}
    return {(k, v) for k, v in values if _guard_key(k, v) in found}


# --- applying ----------------------------------------------------------------------------------------
def build(
    rt: Runtime,
    spec_name: str,
    models: list[BaseModel],
    checkpoint: dict[str, Any],
    refs: dict[tuple[str, str], Item],
    uploader: Principal,
) -> list[tuple[Item, tuple[str, str, str] | None]]:
    """The records to write, with the unique value each claims; the same on every lap."""
    now = iso(rt.clock.now())
    base = int(checkpoint["base"])
    seed = bytes.fromhex(str(checkpoint["seed"]))
    out: list[tuple[Item, tuple[str, str, str] | None]] = []
    for offset, model in enumerate(models):
        data = {k: v for k, v in model.model_dump().items() if v is not None}
        n = base + offset
        unique = _unique_values(spec_name, model)
        claim = (unique[0][1], unique[0][2], "") if unique else None
        home = _home(spec_name, uploader, model, refs)  # checked already: the same answer on every lap
        for reference in ("committee_id", "company_id", "store_id"):
            data.pop(reference, None)
        if spec_name == "companies":
            record = companies.item(ids.company_id(n), committee_id=str(home.committee_id), now=now, **data)
            owner = record["company_id"]
        elif spec_name == "stores":
            record = stores.under(refs[keys.company(str(home.company_id))], ids.store_id(n), now=now, **data)
            owner = record["store_id"]
        elif spec_name == "payout_accounts":
            assert isinstance(model, payout_account.PayoutAccountRow)
            record = payout_accounts.item(
                model.owner,
                scope={"committee_id": home.committee_id, "company_id": home.company_id, "store_id": home.store_id},
                account=payout_account.checked(model),
                now=now,
                by=uploader.user_id,
            )
            owner = record["owner"]
        elif spec_name == "terminals":
            terminal_id = ids.terminal_id(n)
            store = refs[keys.store(str(home.store_id))]
            password = _terminal_password(seed, terminal_id)
            record = terminals.under(store, terminal_id, password=password, now=now, **data)
            owner = record["terminal_id"]
        else:
            record = users.item(
                ids.admin_user_id(n),
                login_id=str(data["login_id"]),
                name=str(data["name"]),
                email=str(data["email"]),
                role=str(data["role"]),
                now=now,
                committee_id=home.committee_id,
                company_id=home.company_id,
                store_id=home.store_id,
                note=data.get("note"),
                created_by=uploader.user_id,
            )
            owner = record["user_id"]
        out.append((record, (claim[0], claim[1], str(owner)) if claim else None))
    return out


def _terminal_password(seed: bytes, terminal_id: str) -> str:
    """A four-digit password that a resumed lap derives again from the job's random seed."""
    return f"{int.from_bytes(hmac.new(seed, terminal_id.encode(), hashlib.sha256).digest()[:4], 'big') % 10_000:04d}"


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


# --- the job -----------------------------------------------------------------------------------------
def run(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    job_id = str(job["job_id"])
    spec_name = str(job["params"]["spec"])
    spec = SPECS[spec_name]
    uploader = job_items.owner_principal(job)
    raw = rt.s3.get_object(Bucket=str(job["params"]["bucket"]), Key=str(job["params"]["key"]))["Body"].read()
    try:
        rows = parse(spec, decode(raw))
    except FileRejected as error:
        job_items.update(
            rt.db,
            job_id,
            rt.clock.now(),
            state="failed",
            message=error.text,
            error_count=1,
            errors=[{"line": 1, "column": "", "reason": error.text}],
        )
        return
    checkpoint = dict(job.get("checkpoint") or {})
    if checkpoint.get("phase") != "apply":
        job_items.update(
            rt.db, job_id, rt.clock.now(), state="running", total_count=len(rows), done_count=0, message="検証中"
        )

        def progress(done: int) -> None:
            job_items.update(rt.db, job_id, rt.clock.now(), done_count=done)

        checked = check(rt, spec_name, uploader, rows, progress)
        if checked.error_count:
            job_items.update(
                rt.db,
                job_id,
                rt.clock.now(),
                state="failed",
                message=f"{checked.error_count:,}件のエラーがあるため、登録しませんでした。",
                error_count=checked.error_count,
                errors=checked.errors,
            )
            return
        if not checked.rows:
            job_items.update(
                rt.db, job_id, rt.clock.now(), state="failed", message="登録する行がありません。", error_count=0
            )
            return
        base = sequences.next_value(rt.db, spec.sequence, count=len(checked.rows)) if spec.sequence else 0
        checkpoint = {"phase": "apply", "base": base, "seed": secrets.token_hex(16), "written": 0, "claimed": False}
        job_items.update(
            rt.db, job_id, rt.clock.now(), checkpoint=checkpoint, message="登録中", done_count=len(rows) // 2
        )
    parsed = [(line, to_model(spec, line, values, Checked())) for line, values in rows]
    lines = [line for line, model in parsed if model is not None]
    models = [model for _, model in parsed if model is not None]
    refs = _load_references(rt, spec_name, models)
    records = build(rt, spec_name, models, checkpoint, refs, uploader)
    claimed = [(line, claim) for line, (_, claim) in zip(lines, records, strict=True) if claim]
    claims = [claim for _, claim in claimed]
    if not checkpoint.get("claimed"):
        clashes = claim_all(rt, claims)
        if clashes:
            release_all(rt, claims)
            errors = [{"line": claimed[i][0], "column": "", "reason": "他の登録と重複しました。"} for i in clashes][
                :MAX_ERRORS_KEPT
            ]
            job_items.update(
                rt.db,
                job_id,
                rt.clock.now(),
                state="failed",
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
    if spec_name == "stores":
        for committee_id in {str(r["committee_id"]) for r, _ in records}:
            committees.add_areas(
                rt.db, committee_id, {str(r.get("area") or "") for r, _ in records if r["committee_id"] == committee_id}
            )
    if spec_name == "payout_accounts":
        # Each account change is in the audit log of its company, as a change made on the form is.
        for record, _ in records:
            owner_type, owner_id = str(record["owner"]).split("#", 1)
            audit.record(
                rt,
                "payout_account_registered",
                actor=dict(job["owner"]),
                scope=Scope.of(record),
                target_type="store" if owner_type == "ST" else "company",
                target_id=owner_id,
                bank=f"{record['bank_code']}-{record['branch_code']}",
                account=bank.masked(str(record["account_number"])),
                holder=record["holder_kana"],
                via=job_id,
            )
    job_items.update(
        rt.db,
        job_id,
        rt.clock.now(),
        state="done",
        done_count=len(rows),
        message=f"{len(records):,}件の{spec.label}を登録しました。",
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
