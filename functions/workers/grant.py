"""一括付与, the worker side: grant each target wallet once, in laps if need be.

Each wallet's grant is one transaction with a mark item (GRANT#<grant>/WALLET#<wallet>), so a lap
that repeats part of the list, or a whole re-run, grants nobody twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shoken import audit, ids, money
from shoken.clock import iso
from shoken.db import keys, ledger, programmes, transactions
from shoken.db.dynamo import Item
from shoken.runtime import Runtime
from shoken.txn_types import TxnType
from workers import jobs

PAGE = 200
GRANTS = jobs.Pass("付与中", ("handled", "granted", "skipped"))


def _pages(rt: Runtime, params: dict[str, Any]) -> jobs.Pages:
    """The targets a page at a time: the listed wallet ids (from an index), or the list's index items."""
    if params.get("wallet_ids") is not None:
        listed = [str(w) for w in params["wallet_ids"]]

        def by_index(start: Any) -> tuple[list[str], Any]:
            first = int(start or 0)
            return listed[first : first + PAGE], first + PAGE if first + PAGE < len(listed) else None

        return by_index

    def by_list(start_key: Any) -> tuple[list[str], Any]:
        page = rt.db.query(
            index="list1", pk_name="L1PK", pk=str(params["list_pk"]), sk_name="L1SK", limit=PAGE, start_key=start_key
        )
        return [str(w["wallet_id"]) for w in page.items], page.last_key

    return by_list


def run(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    job_id = str(job["job_id"])
    params = job["params"]
    programme = programmes.get(rt.db, str(params["programme_id"]), consistent=True)
    committee = rt.db.get(keys.committee(str(params["committee_id"])))
    if programme is None or committee is None:
        jobs.fail(rt, job, "商品券事業が見つかりません。")
        return
    terms = programmes.terms(programme)
    total = len(params["wallet_ids"]) if params.get("wallet_ids") is not None else 0

    def grant(wallet_id: str, checkpoint: jobs.Checkpoint) -> None:
        granted = _grant_one(rt, job_id, params, terms, committee, wallet_id)
        checkpoint["granted"] += granted
        checkpoint["skipped"] += 1 - granted
        checkpoint["handled"] = checkpoint["granted"] + checkpoint["skipped"]

    done = jobs.through_pages(rt, job, should_pause, GRANTS, _pages(rt, params), grant, total_count=total)
    if done is None:
        return
    granted, skipped = int(done["granted"]), int(done["skipped"])
    message = f"{granted:,}人に付与しました。" + (f" ({skipped:,}人は利用停止中のため対象外)" if skipped else "")
    jobs.finish(rt, job, GRANTS, done, message, total=total)


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
        audit_entry = audit.system_entry(
            rt,
            "campaign_granted",
            str(committee["committee_id"]),
            wallet_id,
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
        except ledger.AlreadyDone:
            return 1  # this grant's mark (its id is this job's): granted on an earlier lap, counted as granted
        except ledger.WalletSuspended:
            return 0
    return 0
