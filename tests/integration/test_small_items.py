"""Items stay small for a wallet's life (issue 13.7): lapsed buckets leave the wallet (the lapse keeps
what left), a cancel of a payment whose bucket lapsed still works, and the wallet is in no index, so
a payment writes no copy of it; the アプリユーザ list reads small listing items instead."""

from __future__ import annotations

from typing import Any

from shoken import money
from shoken.db import keys, transactions, wallets
from shoken.runtime import Runtime
from shoken.table import INDEXES
from tests.integration.conftest import Shop, console_login, key, wallet_login
from tests.support.world import World
from workers import lapse


def test_lapsed_and_spent_buckets_leave_the_wallet_and_the_lapse_records_them(shop: Shop, rt: Runtime) -> None:
    wallet_id = str(shop.wallet["wallet_id"])
    receipt = shop.till.post("/api/payments", {"token": shop.token(), "amount": 6_500, "idempotency_key": key()}).json
    spent = transactions.get(rt.db, receipt["number"], consistent=True)
    assert spent is not None
    spent_bucket = next(iter(spent.buckets))
    committee = rt.db.get(keys.committee("1"))
    assert committee is not None
    assert lapse.lapse_wallet(rt, committee, "P1", wallet_id, "2027-05-01") == 6_500
    held = wallets.get(rt.db, wallet_id)
    assert held is not None and held.item["buckets"] == {}  # the spent and the lapsed buckets are gone
    lapses = [
        t
        for t in rt.db.query_all(index="by_wallet", pk_name="hist_wallet", pk=f"W#{wallet_id}#2026-11")
        if t["txn_type"] == "lapse"
    ]
    assert len(lapses) == 1 and lapses[0]["amount"] == 6_500
    removed = lapses[0]["removed_buckets"]
    assert set(removed) == {b.bucket_id for b in shop.buckets} and spent_bucket in removed
    assert sum(int(b["balance"]) for b in removed.values()) == 6_500
    assert all(b["expires_on"] == "2027-04-30" for b in removed.values())
    assert lapse.lapse_wallet(rt, committee, "P1", wallet_id, "2027-05-02") == 0  # nothing left to lapse


def test_a_cancel_of_a_payment_whose_bucket_lapsed_and_left_the_wallet_lapses_that_part(
    shop: Shop, rt: Runtime, world: World, clock: Any
) -> None:
    wallet_id = str(shop.wallet["wallet_id"])
    short = money.ProgrammeTerms("P2", 1_000, {money.VoucherType.DEDICATED: 1_000}, "2026-11-01", "2026-11-30")
    ending = money.purchase_buckets(short, 1, source="261101000000000009", created_at="2026-11-01T00:00:00.000000Z")
    from shoken.db.dynamo import Expr

    expr = Expr()
    sets = ", ".join(f"{expr.path('buckets', b.bucket_id)} = {expr.v(b.to_item())}" for b in ending)
    rt.db.update(keys.wallet(wallet_id), f"SET {sets}", expr)
    receipt = shop.till.post("/api/payments", {"token": shop.token(), "amount": 1_500, "idempotency_key": key()}).json
    payment = transactions.get(rt.db, receipt["number"], consistent=True)
    assert (
        payment is not None
        and payment.bucket_expiry is not None
        and payment.bucket_expiry[ending[0].bucket_id] == "2026-11-30"
    )
    clock.advance(days=2)  # P2's last day has passed; its lapse job removes what is left of it
    committee = rt.db.get(keys.committee("1"))
    assert committee is not None
    lapse.lapse_wallet(rt, committee, "P2", wallet_id, "2026-12-01")
    held = wallets.get(rt.db, wallet_id)
    assert held is not None and not any(b.bucket_id in held.item["buckets"] for b in ending)
    done = console_login("ena-0001").post(f"/api/transactions/{receipt['number']}/cancel")
    assert done.status == 200, done
    assert done.json["lapsed"] + done.json["credited"] == 1_500
    assert (done.json["lapsed"], done.json["credited"]) == (1_000, 500)  # P2's 専用券 went first (soonest expiry)
    assert done.json["lapsed"] == sum(
        v for bid, v in payment.buckets.items() if payment.bucket_expiry[bid] < "2026-12-01"
    )
    held = wallets.get(rt.db, wallet_id)
    assert held is not None
    assert sum(b.balance for b in held.buckets) == 13_000 + 1_000 - 1_500 + done.json["credited"]


def test_a_payment_writes_no_index_copy_of_the_wallet(
    shop: Shop, rt: Runtime, transactions: list[list[dict[str, Any]]]
) -> None:
    indexed = {name for idx in INDEXES for name in (idx.partition_key, idx.sort_key)}
    held = wallets.get(rt.db, str(shop.wallet["wallet_id"]))
    assert held is not None and not indexed & set(held.item)
    written = transactions
    assert (
        shop.till.post("/api/payments", {"token": shop.token(), "amount": 100, "idempotency_key": key()}).status == 200
    )
    updates = [a["Update"] for a in written[0] if "Update" in a]
    wallet_update = next(u for u in updates if u["Key"]["PK"]["S"].startswith("WALLET#"))
    assert not any(name in wallet_update["UpdateExpression"] for name in indexed)
    held = wallets.get(rt.db, str(shop.wallet["wallet_id"]))
    assert held is not None and not indexed & set(held.item)


def test_the_app_users_list_reads_small_entries_and_shows_balances_and_status(shop: Shop, rt: Runtime) -> None:
    ids = [wallet_login(f"listed{n}@example.jp").get("/api/auth/me").json["user_id"] for n in range(3)]
    committee = console_login("ena-0001")
    listed = committee.get("/api/admin/app-users").json["items"]
    by_id = {u["wallet_id"]: u for u in listed}
    assert {str(shop.wallet["wallet_id"]), *ids} <= set(by_id)
    # The list shows addresses masked (issue 23.2): the whole one only with a reason, on the detail
    assert by_id[ids[0]]["email"] == "li*****@example.jp"
    assert by_id[str(shop.wallet["wallet_id"])]["balance"] == 13_000
    target = ids[1]
    assert committee.post(f"/api/admin/app-users/{target}/suspend").status == 200
    suspended = committee.get("/api/admin/app-users?status=suspended").json["items"]
    assert [u["wallet_id"] for u in suspended] == [target] and suspended[0]["status_label"] != "有効"
    entry = rt.db.get(keys.wallet_listing(target))
    assert entry is not None and entry["status"] == "suspended" and "buckets" not in entry
    assert committee.post(f"/api/admin/app-users/{target}/resume").status == 200
    assert committee.get("/api/admin/app-users?status=suspended").json["items"] == []
