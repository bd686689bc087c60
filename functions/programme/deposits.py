"""入金データ取込 (issue 15.5, bank transfer): the committee uploads its bank's deposit list; each deposit
whose 振込依頼人コード and exact amount match a 当選 application paid within its 購入期限 credits the
winner's wallet once, by the 店頭チャージ's own ledger path (value, the 当選 units consumed, the audit
record and the (programme, code, round) credit marker in one transaction), as its own kind of
transaction (振込購入), cancelled as a counter charge is. What does not match is kept
with the reason for the clerk, who resolves it by hand (a refund, or a counter charge).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from programme.residents import _programme
from programme.schemas import DepositUpload, DepositUploadList
from shoken import api, deposits, ids, messages, money, privacy, sale
from shoken.clock import iso, jst_date
from shoken.db import keys, ledger, programmes, transactions, wallets
from shoken.db.dynamo import Item
from shoken.db.records import Wallet
from shoken.errors import (
    FileEmpty,
    NoSale,
    NotDrawnForDeposits,
    PurchaseLimitExceeded,
    SecondRoundStarted,
    SecondRoundStartedDeposit,
    WalletSuspended,
)
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime
from shoken.status import DrawState, Status
from shoken.txn_types import TxnType

KEPT = 20  # uploads listed on the sale screen
# Result rows per item: 200 of the longest rows a file may have (deposits.MAX_TEXT) stay under half of
# DynamoDB's 400 KB, so deposits.MAX_ROWS make at most 10 items.
PART_ROWS = 200

# Why a matched transfer cannot credit a wallet that is not active (its text's key): a lost or stolen
# card's value must not grow while someone else may hold the card.
STOPPED: dict[str, str] = {
    Status.SUSPENDED: "deposit_wallet_suspended",
    Status.BLOCKED: "deposit_card_blocked",
    Status.REPLACED: "deposit_card_replaced",
    Status.MOVED: "deposit_card_moved",
    Status.ERASED: "deposit_wallet_erased",
}


def _not_credited(key: str, **facts: Any) -> Item:
    """Why a row was not credited, as the upload's result keeps and shows it (its text: the catalogue's
    row texts, shoken.messages.FIELD_TEXTS; in Japanese, the console's language)."""
    return {"reason": messages.field_text(key, facts)}


def _due(settings: Item, programme: Item, application: Item, day: str) -> tuple[int, str, str, Item]:
    """(round, units field won, units field bought, or why not) for a deposit made on `day`."""
    due = sale.payable(settings, programme, application, day)
    if due.round:
        return due.round, *sale.ROUNDS[due.round], {}
    if due.reason == "second_round_started":  # its pool is what the first round left unbought
        return 0, "", "", {"reason": SecondRoundStartedDeposit().text_in("ja")}
    if due.reason == "not_won":
        return 0, "", "", _not_credited("deposit_not_won")
    return 0, "", "", _not_credited("deposit_after_deadline", deadline=due.deadline)


def _match(
    rt: Runtime, programme: Item, settings: Item, committee: Item, deposit: deposits.Deposit, actor: Any
) -> Item:
    """One deposit's outcome: credited (with the charge's number), or the reason it was not."""
    programme_id = str(programme["programme_id"])
    row: Item = {"line": deposit.line, "day": deposit.day, "payer": deposit.payer, "amount": deposit.amount}
    if deposit.reference is None:
        return row | _not_credited("deposit_reference_missing")
    row["reference"] = deposit.reference
    ref = rt.db.get(keys.payment_reference(programme_id, deposit.reference))
    application = sale.application_of(rt, programme_id, str(ref["matching_hash"])) if ref else None
    if ref is None or application is None:
        return row | _not_credited("deposit_reference_unknown")
    round_no, won_name, bought_name, refused = _due(settings, programme, application, deposit.day)
    if refused:
        return row | refused
    if rt.db.get(keys.deposit_credit(programme_id, deposit.reference, round_no)):
        return row | _not_credited("deposit_taken_already")
    terms = programmes.terms(programme)
    units = int(application.get(won_name, 0)) - int(application.get(bought_name, 0))
    if units <= 0:
        return row | _not_credited("deposit_bought_already")
    due = terms.unit_price * units
    if deposit.amount != due:
        return row | _not_credited("deposit_amount_wrong", due=due, units=units)
    wallet_id = str(ref["wallet_id"])
    wallet = wallets.get(rt.db, wallet_id)
    if wallet is None:
        return row | _not_credited("deposit_wallet_missing")
    stopped = STOPPED.get(wallet.status)
    if stopped:
        return row | _not_credited(stopped)  # decided before any write: the ledger would only say 利用停止
    consume = sale._consume(rt, programme_id, str(ref["matching_hash"]), application, won_name, bought_name, units)
    now, person = rt.clock.now(), str(ref["matching_hash"])
    for _ in range(3):  # a taken transaction number is drawn again
        try:
            number = _credit(rt, programme, committee, wallet, deposit, round_no, units, consume, now, actor, person)
            return row | {"credited": True, "number": number, "units": units}
        except ledger.NumberTaken:
            continue
        except ledger.AlreadyRecorded:
            return row | _not_credited("deposit_taken_already")
        except WalletSuspended:
            return row | _not_credited("deposit_wallet_suspended")
        except PurchaseLimitExceeded:
            return row | _not_credited("deposit_over_limit")
        except SecondRoundStarted:  # the second round was started since the settings were read
            return row | {"reason": SecondRoundStartedDeposit().text_in("ja")}
        except (consume.refusal, ledger.Refused):  # the 当選 units changed under us (a counter purchase at once)
            return row | _not_credited("deposit_bought_meanwhile")
    return row | _not_credited("deposit_busy")


def _credit(
    rt: Runtime,
    programme: Item,
    committee: Item,
    wallet: Wallet,
    deposit: deposits.Deposit,
    round_no: int,
    units: int,
    consume: ledger.SaleStep,
    now: datetime,
    actor: Any,
    person: str,
) -> str:
    programme_id = str(programme["programme_id"])
    terms = programmes.terms(programme)
    number = ids.transaction_number(now)
    added = money.purchase_buckets(terms, units, source=number, created_at=iso(now))
    amounts = {b.bucket_id: b.initial for b in added}
    assert deposit.reference is not None
    txn = transactions.item(
        number,
        txn_type=TxnType.TRANSFER_CHARGE,
        at=now,
        amount=sum(amounts.values()),
        committee=committee,
        wallet_id=wallet.wallet_id,
        wallet_external_id=wallet.external_user_id,
        **transactions.moved(added, amounts),
        programme_id=programme_id,
        programme_name=programme["name"],
        units=units,
        price=deposit.amount,
        channel="bank_transfer",
        payment_reference=deposit.reference,
        deposit_date=deposit.day,
        **sale.purchase_fields(programme_id, number, person, round_no),  # what its チャージ取消 gives back to
        operator_id=actor.user_id,
        operator_login=actor.login_id,
    )
    pk, sk = keys.deposit_credit(programme_id, deposit.reference, round_no)
    marker = {"PK": pk, "SK": sk, "kind": "deposit_credit", "number": number, "at": iso(now), "line": deposit.line}
    record = api.audit_item(
        "bank_transfer_charge",
        scope=Scope(str(committee["committee_id"])),
        target_type="transaction",
        target_id=number,
        wallet_id=wallet.wallet_id,
        units=units,
        reference=deposit.reference,
        deposit_date=deposit.day,
        amount=deposit.amount,
    )
    ledger.charge(
        rt.db,
        wallet_id=wallet.wallet_id,
        programme_id=programme_id,
        units=units,
        limit_units=int(programme["limit_units"]),
        buckets=added,
        txn=txn,
        idempotency=marker,
        audit=record,
        now=now,
        allocation=consume,
    )
    return number


def upload(rt: Runtime, caller: Principal, programme_id: str, raw: bytes) -> DepositUpload:
    programme = _programme(rt, caller, programme_id)
    settings = sale.settings(rt, programme_id)
    if settings is None:
        raise NoSale()
    if settings.get("draw_state") != DrawState.DRAWN:
        raise NotDrawnForDeposits()
    if not raw.strip():
        raise FileEmpty()
    found = deposits.read(raw, jst_date(rt.clock.now()))
    committee = rt.db.get(keys.committee(str(programme["committee_id"])))
    assert committee is not None
    rows = [_match(rt, programme, settings, committee, d, caller) for d in found]
    now = rt.clock.now()
    upload_id = ids.random_token(12)
    upload_key = f"{iso(now)}#{upload_id}"
    pk, sk = keys.deposit_upload(programme_id, upload_key)
    credited = [r for r in rows if r.get("credited")]
    parts = [rows[start : start + PART_ROWS] for start in range(0, len(rows), PART_ROWS)]
    result: Item = {
        "PK": pk,
        "SK": sk,
        "kind": "deposit_upload",
        "upload_id": upload_id,
        "at": iso(now),
        "by": caller.login_id,
        "rows": len(rows),
        "credited": len(credited),
        "credited_amount": sum(int(r["amount"]) for r in credited),
        "items": parts[0],
        "parts": len(parts),
        **privacy.tag(programme_id, pk, sk),  # payers' names: deleted by the retention run (issue 23.3)
    }
    actions = [rt.db.tx_put(result)]
    for part, items in enumerate(parts[1:], start=1):
        part_pk, part_sk = keys.deposit_upload_rows(programme_id, upload_key, part)
        rest = {"PK": part_pk, "SK": part_sk, "kind": "deposit_upload_rows", "items": items}
        actions.append(rt.db.tx_put(rest | privacy.tag(programme_id, part_pk, part_sk)))
    record = api.audit_item(
        "deposits_imported",
        scope=Scope(str(programme["committee_id"])),
        target_type="programme",
        target_id=programme_id,
        rows=len(rows),
        credited=len(credited),
        unmatched=len(rows) - len(credited),
    )
    # The result and its audit entry in one transaction (at most 10 parts and the entry, under 4 MB):
    # the wallets are credited by then, each with its own record, so a retried file shows those rows
    # as taken already and credits nothing twice.
    rt.db.transact([*actions, ledger.audit_action(rt.db, record)], token=upload_id)
    result["items"] = rows
    return DepositUpload.model_validate(_view(result))


def _view(record: Item) -> dict[str, Any]:
    return {
        "upload_id": record["upload_id"],
        "at": record["at"],
        "by": record.get("by"),
        "rows": int(record["rows"]),
        "credited": int(record["credited"]),
        "credited_amount": int(record["credited_amount"]),
        "items": [
            {
                "line": int(r["line"]),
                "day": r["day"],
                "payer": r["payer"],
                "amount": int(r["amount"]),
                "reference": r.get("reference"),
                "credited": bool(r.get("credited")),
                "number": r.get("number"),
                "units": int(r["units"]) if r.get("units") else None,
                "reason": r.get("reason"),
            }
            for r in record["items"]
        ],
    }


def _parts(programme_id: str, upload: Item) -> list[tuple[str, str]]:
    """The keys of an upload's result rows beyond its first part."""
    upload_key = str(upload["SK"]).removeprefix("UP#")
    return [keys.deposit_upload_rows(programme_id, upload_key, part) for part in range(1, int(upload.get("parts", 1)))]


def list_uploads(rt: Runtime, caller: Principal, programme_id: str) -> DepositUploadList:
    _programme(rt, caller, programme_id)
    pk, _ = keys.deposit_upload(programme_id, "-")
    page = rt.db.query(pk_name="PK", pk=pk, newest_first=True, limit=KEPT)
    rest = {r["upload_id"]: _parts(programme_id, r) for r in page.items}
    wanted = [key for part_keys in rest.values() for key in part_keys]
    found = rt.db.batch_get(wanted) if wanted else {}
    uploads = []
    for r in page.items:
        more = (found.get(key) for key in rest[r["upload_id"]])
        r["items"] = [*r["items"], *(row for part in more if part for row in part["items"])]
        uploads.append(DepositUpload.model_validate(_view(r)))
    return DepositUploadList(items=uploads)
