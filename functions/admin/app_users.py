"""アプリユーザ: the committee's citizens — search, balances and recent history, suspension."""

from __future__ import annotations

from admin import listing, lookup
from admin.errors import AppUserNotFound, AppUsersCommitteeOnly, CardStatusElsewhere, ErasedAppUser
from admin.schemas import AppUserDetail, AppUserList, AppUserSearch, AppUserView
from shoken import api, cards, money, privacy
from shoken.clock import iso, jst_date
from shoken.console_models import BalanceLine
from shoken.db import history, keys, wallets
from shoken.db import sessions as session_records
from shoken.db.dynamo import Expr
from shoken.db.records import Wallet
from shoken.history_models import WalletLine
from shoken.money import VoucherType
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.status import Status, status_label


def _require(caller: Principal) -> None:
    if caller.role not in (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN):
        raise AppUsersCommitteeOnly()


def visible_wallet(rt: Runtime, caller: Principal, wallet_id: str) -> Wallet:
    return _visible(rt, caller, wallet_id)


def _visible(rt: Runtime, caller: Principal, wallet_id: str) -> Wallet:
    _require(caller)
    record = wallets.get(rt.db, wallet_id)
    if record is None or not caller.covers(Scope(record.committee_id)):
        raise AppUserNotFound()
    return record


def shown_email(record: Wallet, *, reveal: bool) -> str:
    """Lists and the detail show the address masked (issue 23.2): the whole address only through
    the personal-details route, which asks for a reason and is audited (admin/privacy.py)."""
    email = record.email
    if not email:
        return "(削除済み)"
    return email if reveal else privacy.mask_email(email)


def view(rt: Runtime, record: Wallet, *, reveal: bool = False) -> AppUserView:
    today = jst_date(rt.clock.now())
    total = sum(b.balance for b in record.buckets if b.expires_on >= today)
    return AppUserView(
        wallet_id=record.wallet_id,
        committee_id=record.committee_id,
        email=shown_email(record, reveal=reveal),
        external_user_id=record.external_user_id,
        card_number=record.card_number,
        status=str(record.status),
        status_label=status_label(record.status),
        balance=total,
        created_at=record.created_at,
    )


def search(rt: Runtime, caller: Principal, query: AppUserSearch) -> AppUserList:
    _require(caller)
    wallet_id = query.wallet_id or (cards.wallet_of(query.card_number) if query.card_number else None)
    if wallet_id:
        record = wallets.get(rt.db, wallet_id, consistent=False)
        ok = record is not None and caller.covers(Scope(record.committee_id))
        return AppUserList(items=[view(rt, record)] if ok and record else [])
    committees = lookup.matching(lookup.visible_committees(rt, caller), query.committee_id, "committee_id")
    if query.email:  # one address is one wallet per wallet service: read those, not the whole list
        found = [wallets.find_by_email(rt.db, str(c["wallet_service_id"]), query.email) for c in committees]
        matches = [w for w in found if w and (not query.status or w.status == query.status)]
        if query.external_user_id:
            matches = [w for w in matches if w.external_user_id == query.external_user_id]
        # The clerk typed the whole address: the answer shows it back, nothing more.
        return AppUserList(items=[view(rt, w, reveal=True) for w in matches])
    source = listing.Source([wallets.list_pk(str(c["committee_id"])) for c in committees], "list1")

    def filters(expr: Expr) -> list[str]:
        return listing.equals(expr, "external_user_id", query.external_user_id) + listing.equals(
            expr, "status", query.status
        )

    items, cursor = listing.read(rt, caller, query, source, filters, cursor=query.cursor, page_size=query.page_size)
    # The list holds small entries; the page's wallets (balances) come in one BatchGetItem.
    page = rt.db.batch_get([keys.wallet(str(i["wallet_id"])) for i in items], consistent=False)
    held = [page.get(keys.wallet(str(i["wallet_id"]))) for i in items]
    return AppUserList(items=[view(rt, Wallet(w)) for w in held if w is not None], next_cursor=cursor)


def detail(rt: Runtime, caller: Principal, wallet_id: str) -> AppUserDetail:
    return _detail(rt, _visible(rt, caller, wallet_id))


def detail_of(rt: Runtime, record: Wallet) -> AppUserDetail:
    return _detail(rt, record)


def _detail(rt: Runtime, record: Wallet) -> AppUserDetail:
    wallet_id = record.wallet_id
    today = jst_date(rt.clock.now())
    balances = [
        BalanceLine(**line, voucher_type_label=VoucherType(line["voucher_type"]).label)
        for line in money.summary(record.buckets, today=today)
    ]
    recent = [WalletLine.of(t) for t in history.recent_for_wallet(rt.db, wallet_id, rt.clock.now())]
    return AppUserDetail(**view(rt, record).model_dump(), balances=balances, recent=recent)


def set_status(rt: Runtime, caller: Principal, wallet_id: str, status: str) -> AppUserDetail:
    record = _visible(rt, caller, wallet_id)
    if record.card_number:  # a card's wallet moves with its card (functions/programme/cards.py)
        raise CardStatusElsewhere()
    if record.status is privacy.ERASED:
        raise ErasedAppUser()
    wallets.set_status(rt.db, wallet_id, status, iso(rt.clock.now()))
    changed = wallets.get(rt.db, wallet_id)
    if changed is None:
        raise AppUserNotFound()
    if status == Status.SUSPENDED:
        # Its QR codes stop at once: the payment checks the wallet's status in its transaction.
        session_records.revoke_all(rt.db, f"WALLET#{wallet_id}")
    action = "wallet_suspended" if status == Status.SUSPENDED else "wallet_resumed"
    api.audit_event(
        action,
        scope=Scope(record.committee_id),
        target_type="wallet",
        target_id=wallet_id,
    )
    return _detail(rt, changed)
