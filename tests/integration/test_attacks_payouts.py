"""Paying merchants across a change of payee: what a store owes back (a cancel after its money was paid
out) must be recovered from whoever is paid for that store next, not left behind under the old payee."""

from __future__ import annotations

from shoken.clock import FrozenClock
from tests.integration.conftest import City, Shop, console_login, merchant_login, wallet_login
from tests.integration.test_payments import pay
from tests.integration.test_payout_runs import ACCOUNT, at, paid, run_for

# Why each test below fails today, by its number in /work/helpers/redteam-findings.md (remove the mark with the fix).
F17 = (
    "functions/programme/payouts.py keeps the carry per payee: when a company switches 振込先 from its stores to itself, "
    "a store's negative carry stays under the store (never paid again, so never recovered) and the company is paid "
    "in full"
)

__all__ = ["paid"]


def test_what_a_store_owes_back_follows_it_when_the_company_becomes_the_payee(
    shop: Shop, city: City, paid: dict[str, str], clock: FrozenClock
) -> None:
    # Given テスト店舗1 paid 4,000 for 11/29, then a 3,000 cancel on 12/2: the 12/15 run carries -3,000 for it
    clock.set(at("2026-12-01T09:00:00"))
    assert run_for(console_login("ena-0001"), "2026-11-30").status == 200
    clock.set(at("2026-12-02T10:00:00"))
    assert console_login("ena-0001").post(f"/api/transactions/{paid['first']}/cancel").status == 200
    clock.set(at("2026-12-16T09:00:00"))
    assert run_for(console_login("ena-0001"), "2026-12-15").status == 200
    # When its company has the payouts made to its own account from now on
    company_id = city.company["company_id"]
    admin = console_login("ena-0002")
    assert (
        admin.put(f"/api/admin/companies/{company_id}/payout-account", {**ACCOUNT, "account_number": "3333333"}).status
        == 200
    )
    switched = admin.put(f"/api/admin/companies/{company_id}/payout-by", {"payout_by": "company"})
    if switched.status == 409:
        return  # refused while a store still owes: nothing can be left behind
    assert switched.status == 200, switched
    # and the store takes 5,000 on 12/20
    clock.set(at("2026-12-20T10:00:00"))
    token = wallet_login("hanako@example.jp").post("/api/wallet/qr").json["token"]
    assert pay(merchant_login(city.terminal, "shopuser01"), token, 5_000).status == 200
    # Then the 12/31 run pays the company 5,000 less the 3,000 its store owes, and nothing is left owing
    clock.set(at("2027-01-01T09:00:00"))
    run = run_for(console_login("ena-0001"), "2026-12-31").json
    mine = [line for line in run["lines"] if line["company_id"] == company_id]
    assert sum(line["transfer"] for line in mine) == 2_000, mine
    assert sum(line["carry_out"] for line in mine) == 0, mine
