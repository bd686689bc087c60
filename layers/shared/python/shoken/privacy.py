"""Residents' personal data (issue 23): why it is looked at, how long it is kept, and what is stored
about one resident.

Two registries, one row per key kind, so that a new kind of resident-linked item is covered by adding
one row (docs/privacy.md):
- `PROGRAMME_DATA`: what the retention run deletes for a programme once its personal data is due
  (its end plus the programme's retention days). Each row names the key prefix, a label for the
  console and how the run finds a programme's items without a Scan: a partition, a list index, or the
  privacy tag (`tag()`: list2 partition `PDATA#<programme>`), which any item can carry.
- `WALLET_DATA`: the sections of a 開示請求 file for one wallet. Each row collects one kind of item.

A wallet's personal fields (its email address and external user ID) are erased by `erase_wallet`,
which keeps the wallet's id, balances and every transaction: the money records stay, without the
personal fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from shoken import audit, messages, money
from shoken.clock import iso, jst_date, parse_iso
from shoken.db import history, keys, programmes
from shoken.db import residents as resident_items
from shoken.db import sessions as session_records
from shoken.db.dynamo import Dynamo, Expr, Item, TransactionFailed
from shoken.db.records import Wallet
from shoken.errors import DomainError, ReasonRequired, variant
from shoken.principal import Scope
from shoken.runtime import Runtime
from shoken.status import Status

# Why a clerk looks at a resident's personal data: one of these is chosen before the data is shown,
# and is written to the audit log with who and when (never the data itself).
REASONS: dict[str, str] = {
    "inquiry": "本人からの問い合わせ対応",
    "fraud": "不正利用の調査",
    "disclosure": "開示請求への対応",
    "other": "その他",
}
NOTE_MAX = 100  # "その他" needs a short note saying why

DEFAULT_RETENTION_DAYS = 365
RETENTION_DAYS_RANGE = (30, 3650)
# A payment can be cancelled for 90 days (payments/cancel.py); a cancel puts value back in the wallet.
CANCEL_DAYS = 90
ERASED = Status.ERASED


# Refusals of the privacy rules: codes and facts (their status and texts: shoken.messages, "privacy").
class ProgrammeStillRunning(DomainError):
    code = "programme_running"


class ErasureRefused(DomainError):
    code = "erasure_refused"


BalanceLeft = variant(ErasureRefused, "balance", "BalanceLeft")  # Facts: balance (yen still in the wallet)


CancelWindowOpen = variant(
    ErasureRefused, "cancel_window", "CancelWindowOpen"
)  # Facts: days (the cancel window), until (the first day erasure is allowed)


UsedJustNow = variant(ErasureRefused, "used_just_now", "UsedJustNow")


class NoteRequired(DomainError):
    code = "note_required"


class ViewReasonRequired(DomainError, ReasonRequired):
    code = "reason_required"
    variant = "view"


def reason_label(reason: str, note: str | None) -> str:
    """The reason as the audit log shows it; raises for a reason not on the list or a missing note."""
    if reason not in REASONS:
        shown = messages.field_text("reason_from_list", {})
        raise ViewReasonRequired(details=[{"field": "reason", "reason": "invalid", "reason_ja": shown}])
    text = (note or "").strip()
    if reason == "other" and not text:
        raise NoteRequired(details=[{"field": "note", "reason": "required", "reason_ja": NoteRequired.message}])
    return REASONS[reason] + (f"({text[:NOTE_MAX]})" if text else "")


def mask_email(email: str) -> str:
    """ta******@example.jp: enough to tell two wallets apart on a list, not to write to the person."""
    local, _, domain = email.partition("@")
    shown = local[:2] if len(local) > 2 else local[:1]
    return f"{shown}{'*' * max(3, len(local) - len(shown))}@{domain}"


# --- the privacy tag: a list2 entry per resident-linked item of a programme ------------------------
def tag_partition(programme_id: str) -> str:
    return f"PDATA#{programme_id}"


def tag(programme_id: str, pk: str, sk: str) -> dict[str, str]:
    """Attributes that put an item in its programme's list of personal data (for the retention run)."""
    return {"L2PK": tag_partition(programme_id), "L2SK": f"{pk}|{sk}"}


# --- retention: when a programme's personal data goes ----------------------------------------------
def retention_days(programme: Item) -> int:
    return int(programme.get("retention_days") or DEFAULT_RETENTION_DAYS)


def ends_on(programme: Item) -> str:
    """The last day a programme's data is still needed for the programme itself: its usage period's end."""
    return str(programme["use_end"])


def delete_on(programme: Item) -> str:
    """The day the retention run deletes the programme's personal data."""
    return (date.fromisoformat(ends_on(programme)) + timedelta(days=retention_days(programme))).isoformat()


def is_running(programme: Item, today: str) -> bool:
    return today <= ends_on(programme)


def is_due(programme: Item, today: str) -> bool:
    return not programme.get("personal_data_deleted_on") and delete_on(programme) <= today


def refuse_if_running(programme: Item, today: str) -> None:
    if is_running(programme, today):
        raise ProgrammeStillRunning()


def retention_job_id(programme: Item, today: str) -> str:
    """One deletion job per programme and day: the schedule and a console request on one day queue one job,
    and a run that died is followed by the next day's, which finds only what is left (deletes are re-run safe)."""
    return f"retention-{programme['programme_id']}-{today}"


def queue_retention(rt: Runtime, programme: Item, today: str, *, requested_by: dict[str, Any] | None = None) -> bool:
    """Queue the programme's deletion job (False if it is queued already); refused while it runs."""
    from shoken.db import jobs
    from shoken.db.dynamo import ConditionFailed

    refuse_if_running(programme, today)
    committee_id = str(programme["committee_id"])
    record = jobs.item(
        retention_job_id(programme, today),
        job_kind="retention",
        owner={"user_id": "schedule", "role": "system"},
        scope={"committee_id": committee_id},
        params={
            "programme_id": programme["programme_id"],
            "committee_id": committee_id,
            "date": today,
            **({"requested_by": requested_by} if requested_by else {}),
        },
        now=rt.clock.now(),
        label=f"個人情報の削除「{programme['name']}」",
        shared_list=f"RETENTION#{committee_id}",
    )
    try:
        jobs.create(rt.db, record)
    except ConditionFailed:
        return False
    return True


Finder = Callable[[Dynamo, str], Iterator[tuple[str, str]]]


@dataclass(frozen=True)
class Holding:
    """One kind of a programme's resident data: its key prefix, what the console calls it, how to find it."""

    prefix: str
    label: str
    find: Finder
    # Empty: the run deletes the items found. Otherwise the items stay (they hold money records) and
    # the run removes these fields and the privacy tag from them.
    strip: tuple[str, ...] = ()


def _resident_hashes(db: Dynamo, programme_id: str) -> Iterator[tuple[str, str]]:
    record = resident_items.current(db, programme_id)
    if record is None:
        return
    for matching_hash in resident_items.hashes(db, programme_id, str(record["generation"])):
        yield keys.resident(programme_id, str(record["generation"]), matching_hash)


def _on_list(index: str, pk_name: str, partition: Callable[[str], str]) -> Finder:
    def find(db: Dynamo, programme_id: str) -> Iterator[tuple[str, str]]:
        for item in db.query_all(index=index, pk_name=pk_name, pk=partition(programme_id)):
            yield str(item["PK"]), str(item["SK"])

    return find


def _tagged(prefix: str) -> Finder:
    tagged = _on_list("list2", "L2PK", tag_partition)

    def find(db: Dynamo, programme_id: str) -> Iterator[tuple[str, str]]:
        for key in tagged(db, programme_id):
            if key[0].startswith(prefix):
                yield key

    return find


def _kind(key: tuple[str, str]) -> str:
    head, separator, _ = key[0].partition("#")
    return head + separator


RESIDENT = _kind(keys.resident("-", "-", "-"))
ELIGIBILITY = _kind(keys.person_eligibility("-", "-"))
WALLET_ELIGIBILITY = _kind(keys.wallet_eligibility("-", "-"))
APPLICATION = _kind(keys.application("-", "-"))
CARD = _kind(keys.card("-"))
CARD_RESIDENT = _kind(keys.card_resident("-", "-"))
CARD_LINK_FIELDS = ("resident_hash", "programme_id")
REDEMPTION_CODE = _kind(keys.redemption_code("-", "-"))
SALE_RESULT_MARK = _kind(keys.sale_result_mark("-", "-"))
PAYMENT_REFERENCE = _kind(keys.payment_reference("-", "-"))
DEPOSIT_UPLOAD = _kind(keys.deposit_upload("-", "-"))
PURCHASE_PERSON = _kind(keys.transaction("-"))  # a lottery purchase's charge: its buyer's hash (sale_person)

# One row per kind of resident-linked item of a programme (a new resident-linked kind adds its row here).
PROGRAMME_DATA: tuple[Holding, ...] = (
    Holding(RESIDENT, "住民名簿の照合用データ(鍵付きハッシュ)", _resident_hashes),
    Holding(ELIGIBILITY, "申込資格の登録(住民と利用者アプリの結び付け)", _tagged(ELIGIBILITY)),
    Holding(WALLET_ELIGIBILITY, "申込資格の登録(利用者アプリ側)", _tagged(WALLET_ELIGIBILITY)),
    Holding(APPLICATION, "申込と抽選結果", _on_list("list1", "L1PK", keys.application_list)),
    Holding(CARD_RESIDENT, "カードを発行した住民の記録(照合用ハッシュ)", _tagged(CARD_RESIDENT)),
    Holding(CARD, "カードと住民の結び付け(カード自体と残高・取引は残ります)", _tagged(CARD), strip=CARD_LINK_FIELDS),
    Holding(REDEMPTION_CODE, "引換コードの記録(コードの鍵付きダイジェスト)", _tagged(REDEMPTION_CODE)),
    Holding(SALE_RESULT_MARK, "当選・落選メールの送信記録", _tagged(SALE_RESULT_MARK)),
    Holding(PAYMENT_REFERENCE, "振込依頼人コード(当選者との結び付け)", _tagged(PAYMENT_REFERENCE)),
    Holding(DEPOSIT_UPLOAD, "入金データ取込の結果(振込依頼人名)", _tagged(DEPOSIT_UPLOAD)),
    Holding(
        PURCHASE_PERSON,
        "当選者の購入と住民の結び付け(チャージの取引自体は残ります)",
        _tagged(PURCHASE_PERSON),
        strip=("sale_person",),
    ),
)
PERSONAL_FIELDS_LABEL = "アプリユーザのメールアドレス・外部ユーザID(残高がなく、他の事業でも保存期間を過ぎた方)"
KEPT_LABEL = "取引の記録(金額・日時・店舗・ユーザID)は法令の保存期間のため削除しません(個人情報は含みません)"


def delete_keys(db: Dynamo, found: Iterator[tuple[str, str]], limit: int) -> tuple[int, bool]:
    """Delete up to `limit` of the keys found (BatchWriteItem, 25 at a time); (deleted, more left)."""
    batch: list[dict[str, Any]] = []
    deleted = 0
    for pk, sk in found:
        batch.append({"DeleteRequest": {"Key": {"PK": {"S": pk}, "SK": {"S": sk}}}})
        if len(batch) == 25:
            _write(db, batch)
            deleted += len(batch)
            batch = []
            if deleted >= limit:
                return deleted, True
    if batch:
        _write(db, batch)
        deleted += len(batch)
    return deleted, False


def strip_fields(db: Dynamo, found: Iterator[tuple[str, str]], fields: tuple[str, ...], limit: int) -> tuple[int, bool]:
    """Remove `fields` and the privacy tag from up to `limit` of the items found; (stripped, more left).
    An item deleted meanwhile is skipped; a stripped item leaves the tag's list, so a re-run goes on."""
    from shoken.db.dynamo import ConditionFailed

    stripped = 0
    for key in found:
        if stripped >= limit:
            return stripped, True
        expr = Expr()
        removed = ", ".join(expr.n(name) for name in (*fields, "L2PK", "L2SK"))
        try:
            db.update(key, f"REMOVE {removed}", expr, condition=f"attribute_exists({expr.n('PK')})")
        except ConditionFailed:
            continue
        stripped += 1
    return stripped, False


def _write(db: Dynamo, batch: list[dict[str, Any]]) -> None:
    request: Any = {db.table: batch}
    while request:
        raw = db.client.batch_write_item(RequestItems=request)
        request = raw.get("UnprocessedItems") or {}


# --- a wallet's personal fields -------------------------------------------------------------------
def open_balance(wallet: Wallet) -> int:
    """Value still in the wallet, expired or not (expired value leaves only through the lapse job)."""
    return sum(b.balance for b in wallet.buckets)


def last_transaction_at(db: Dynamo, wallet: Wallet, rt: Runtime) -> str | None:
    recent = history.recent_for_wallet(db, wallet.wallet_id, rt.clock.now(), limit=1, months=4)
    return str(recent[0]["occurred_at"]) if recent else None


def erasure_refusal(rt: Runtime, wallet: Wallet) -> ErasureRefused | None:
    """Why a wallet's personal fields cannot be erased now (None: they can).

    "The money records allow" means: no value left in the wallet (the resident would lose it, and an
    expired balance must first lapse as a transaction), and no transaction of the last 90 days, the
    period in which a payment can still be cancelled and its value put back into this wallet.
    """
    balance = open_balance(wallet)
    if balance > 0:
        return BalanceLeft(balance=balance)
    last = last_transaction_at(rt.db, wallet, rt)
    if last and parse_iso(last) > rt.clock.now() - timedelta(days=CANCEL_DAYS):
        until = (parse_iso(last) + timedelta(days=CANCEL_DAYS + 1)).date().isoformat()
        return CancelWindowOpen(days=CANCEL_DAYS, until=until)
    return None


def erase_wallet(rt: Runtime, wallet: Wallet, *, actor: dict[str, Any], reason: str, request: Any = None) -> bool:
    """Remove the wallet's email address and external user ID, its email guard and its sessions; the
    wallet (id, buckets) and its transactions stay. Conditioned on the wallet not having changed since
    it was read (a payment moves `updated_at`). False if it was erased already (re-run safe)."""
    if wallet.status is ERASED:
        return False
    wallet_id = wallet.wallet_id
    now = iso(rt.clock.now())
    session_records.revoke_all(rt.db, keys.wallet(wallet_id)[0])
    wallet_expr, listing_expr, guard_expr = Expr(), Expr(), Expr()
    erase = "REMOVE {email}, {external} SET {status} = {erased}, {erased_at} = {now}, {updated} = {now}"
    actions = [
        rt.db.tx_update(
            keys.wallet(wallet_id),
            erase.format(
                email=wallet_expr.n("email"),
                external=wallet_expr.n("external_user_id"),
                status=wallet_expr.n("status"),
                erased=wallet_expr.v(ERASED),
                erased_at=wallet_expr.n("erased_at"),
                now=wallet_expr.v(now),
                updated=wallet_expr.n("updated_at"),
            ),
            wallet_expr,
            condition=f"{wallet_expr.n('updated_at')} = {wallet_expr.v(wallet.updated_at)}",
        ),
        rt.db.tx_update(
            keys.wallet_listing(wallet_id),
            f"REMOVE {listing_expr.n('email')}, {listing_expr.n('external_user_id')} "
            f"SET {listing_expr.n('status')} = {listing_expr.v(ERASED)}",
            listing_expr,
        ),
        rt.db.tx_put(
            audit.entry(
                rt,
                "personal_data_erased",
                actor=actor,
                scope=Scope(wallet.committee_id),
                request=request,
                target_type="wallet",
                target_id=wallet_id,
                reason_label=reason,
            )
        ),
    ]
    if wallet.card_number:
        actions += _card_unlink(rt.db, wallet.card_number)
    if wallet.email:
        actions.append(
            rt.db.tx_delete(
                keys.citizen_email(wallet.service_id, wallet.email),
                condition=f"{guard_expr.n('wallet_id')} = {guard_expr.v(wallet_id)}",
                expr=guard_expr,
            )
        )
    try:
        rt.db.transact(actions)
    except TransactionFailed as failed:
        if failed.failed_at(0):
            raise UsedJustNow() from failed
        raise
    return True


def _card_unlink(db: Dynamo, number: str) -> list[dict[str, Any]]:
    """A card wallet's personal fields are its card's link to the resident list: the card loses it, and
    the resident's one-card guard goes unless it names a newer card (a replaced card's guard moved on)."""
    card = db.get(keys.card(number))
    if card is None or not card.get("resident_hash"):
        return []
    expr = Expr()
    removed = ", ".join(expr.n(name) for name in (*CARD_LINK_FIELDS, "L2PK", "L2SK"))
    actions = [db.tx_update(keys.card(number), f"REMOVE {removed}", expr)]
    if card.get("programme_id") and card.get("status") != Status.REPLACED:
        guard = Expr()
        actions.append(
            db.tx_delete(
                keys.card_resident(str(card["programme_id"]), str(card["resident_hash"])),
                condition=f"attribute_not_exists({guard.n('PK')}) OR {guard.n('card_number')} = {guard.v(number)}",
                expr=guard,
            )
        )
    return actions


def wallet_done_with(
    rt: Runtime, wallet: Wallet, committee_programmes: list[Item], today: str, *, deleting: str | None = None
) -> bool:
    """Whether every programme of its committee that the wallet took part in (held value of, or
    registered eligibility for) is past its retention or being deleted now (`deleting`, a run the
    committee asked for early), and the wallet holds no value."""
    if open_balance(wallet) > 0:
        return False
    wallet_id = wallet.wallet_id
    wanted = [keys.programme_holder(str(p["programme_id"]), wallet_id) for p in committee_programmes] + [
        keys.wallet_eligibility(str(p["programme_id"]), wallet_id) for p in committee_programmes
    ]
    found = rt.db.batch_get(wanted, consistent=False) if wanted else {}
    for programme in committee_programmes:
        programme_id = str(programme["programme_id"])
        took_part = (
            keys.programme_holder(programme_id, wallet_id) in found
            or keys.wallet_eligibility(programme_id, wallet_id) in found
        )
        finished = (
            programme_id == deleting or bool(programme.get("personal_data_deleted_on")) or delete_on(programme) <= today
        )
        if took_part and not finished:
            return False
    return True


# --- 開示請求: everything stored about one wallet -------------------------------------------------
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Section:
    """One part of a 開示請求 file: a sheet of the XLSX and a key of the JSON."""

    name: str  # JSON key, ASCII
    label: str  # sheet title
    collect: Callable[[Runtime, Wallet, list[Item]], Rows]


WALLET_STATES: dict[str, str] = {s: s.label for s in (Status.ACTIVE, Status.SUSPENDED, Status.ERASED)}


def _wallet_rows(rt: Runtime, wallet: Wallet, _: list[Item]) -> Rows:
    from shoken import cards

    status = str(wallet.status)
    number = wallet.card_number
    # A card wallet has no address: its card number says which wallet it is, its state the card's.
    contact = (
        {"カード番号": cards.display_number(number)}
        if number
        else {
            "メールアドレス": wallet.email or "(削除済み)",
            "外部ユーザID": wallet.external_user_id or "",
        }
    )
    return [
        {
            "ユーザID": wallet.wallet_id,
            **contact,
            "状態": {**cards.STATUS_LABELS, **WALLET_STATES}.get(status, status),
            "登録日時": wallet.created_at,
        }
    ]


def _card_rows(rt: Runtime, wallet: Wallet, _: list[Item]) -> Rows:
    """The card of a card wallet: what the card item holds about its use (never its secrets' or PIN's
    hashes, nor the resident's matching hash)."""
    from shoken import cards
    from shoken.db import cards as card_items

    number = wallet.card_number
    card = card_items.get(rt.db, number) if number else None
    if card is None:
        return []
    return [
        {
            "カード番号": cards.display_number(card.card_number),
            "状態": cards.STATUS_LABELS.get(card.status, str(card.status)),
            "発行日時": card.issued_at,
            "最終更新日時": card.updated_at,
            "再発行元のカード番号": cards.display_number(card.replaces) if card.replaces else "",
            "移行先": _moved_to_label(card.status, card.moved_to),
            "暗証番号の誤入力回数": card.pin_failures,
            "最終利用日時": card.last_paid_at or "",
            "本日の利用額": card_items.spent_today(card, rt.clock.now()),
        }
    ]


def _moved_to_label(status: str, moved_to: str | None) -> str:
    from shoken import cards

    if not moved_to:
        return ""
    if status == Status.MOVED:
        return f"アプリ(ユーザID {moved_to})"
    return f"新しいカード {cards.display_number(moved_to)}"


def _balance_rows(rt: Runtime, wallet: Wallet, _: list[Item]) -> Rows:
    return [
        {
            "券種": money.VoucherType(b.voucher_type).label,
            "事業ID": b.programme_id,
            "有効期限": b.expires_on,
            "残高": b.balance,
        }
        for b in wallet.buckets
    ]


def _transaction_rows(rt: Runtime, wallet: Wallet, _: list[Item]) -> Rows:
    from shoken.txn_types import TxnStatus, TxnType

    months = max(1, _months_since(wallet.created_at, rt) + 1)
    found: Rows = []
    for month in history.months_back(rt.clock.now(), months):
        for item in rt.db.query_all(
            index="by_wallet", pk_name="hist_wallet", pk=f"W#{wallet.wallet_id}#{month}", newest_first=True
        ):
            found.append(
                {
                    "取引日時": item.get("occurred_at"),
                    "取引番号": item.get("number"),
                    "取引区分": TxnType(item["txn_type"]).label,
                    "取引状態": TxnStatus(item["status"]).label,
                    "店舗名": item.get("store_name") or "",
                    "取引金額": int(item.get("amount", 0)),
                }
            )
    return found


def _months_since(created_at: str, rt: Runtime) -> int:
    start, now = parse_iso(created_at), rt.clock.now()
    return (now.year - start.year) * 12 + now.month - start.month + 1


def _application_rows(rt: Runtime, wallet: Wallet, committee_programmes: list[Item]) -> Rows:
    wallet_id = wallet.wallet_id
    rows: Rows = []
    for programme in committee_programmes:
        programme_id = str(programme["programme_id"])
        bound = rt.db.get(keys.wallet_eligibility(programme_id, wallet_id))
        if bound is None:
            continue
        application = rt.db.get(keys.application(programme_id, str(bound["matching_hash"])))
        rows.append(
            {
                "事業ID": programme_id,
                "事業名": programme.get("name"),
                "申込資格の登録日時": bound.get("at"),
                "申込冊数": int(application["units"]) if application else None,
                "申込日時": application.get("applied_at") if application else None,
                "当選冊数": (
                    int(application["won_units"]) if application and application.get("won_units") is not None else None
                ),
            }
        )
    return rows


def _mail_rows(rt: Runtime, wallet: Wallet, _: list[Item]) -> Rows:
    pk = keys.reminder_mark(wallet.wallet_id, "", "", 0)[0]
    return [
        {
            "種類": "失効お知らせメール",
            "対象の有効期限": str(item["SK"]).split("#")[1],
            "何日前": int(str(item["SK"]).rsplit("#D", 1)[1]),
            "送信日時": item.get("at") or item.get("sent_at") or "",
        }
        for item in rt.db.query_all(pk_name="PK", pk=pk, consistent=True)
    ]


# One row per kind of item about a wallet.
WALLET_DATA: tuple[Section, ...] = (
    Section("wallet", "アプリユーザ", _wallet_rows),
    Section("card", "カード", _card_rows),
    Section("balances", "残高", _balance_rows),
    Section("transactions", "取引", _transaction_rows),
    Section("applications", "申込", _application_rows),
    Section("mails", "送信したメール", _mail_rows),
)
NOT_RECORDED = (
    "ログイン確認コードのメールは送信の記録を保存していません(宛先はアプリユーザのメールアドレスです)。",
    "住民名簿の氏名・生年月日・住民番号は保存していません(照合用の鍵付きハッシュのみ)。",
)


def disclosure(rt: Runtime, wallet: Wallet) -> dict[str, Any]:
    """Everything stored about one wallet, section by section (the 開示請求 file's content)."""
    committee_programmes = programmes.list_for_committee(rt.db, wallet.committee_id)
    return {
        "wallet_id": wallet.wallet_id,
        "created_at": iso(rt.clock.now()),
        "today": jst_date(rt.clock.now()),
        "sections": {s.name: s.collect(rt, wallet, committee_programmes) for s in WALLET_DATA},
        "not_recorded": list(NOT_RECORDED),
    }
