"""管理ユーザ: registration, list and search, edit, unlock, suspend and resume — each in scope.

Who may do what: an admin registers users at or below its own role and inside its own scope; it
manages (edits, unlocks, suspends) only users strictly below it. Users outside the caller's scope
are reported as not found, so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

from admin import lookup
from admin.errors import AdminUserNotFound, EmailNeedsReauth, HigherAdminOnly, NotOnSelf
from admin.schemas import Option, OptionsResponse, UserCreateRequest, UserList, UserSearch, UserUpdateRequest, UserView
from shoken import api, entities, ids, mail
from shoken.clock import epoch, iso
from shoken.config import MailConfig
from shoken.db import committees, keys, paging, sequences, terminals, users
from shoken.db import sessions as session_records
from shoken.db.dynamo import Expr, Item
from shoken.errors import Conflict, field_problem
from shoken.principal import Principal, Scope
from shoken.roles import ROLE_LABELS, Role
from shoken.runtime import Runtime
from shoken.status import Status

STATUS_LABELS: dict[str, str] = {Status.ACTIVE: "使用中", Status.SUSPENDED: "停止中"}  # an admin user's words
CREATABLE = [r for r in Role if r is not Role.CITIZEN]


def options(rt: Runtime, caller: Principal) -> OptionsResponse:
    return OptionsResponse(
        roles=[Option(value=r.value, label=r.label) for r in CREATABLE if r.rank >= caller.role.rank],
        committees=[
            Option(value=str(c["committee_id"]), label=f"{c['name']}/{c['committee_id']}")
            for c in lookup.visible_committees(rt, caller)
        ],
        companies=[
            Option(value=str(c["company_id"]), label=f"{c['name']}/{c['company_id']}", parent=str(c["committee_id"]))
            for c in lookup.visible_companies(rt, caller)
        ],
        stores=[
            Option(value=str(s["store_id"]), label=f"{s['name']}/{s['store_id']}", parent=str(s["company_id"]))
            for s in lookup.visible_stores(rt, caller)
        ],
    )


def create(rt: Runtime, caller: Principal, body: UserCreateRequest) -> UserView:
    role = Role(body.role)
    scope = _target_scope(rt, caller, role, body)
    now = iso(rt.clock.now())
    record = _new_user(rt, caller, body, role, scope, now)
    user_id = str(record["user_id"])
    api.audit_event(
        "user_created",
        scope=scope,
        target_type="user",
        target_id=user_id,
        login_id=body.login_id,
        role=role.value,
    )
    if body.notify:
        _send_registration(rt, record, scope)
    return view(rt, record)


def _new_user(rt: Runtime, caller: Principal, body: UserCreateRequest, role: Role, scope: Scope, now: str) -> Item:
    for _ in range(3):
        user_id = ids.admin_user_id(sequences.next_value(rt.db, "user"))
        record = users.item(
            user_id,
            login_id=body.login_id,
            name=body.name,
            email=body.email,
            role=role.value,
            now=now,
            committee_id=scope.committee_id,
            company_id=scope.company_id,
            store_id=scope.store_id,
            note=body.note or None,
            created_by=caller.user_id,
        )
        try:
            users.create(rt.db, record)
            return record
        except users.UserIdTaken:
            continue  # a number handed out before the counter existed (imported data): take the next
    raise Conflict()


def search(rt: Runtime, caller: Principal, query: UserSearch) -> UserList:
    if query.user_id:
        record = users.get(rt.db, query.user_id, consistent=False)
        found = [record] if record and caller.covers(Scope.of(record)) and _passes(record, query) else []
        return UserList(items=[view(rt, r) for r in found])
    store_ids = _store_filter(rt, caller, query.store)
    company_ids = _company_filter(rt, caller, query.company)
    partitions, index = _partitions(rt, caller, query, company_ids)
    search_id = paging.search_hash({"q": query.model_dump(exclude={"cursor", "page_size"}), "who": caller.user_id})
    state = paging.decode_cursor(rt.session_key, search_id, query.cursor)

    def filters(expr: Expr) -> str | None:
        parts = []
        if query.login_id:
            parts.append(f"contains({expr.n('login_lower')}, {expr.v(query.login_id.lower())})")
        if query.email:
            parts.append(f"{expr.n('email')} = {expr.v(query.email.lower())}")
        if query.role:
            parts.append(f"{expr.n('role')} = {expr.v(query.role)}")
        if query.locked:
            parts.append(f"{expr.n('locked')} = {expr.v(query.locked == 'locked')}")
        if query.status:
            parts.append(f"{expr.n('status')} = {expr.v(query.status)}")
        if store_ids is not None:
            parts.append(expr.one_of("store_id", store_ids))
        if company_ids is not None and index == "list1":
            parts.append(expr.one_of("company_id", company_ids))
        return " AND ".join(parts) or None

    if store_ids == [] or company_ids == []:
        return UserList(items=[])
    page = paging.read_partitions(
        rt.db,
        partitions=partitions,
        pk_name="L1PK" if index == "list1" else "L2PK",
        index=index,
        sk_name="L1SK" if index == "list1" else "L2SK",
        sk_between=None,
        page_size=query.page_size,
        read_budget=2000,
        state=state,
        filter_builder=filters,
        newest_first=False,
    )
    visible = [r for r in page.items if caller.covers(Scope.of(r))]
    cursor = paging.encode_cursor(rt.session_key, search_id, page.state) if page.state else None
    return UserList(items=views(rt, visible), next_cursor=cursor)


def get(rt: Runtime, caller: Principal, user_id: str) -> UserView:
    shown = view(rt, _visible(rt, caller, user_id))
    change = rt.db.get(keys.email_change(user_id))
    if (
        change
        and change.get("requested_by") == caller.user_id
        and int(change["expires_at_epoch"]) > epoch(rt.clock.now())
    ):
        shown.pending_email = str(change["new_email"])
    return shown


def update(rt: Runtime, caller: Principal, user_id: str, body: UserUpdateRequest) -> UserView:
    """氏名・備考の修正 (an admin corrects a user's name). A new email is refused here: it needs the
    caller's password and a code from the new address (admin/email_change.py)."""
    target = manageable(rt, caller, user_id, allow_self=True)
    if body.email is not None and body.email.lower() != str(target["email"]).lower():
        raise EmailNeedsReauth(details=[field_problem("email", "needs_reauth", "email_reauth")])
    fields = {"name": body.name, "note": body.note or "", "updated_at": iso(rt.clock.now())}
    changed = users.set_fields(rt.db, user_id, fields)
    changes = {
        k: {"before": target.get(k) or "", "after": fields[k]}
        for k in ("name", "note")
        if (target.get(k) or "") != fields[k]
    }
    audit("user_updated", target, **changes)
    return view(rt, changed)


def unlock(rt: Runtime, caller: Principal, user_id: str) -> UserView:
    target = manageable(rt, caller, user_id)
    changed = users.set_fields(rt.db, user_id, {"locked": False, "failed_logins": 0, "updated_at": iso(rt.clock.now())})
    audit("account_unlocked", target)
    return view(rt, changed)


def set_status(rt: Runtime, caller: Principal, user_id: str, status: str) -> UserView:
    target = manageable(rt, caller, user_id)
    changed = users.set_fields(rt.db, user_id, {"status": status, "updated_at": iso(rt.clock.now())})
    if status == Status.SUSPENDED:
        session_records.revoke_all(rt.db, f"USER#{user_id}")
    action = "user_suspended" if status == Status.SUSPENDED else "user_resumed"
    audit(action, target)
    return view(rt, changed)


def audit(action: str, target: Item, **details: Any) -> None:
    """An audit entry about an admin user, the action's target."""
    api.audit_event(action, scope=Scope.of(target), target_type="user", target_id=str(target["user_id"]), **details)


def view(rt: Runtime, record: Item) -> UserView:
    return views(rt, [record])[0]


def views(rt: Runtime, records: list[Item]) -> list[UserView]:
    wanted = {key for r in records for key in keys.places(r)}
    names = (
        {k: str(v.get("name", "")) for k, v in rt.db.batch_get(sorted(wanted), consistent=False).items()}
        if wanted
        else {}
    )

    def name(key: tuple[str, str] | None) -> str | None:
        return names.get(key) if key else None

    out = []
    for r in records:
        role = Role(r["role"])
        out.append(
            UserView(
                user_id=str(r["user_id"]),
                login_id=str(r["login_id"]),
                name=str(r["name"]),
                email=str(r["email"]),
                role=role.value,
                role_label=ROLE_LABELS[role],
                committee_id=r.get("committee_id"),
                committee_name=name(keys.committee(str(r["committee_id"])) if r.get("committee_id") else None),
                company_id=r.get("company_id"),
                company_name=name(keys.company(str(r["company_id"])) if r.get("company_id") else None),
                store_id=r.get("store_id"),
                store_name=name(keys.store(str(r["store_id"])) if r.get("store_id") else None),
                note=r.get("note") or None,
                locked=bool(r.get("locked")),
                status=str(r.get("status", Status.ACTIVE)),
                status_label=STATUS_LABELS.get(str(r.get("status")), str(r.get("status"))),
                must_change_password=bool(r.get("must_change_password")),
                created_at=str(r["created_at"]),
            )
        )
    return out


def _visible(rt: Runtime, caller: Principal, user_id: str) -> Item:
    record = users.get(rt.db, user_id)
    if record is None or not (caller.covers(Scope.of(record)) or record["user_id"] == caller.user_id):
        raise AdminUserNotFound()
    return record


def manageable(rt: Runtime, caller: Principal, user_id: str, *, allow_self: bool = False) -> Item:
    record = _visible(rt, caller, user_id)
    if allow_self and record["user_id"] == caller.user_id:
        return record
    if record["user_id"] == caller.user_id:
        raise NotOnSelf()
    if caller.role is not Role.SYSTEM_ADMIN and Role(record["role"]).rank <= caller.role.rank:
        raise HigherAdminOnly()
    return record


def _target_scope(rt: Runtime, caller: Principal, role: Role, body: UserCreateRequest) -> Scope:
    """Where the new user sits, from the role and the selected committee / company / store."""
    wanted = []
    if body.committee_id:
        wanted.append(keys.committee(body.committee_id))
    if body.company_id:
        wanted.append(keys.company(body.company_id))
    if body.store_id:
        wanted.append(keys.store(body.store_id))
    found = rt.db.batch_get(wanted) if wanted else {}
    return entities.user_home(
        caller,
        role,
        committee=found.get(keys.committee(body.committee_id)) if body.committee_id else None,
        company=found.get(keys.company(body.company_id)) if body.company_id else None,
        store=found.get(keys.store(body.store_id)) if body.store_id else None,
    )


def _partitions(
    rt: Runtime, caller: Principal, query: UserSearch, company_ids: list[str] | None
) -> tuple[list[str], str]:
    if caller.company_id and caller.role is not Role.SYSTEM_ADMIN:
        return [users.company_list_pk(caller.company_id)], "list2"
    if company_ids is not None and len(company_ids) == 1:
        return [users.company_list_pk(company_ids[0])], "list2"
    found = lookup.matching_committees(
        rt, caller, committee=query.committee, issuer=query.issuer, service=query.service
    )
    partitions = [users.committee_list_pk(str(c["committee_id"])) for c in found]
    if caller.role is Role.SYSTEM_ADMIN and not (query.committee or query.issuer or query.service):
        partitions.insert(0, users.committee_list_pk(None))
    return partitions, "list1"


def _store_filter(rt: Runtime, caller: Principal, text: str | None) -> list[str] | None:
    if not text:
        return None
    return [str(s["store_id"]) for s in lookup.matching(lookup.visible_stores(rt, caller), text, "store_id")]


def _company_filter(rt: Runtime, caller: Principal, text: str | None) -> list[str] | None:
    if not text:
        return None
    return [str(c["company_id"]) for c in lookup.matching(lookup.visible_companies(rt, caller), text, "company_id")]


def _passes(record: Item, query: UserSearch) -> bool:
    """The filters of the list for a user found by id (the list applies them in DynamoDB)."""
    if query.login_id and query.login_id.lower() not in str(record.get("login_lower", "")):
        return False
    if query.locked and bool(record.get("locked")) != (query.locked == "locked"):
        return False
    if query.email and record.get("email") != query.email.lower():
        return False
    if query.role and record.get("role") != query.role:
        return False
    return not (query.status and record.get("status") != query.status)


def _send_registration(rt: Runtime, record: Item, scope: Scope) -> None:
    committee = committees.get(rt.db, scope.committee_id) if scope.committee_id else None
    store = rt.db.get(keys.store(scope.store_id)) if scope.store_id else None
    base = rt.require(MailConfig).public_base_url.rstrip("/")
    role = Role(record["role"])
    merchant_app = role in (Role.STORE_MANAGER, Role.STORE_STAFF)
    url = f"{base}/merchant/" if merchant_app else f"{base}/admin/"
    terminal_ids = (
        tuple(
            str(t["terminal_id"])
            for t in rt.db.query_all(index="list1", pk_name="L1PK", pk=terminals.store_list_pk(str(scope.store_id)))
        )
        if merchant_app and scope.store_id
        else ()
    )
    mail.send(
        rt,
        mail.registration(
            str(record["email"]),
            name=str(record["name"]),
            login_id=str(record["login_id"]),
            role_label=role.label,
            url=url,
            committee_name=str(committee["name"]) if committee else "shoken",
            store_name=str(store["name"]) if store else None,
            merchant_app=merchant_app,
            terminal_ids=terminal_ids,
            next_steps=NEXT_STEPS.get(role, ""),
        ),
    )


# What each console role does first, as the registration email says it (the manual's 案内).
NEXT_STEPS = {
    Role.COMMITTEE_ADMIN: "メニューの「加盟店」から企業・店舗・端末を、「商品券」から商品券事業を登録してください。",
    Role.COMPANY_ADMIN: (
        "メニューの「店舗」で店舗の住所・電話番号・地区・位置情報をご確認のうえ登録し、"
        "「端末」で端末ID・端末パスワードを確認して、店舗管理者・店舗担当者を「管理ユーザ登録」で登録してください。"
    ),
    Role.COMPANY_STAFF: "メニューの「取引履歴」から自社店舗の取引を確認できます。",
}
