"""残高失効: once a programme's usage period is over, what remains of it lapses, as transactions.

Runs as a job per programme (created by the daily schedule), through the programme's holders in
laps. Each wallet's lapse is conditioned on the balances just read, so a re-run or an overlap with
a late cancel can neither lapse twice nor miss value; the programme is marked lapsed when done.
"""

from __future__ import annotations

from collections.abc import Callable

from shoken import audit, ids, money
from shoken.db import keys, ledger, transactions, wallets
from shoken.db.dynamo import Expr, Item
from shoken.runtime import Runtime
from shoken.txn_types import TxnType
from workers import jobs

LAPSES = jobs.Pass("失効処理中", ("wallets", "lapsed", "amount"))


def run(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    params = job["params"]
    programme_id, today = str(params["programme_id"]), str(params["date"])
    committee = rt.db.get(keys.committee(str(params["committee_id"])))
    if committee is None:
        jobs.fail(rt, job, "アクワイアラが見つかりません。")
        return

    def lapse(holder: Item, checkpoint: jobs.Checkpoint) -> None:
        amount = lapse_wallet(rt, committee, programme_id, str(holder["wallet_id"]), today)
        checkpoint["wallets"] += 1
        checkpoint["lapsed"] += 1 if amount else 0
        checkpoint["amount"] += amount

    done = jobs.through_pages(rt, job, should_pause, LAPSES, jobs.holders(rt, programme_id), lapse)
    if done is None:
        return
    expr = Expr()
    rt.db.update(keys.programme(programme_id), f"SET {expr.n('lapsed_on')} = {expr.v(today)}", expr)
    message = f"{done['lapsed']:,}人の残高 合計{done['amount']:,}円が失効しました。"
    jobs.finish(rt, job, LAPSES, done, message)


def lapse_wallet(rt: Runtime, committee: Item, programme_id: str, wallet_id: str, today: str) -> int:
    """Lapse one wallet's expired value of the programme; returns the amount lapsed (0 if none)."""
    for _ in range(5):
        wallet = wallets.get(rt.db, wallet_id)
        if wallet is None:
            return 0
        buckets = wallet.buckets
        amounts = money.lapsing(buckets, today=today, programme_id=programme_id)
        # Expired buckets already spent to 0 leave the wallet too (items stay small for a wallet's life).
        spent = [
            b.bucket_id for b in buckets if b.balance == 0 and b.expires_on < today and b.programme_id == programme_id
        ]
        now = rt.clock.now()
        if not amounts:
            if spent:
                try:
                    ledger.drop_spent(rt.db, wallet_id=wallet_id, bucket_ids=spent, now=now)
                except ledger.Refused:
                    continue  # a cancel credited one of them in between: read again
            return 0
        txn = transactions.item(
            ids.transaction_number(now),
            txn_type=TxnType.LAPSE,
            at=now,
            amount=sum(amounts.values()),
            committee=committee,
            wallet_id=wallet_id,
            wallet_external_id=wallet.external_user_id,
            **transactions.moved(buckets, amounts),
            programme_id=programme_id,
            # What left the wallet with this lapse, in full (the wallet no longer holds these buckets).
            removed_buckets={
                b.bucket_id: b.to_item() for b in buckets if b.bucket_id in amounts or b.bucket_id in spent
            },
        )
        audit_entry = audit.system_entry(
            rt,
            "balance_lapsed",
            str(committee["committee_id"]),
            wallet_id,
            number=txn["number"],
            programme_id=programme_id,
            amount=txn["amount"],
        )
        try:
            ledger.lapse(rt.db, wallet_id=wallet_id, amounts=amounts, spent=spent, txn=txn, audit=audit_entry, now=now)
            return sum(amounts.values())
        except ledger.Refused:
            continue  # a payment or cancel moved the balances, or the number clashed: read again
    raise ledger.Contended()  # still moving after five reads: the lap fails and the job is run again
