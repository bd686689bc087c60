"""一括付与, the worker side: grant each target wallet once, in laps if need be.

Each wallet's grant is one transaction with a mark item (GRANT#<grant>/WALLET#<wallet>), so a lap
that repeats part of the list, or a whole re-run, grants nobody twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from shoken import audit, ids, money
from shoken.clock import iso
from shoken.db import jobs as job_items
from shoken.db import keys, ledger, programmes, transactions
from shoken.db.dynamo import Item
from shoken.principal import Scope
from shoken.runtime import Runtime
from shoken.txn_types import TxnType

PAGE = 200


def targets(rt: Runtime, job: Item, checkpoint: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(wallet id, checkpoint after it) for every target not yet handled."""
    params = job["params"]
    if params.get("wallet_ids") is not None:
        start = int(checkpoint.get("index", 0))
        for position, wallet_id in enumerate(params["wallet_ids"][start:], start=start):
            yield str(wallet_id), {**checkpoint, "index": position + 1}
        return
    start_key = checkpoint.get("key")
    while True:
        page = rt.db.query(
            index="list1", pk_name="L1PK", pk=str(params["list_pk"]), sk_name="L1SK", limit=PAGE, start_key=start_key
        )
        for wallet in page.items:
            # A lap resumes right after the last wallet handled (its key in the list index).
            after = {name: {"S": str(wallet[name])} for name in ("L1PK", "L1SK", "PK", "SK")}
            yield str(wallet["wallet_id"]), {**checkpoint, "key": after}
        if not page.last_key:
            return
        start_key = page.last_key


def run(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    job_id = str(job["job_id"])
    params = job["params"]
    programme = programmes.get(rt.db, str(params["programme_id"]), consistent=True)
    committee = rt.db.get(keys.committee(str(params["committee_id"])))
    if programme is None or committee is None:
        job_items.update(rt.db, job_id, rt.clock.now(), state="failed", message="商品券事業が見つかりません。")
        return
    terms = programmes.terms(programme)
    checkpoint: dict[str, Any] = dict(job.get("checkpoint") or {"granted": 0, "skipped": 0})
    total = len(params["wallet_ids"]) if params.get("wallet_ids") is not None else 0
    job_items.update(rt.db, job_id, rt.clock.now(), state="running", total_count=total, message="付与中")
    handled = int(checkpoint.get("granted", 0)) + int(checkpoint.get("skipped", 0))
    for wallet_id, after in targets(rt, job, checkpoint):
        if should_pause():
            job_items.pause(rt.db, job_id, rt.clock.now(), checkpoint, done_count=handled)
            return
        granted = _grant_one(rt, job_id, params, terms, committee, wallet_id)
        checkpoint = {
            **after,
            "granted": int(checkpoint.get("granted", 0)) + granted,
            "skipped": int(checkpoint.get("skipped", 0)) + (1 - granted),
        }
        handled += 1
        if handled % 100 == 0:
            job_items.update(rt.db, job_id, rt.clock.now(), checkpoint=checkpoint, done_count=handled)
    granted, skipped = int(checkpoint.get("granted", 0)), int(checkpoint.get("skipped", 0))
    job_items.update(
        rt.db,
        job_id,
        rt.clock.now(),
        state="done",
        checkpoint=checkpoint,
        done_count=handled,
        total_count=max(total, handled),
        message=f"{granted:,}人に付与しました。"
        + (f" ({skipped:,}人は付与済みまたは利用停止中のため対象外)" if skipped else ""),
    )


def _grant_one(
    rt: Runtime, grant_id: str, params: dict[str, Any], terms: money.ProgrammeTerms, committee: Item, wallet_id: str
) -> int:
    now = rt.clock.now()
    bucket = money.grant_bucket(
        terms,
        int(params["amount"]),
        money.VoucherType(params["voucher_type"]),
        source=f"G{grant_id}",
        created_at=iso(now),
    )
    mark_pk, mark_sk = keys.grant_mark(grant_id, wallet_id)
    mark = {"PK": mark_pk, "SK": mark_sk, "kind": "grant_mark", "granted_at": iso(now)}
    for _ in range(3):
        number = ids.transaction_number(now)
        txn = transactions.item(
            number,
            txn_type=TxnType.CAMPAIGN_GRANT,
            at=now,
            amount=bucket.initial,
            committee=committee,
            wallet_id=wallet_id,
            **transactions.moved([bucket], {bucket.bucket_id: bucket.initial}),
            programme_id=terms.programme_id,
            campaign_name=params["campaign_name"],
            grant_name=params["name"],
            grant_id=grant_id,
        )
        audit_entry = audit.entry(
            rt,
            "campaign_granted",
            actor=audit.SYSTEM_ACTOR,
            scope=Scope(str(committee["committee_id"])),
            target_type="wallet",
            target_id=wallet_id,
            number=number,
            grant_id=grant_id,
            amount=bucket.initial,
        )
        try:
            ledger.grant(
                rt.db,
                wallet_id=wallet_id,
                programme_id=terms.programme_id,
                bucket=bucket,
                txn=txn,
                mark={**mark, "number": number},
                audit=audit_entry,
                now=now,
            )
            return 1
        except ledger.NumberTaken:
            continue
        except (ledger.AlreadyDone, ledger.WalletSuspended):
            return 0
    return 0
