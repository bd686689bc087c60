"""Residents' personal data in the console (issue 23): showing a wallet's email only with a reason,
the 開示請求 file and erasure on request, and each programme's retention (what is deleted when).

Every view of personal data names a reason from shoken.privacy.REASONS and is in the audit log with
who and why; the data itself never is."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from admin import lookup
from admin.app_users import detail_of, visible_wallet
from admin.errors import NotLapsedYet, PrivacyCommitteeOnly, RetentionOver
from admin.schemas import AppUserDetail
from shoken import api, audit, console, ids, privacy
from shoken.clock import jst_date
from shoken.db import jobs, keys, ledger, programmes
from shoken.db import residents as resident_items
from shoken.db.dynamo import Expr, Item
from shoken.errors import ProgrammeNotFound
from shoken.gate import HttpRequest
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.validation import BodyInt, Schema


class PersonalAccess(Schema):
    reason: str = Field(min_length=1, max_length=40)
    note: str | None = Field(default=None, max_length=privacy.NOTE_MAX)


class DisclosureRequest(PersonalAccess):
    reason: str = Field(default="disclosure", min_length=1, max_length=40)
    format: Literal["xlsx", "csv"] = "xlsx"


class PersonalView(Schema):
    wallet_id: str
    email: str | None
    external_user_id: str | None
    reason_label: str


class DisclosureQueued(Schema):
    job_id: str
    label: str
    message: str


class RetentionRow(Schema):
    label: str
    count: int | None = None


class RetentionView(Schema):
    programme_id: str
    committee_id: str
    name: str
    ends_on: str
    retention_days: int
    delete_on: str
    state: str  # running / waiting / due / deleted
    state_label: str
    deleted_on: str | None = None
    rows: list[RetentionRow]
    kept: str


class RetentionList(Schema):
    items: list[RetentionView]
    reasons: dict[str, str]


class RetentionSettings(Schema):
    retention_days: BodyInt = Field(ge=privacy.RETENTION_DAYS_RANGE[0], le=privacy.RETENTION_DAYS_RANGE[1])


STATE_LABELS = {
    "running": "事業実施中",
    "waiting": "保存期間中",
    "due": "削除待ち",
    "deleted": "削除済み",
}


def _require(caller: Principal) -> None:
    if caller.role not in (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN):
        raise PrivacyCommitteeOnly()


def _request() -> HttpRequest | None:
    return api.current().request


# --- a wallet's personal details ------------------------------------------------------------------
def personal(rt: Runtime, caller: Principal, wallet_id: str, body: PersonalAccess) -> PersonalView:
    """The wallet's email address and external user ID, after the reason is given; audited."""
    wallet = visible_wallet(rt, caller, wallet_id)
    label = privacy.reason_label(body.reason, body.note)
    api.audit_event(
        "personal_data_viewed",
        scope=Scope(wallet.committee_id),
        target_type="wallet",
        target_id=wallet_id,
        reason_label=label,
    )
    return PersonalView(
        wallet_id=wallet_id,
        email=wallet.email,
        external_user_id=wallet.external_user_id,
        reason_label=label,
    )


def disclose(rt: Runtime, caller: Principal, wallet_id: str, body: DisclosureRequest) -> DisclosureQueued:
    """開示請求: queue the file of everything stored about the wallet; it appears in ファイルダウンロード
    (marked as containing personal data) and expires like every export."""
    wallet = visible_wallet(rt, caller, wallet_id)
    label = privacy.reason_label(body.reason, body.note)
    job_id = ids.random_token(12).replace("-", "x").replace("_", "y")
    committee_id = wallet.committee_id
    record = jobs.item(
        job_id,
        job_kind="disclosure",
        owner=audit.actor_of(caller)
        | {"committee_id": committee_id, "company_id": None, "store_id": None, "app": caller.app},
        scope={"committee_id": committee_id},
        params={"wallet_id": wallet_id, "format": body.format, "reason_label": label},
        now=rt.clock.now(),
        label=f"【個人情報を含む】開示請求 ユーザID {wallet_id}",
    )
    entry = api.audit_item(
        "disclosure_requested", scope=Scope(committee_id), target_type="wallet", target_id=wallet_id, reason_label=label
    )
    jobs.create(rt.db, record, audit=ledger.audit_action(rt.db, entry))
    return DisclosureQueued(
        job_id=job_id,
        label=str(record["label"]),
        message="開示請求のファイルを作成しています。「ファイルダウンロード」からダウンロードしてください。",
    )


def erase(rt: Runtime, caller: Principal, wallet_id: str, body: PersonalAccess) -> AppUserDetail:
    """Delete the wallet's personal fields at the resident's request, when the money records allow."""
    wallet = visible_wallet(rt, caller, wallet_id)
    label = privacy.reason_label(body.reason, body.note)
    if wallet.status is not privacy.ERASED:
        refusal = privacy.erasure_refusal(rt, wallet)
        if refusal:
            raise refusal
        privacy.erase_wallet(rt, wallet, actor=audit.actor_of(caller), reason=label, request=_request())
    erased = visible_wallet(rt, caller, wallet_id)
    return detail_of(rt, erased)


# --- retention: what is deleted when ----------------------------------------------------------------
def _state(programme: Item, today: str) -> str:
    if programme.get("personal_data_deleted_on"):
        return "deleted"
    if privacy.is_running(programme, today):
        return "running"
    return "due" if privacy.is_due(programme, today) else "waiting"


def retention_view(rt: Runtime, programme: Item) -> RetentionView:
    today = jst_date(rt.clock.now())
    state = _state(programme, today)
    listed = resident_items.current(rt.db, str(programme["programme_id"]))
    rows = [
        RetentionRow(
            label=h.label,
            count=int(listed["count"]) if h.prefix == privacy.RESIDENT and listed and state != "deleted" else None,
        )
        for h in privacy.PROGRAMME_DATA
    ] + [RetentionRow(label=privacy.PERSONAL_FIELDS_LABEL)]
    return RetentionView(
        programme_id=str(programme["programme_id"]),
        committee_id=str(programme["committee_id"]),
        name=str(programme["name"]),
        ends_on=privacy.ends_on(programme),
        retention_days=privacy.retention_days(programme),
        delete_on=privacy.delete_on(programme),
        state=state,
        state_label=STATE_LABELS[state],
        deleted_on=programme.get("personal_data_deleted_on"),
        rows=rows,
        kept=privacy.KEPT_LABEL,
    )


def _programme(rt: Runtime, caller: Principal, programme_id: str) -> Item:
    _require(caller)
    return console.in_scope(caller, programmes.get(rt.db, programme_id, consistent=True), ProgrammeNotFound)


def retention_list(rt: Runtime, caller: Principal) -> RetentionList:
    _require(caller)
    found: list[Item] = []
    for committee in lookup.visible_committees(rt, caller):
        found += programmes.list_for_committee(rt.db, str(committee["committee_id"]))
    return RetentionList(items=[retention_view(rt, p) for p in found], reasons=privacy.REASONS)


def set_retention(rt: Runtime, caller: Principal, programme_id: str, body: RetentionSettings) -> RetentionView:
    current = _programme(rt, caller, programme_id)
    if current.get("personal_data_deleted_on"):
        raise RetentionOver()
    expr = Expr()
    record = rt.db.update(
        keys.programme(programme_id), f"SET {expr.n('retention_days')} = {expr.v(body.retention_days)}", expr
    )
    console.programme_event("retention_updated", current, days=body.retention_days)
    return retention_view(rt, record)


def run_now(rt: Runtime, caller: Principal, programme_id: str) -> RetentionView:
    """Delete an ended programme's personal data now, before its retention ends; refused while it runs."""
    programme = _programme(rt, caller, programme_id)
    today = jst_date(rt.clock.now())
    privacy.refuse_if_running(programme, today)
    if not programme.get("lapsed_on"):
        raise NotLapsedYet()
    if not programme.get("personal_data_deleted_on"):
        privacy.queue_retention(rt, programme, today, requested_by=audit.actor_of(caller))
        console.programme_event("retention_requested", programme)
    return retention_view(rt, programme)
