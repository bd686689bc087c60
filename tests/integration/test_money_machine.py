"""A stateful property test of the money rules through the real handlers on moto (issue 9).

Hypothesis drives random sequences of purchases, grants, payments at small and large stores,
cancels, charge cancels, retries of each and the expiry of the programme. After every step:
no bucket is negative, every transaction was recorded once, and the value in the wallets equals
what was issued (purchases + grants − charge cancels) − spent + cancelled − lapsed, both as the
API reported it and as the transactions in the table add up.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from local import stack
from local.streams import Stream
from shoken import money
from shoken.clock import JST, FrozenClock, jst_date
from shoken.db import wallets
from shoken.roles import Role
from shoken.runtime import Runtime
from tests.support import mailbox
from tests.support.client import Client
from tests.support.world import World

_numbers = itertools.count(1)
STEPS = {"count": 0}


def fresh_key() -> str:
    return f"machine-{next(_numbers):012d}"


class Money(RuleBasedStateMachine):
    rt: Runtime
    clock: FrozenClock

    @initialize()
    def city(self) -> None:
        # Each example starts from an empty table, so it stays small (moto reads indexes by scanning).
        stack.create_table(self.rt.config.table_name, replace=True)
        self.stream = Stream(self.rt.config.table_name, from_start=False)
        self.started = self.clock.now()
        n = next(_numbers)
        self.world = World(self.rt)
        self.world.counters = {"company": 100 * n, "store": 100 * n, "terminal": 100 * n, "user": 1000 * n}
        self.committee = self.world.committee(f"M{n}", service_id=f"svc{n}")
        company = self.world.company(self.committee)
        self.stores = {
            "small": self.world.store(company, name="小さな店"),
            "large": self.world.store(company, name="大型店", large=True),
        }
        self.terminals = {k: self.world.terminal(s, password="1234") for k, s in self.stores.items()}
        self.logins = {"small": f"m{n}small1", "large": f"m{n}large1"}
        for kind, store in self.stores.items():
            self.world.user(Role.STORE_MANAGER, self.logins[kind], store=store, password="Machine-pass-1")
        self.admin_login = f"m{n}admin01"
        self.world.user(Role.COMMITTEE_ADMIN, self.admin_login, committee=self.committee, password="Machine-pass-1")
        today = self.clock.now().date()
        self.programme = self.world.programme(
            self.committee, f"PM{n}", sale_start=(today - timedelta(days=5)).isoformat(), sale_end=(today + timedelta(days=20)).isoformat(),
            use_start=(today - timedelta(days=5)).isoformat(), use_end=(today + timedelta(days=30)).isoformat(), limit_units=3,
        )  # fmt: skip
        self.emails = [f"m{n}c{i}@example.jp" for i in range(2)]
        self.wallet_ids = [self.world.wallet(self.committee, e)["wallet_id"] for e in self.emails]
        self.sign_in()
        self.issued = self.spent = self.cancelled = self.lapsed = 0
        self.numbers: list[str] = []
        self.charges: list[dict[str, Any]] = []
        self.payments: list[dict[str, Any]] = []
        self.last_charge: tuple[str, dict[str, Any], dict[str, Any]] | None = None
        self.last_payment: tuple[int, dict[str, Any], dict[str, Any]] | None = None
        self.expired = False

    def sign_in(self) -> None:
        self.admin = Client("admin")
        self.admin.post("/api/auth/login", {"login_id": self.admin_login, "password": "Machine-pass-1"})
        self.admin.post("/api/auth/verify", {"code": mailbox.last_code(f"{self.admin_login}@example.jp")})
        self.tills = {}
        for kind, terminal in self.terminals.items():
            till = Client("merchant")
            till.post("/api/merchant/terminal/bind", {"terminal_id": terminal["terminal_id"], "password": "1234"})
            till.post("/api/merchant/login", {"login_id": self.logins[kind], "password": "Machine-pass-1"})
            self.tills[kind] = till
        self.citizens = []
        for email in self.emails:
            citizen = Client("wallet")
            citizen.post("/api/wallet/auth/start", {"email": email, "service_id": self.committee["wallet_service_id"]})
            citizen.post("/api/auth/verify", {"code": mailbox.last_code(email)})
            self.citizens.append(citizen)

    def step(self) -> None:
        STEPS["count"] += 1

    # --- rules ------------------------------------------------------------------------------------------
    @precondition(lambda self: not self.expired)
    @rule(who=st.integers(0, 1), units=st.integers(1, 2))
    def purchase(self, who: int, units: int) -> None:
        self.step()
        body = {
            "programme_id": self.programme["programme_id"],
            "units": units,
            "wallet_id": self.wallet_ids[who],
            "idempotency_key": fresh_key(),
        }
        reply = self.admin.post("/api/admin/charges", body)
        assert reply.status in (200, 409), reply
        if reply.status == 200:
            self.issued += reply.json["amount"]
            self.numbers.append(reply.json["number"])
            self.charges.append(reply.json)
            self.last_charge = ("charge", body, reply.json)
        else:
            assert reply.code == "purchase_limit_exceeded"

    @precondition(lambda self: self.last_charge is not None)
    @rule()
    def retry_purchase(self) -> None:
        self.step()
        assert self.last_charge is not None
        _, body, first = self.last_charge
        again = self.admin.post("/api/admin/charges", body)
        assert again.status == 200 and again.json == first  # the same receipt, no new value

    @precondition(lambda self: not self.expired)
    @rule(amount=st.sampled_from([500, 1000, 5000]))
    def grant(self, amount: int) -> None:
        self.step()
        reply = self.admin.post(
            "/api/admin/grants",
            {"programme_id": self.programme["programme_id"], "name": f"付与{amount}", "amount": amount},
        )
        assert reply.status == 200, reply
        self.stream.drain()
        self.issued += amount * len(self.wallet_ids)

    @rule(who=st.integers(0, 1), where=st.sampled_from(["small", "large"]), amount=st.integers(1, 9000))
    def pay(self, who: int, where: str, amount: int) -> None:
        self.step()
        token = self.citizens[who].post("/api/wallet/qr").json["token"]
        body = {"token": token, "amount": amount, "idempotency_key": fresh_key()}
        reply = self.tills[where].post("/api/payments", body)
        assert reply.status in (200, 409), reply
        if reply.status == 200:
            self.spent += amount
            self.numbers.append(reply.json["number"])
            self.payments.append({**reply.json, "where": where})
            self.last_payment = (who, body, reply.json)
        else:
            assert reply.code == "insufficient_balance", reply

    @precondition(lambda self: self.last_payment is not None)
    @rule()
    def retry_payment(self) -> None:
        self.step()
        assert self.last_payment is not None
        _who, body, first = self.last_payment
        where = next(p["where"] for p in self.payments if p["number"] == first["number"])
        assert self.tills[where].post("/api/payments", body).json == first

    @precondition(lambda self: any(p.get("status") != "cancelled" for p in self.payments))
    @rule(data=st.data())
    def cancel_payment(self, data: st.DataObject) -> None:
        self.step()
        payment = data.draw(st.sampled_from([p for p in self.payments if p.get("status") != "cancelled"]))
        reply = self.tills[payment["where"]].post(f"/api/transactions/{payment['number']}/cancel")
        assert reply.status == 200, reply
        payment["status"] = "cancelled"
        self.cancelled += reply.json["amount"]
        self.lapsed += reply.json["lapsed"]
        self.numbers.append(reply.json["cancel_number"])
        assert (
            self.tills[payment["where"]].post(f"/api/transactions/{payment['number']}/cancel").code
            == "already_cancelled"
        )

    @precondition(lambda self: any(c.get("status") != "cancelled" for c in self.charges))
    @rule(data=st.data())
    def cancel_charge(self, data: st.DataObject) -> None:
        self.step()
        charge = data.draw(st.sampled_from([c for c in self.charges if c.get("status") != "cancelled"]))
        reply = self.admin.post(f"/api/admin/charges/{charge['number']}/cancel")
        assert reply.status in (200, 409), reply
        if reply.status == 200:
            charge["status"] = "cancelled"
            self.issued -= charge["amount"]
            self.numbers.append(reply.json["cancel_number"])
        else:
            assert reply.code == "charge_already_spent"

    @precondition(lambda self: not self.expired)
    @rule()
    def expire(self) -> None:
        """The usage period ends: the clock moves past it and the daily schedule runs (twice)."""
        self.step()
        from workers import schedule

        self.clock.advance(days=32)
        today = jst_date(self.clock.now())
        schedule.queue_lapses(self.rt, today)
        schedule.queue_lapses(self.rt, today)
        self.stream.drain()
        self.expired = True
        self.sign_in()
        self.lapsed = self.ledger().get("lapse", 0)

    # --- invariants ---------------------------------------------------------------------------------------
    def balances(self) -> list[money.Bucket]:
        held: list[money.Bucket] = []
        for wallet_id in self.wallet_ids:
            record = wallets.get(self.rt.db, wallet_id)
            assert record is not None
            held += money.buckets_of(record)
        return held

    def ledger(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        months = {
            (self.started + timedelta(days=d)).astimezone(JST).strftime("%Y-%m")
            for d in range((self.clock.now() - self.started).days + 1)
        }
        for wallet_id in self.wallet_ids:
            for month in months:
                for txn in self.rt.db.query_all(index="by_wallet", pk_name="hist_wallet", pk=f"W#{wallet_id}#{month}"):
                    totals[txn["txn_type"]] = totals.get(txn["txn_type"], 0) + int(txn["amount"])
                    totals["rows"] = totals.get("rows", 0) + 1
                    totals.setdefault("numbers", 0)
        return totals

    @invariant()
    def no_bucket_is_negative(self) -> None:
        if hasattr(self, "wallet_ids"):
            assert all(b.balance >= 0 for b in self.balances())

    @invariant()
    def value_is_conserved_and_recorded_once(self) -> None:
        if not hasattr(self, "wallet_ids"):
            return
        held = sum(b.balance for b in self.balances())
        assert held == self.issued - self.spent + self.cancelled - self.lapsed, (
            held,
            self.issued,
            self.spent,
            self.cancelled,
            self.lapsed,
        )
        flows = self.ledger()
        from_table = (
            flows.get("store_charge", 0) + flows.get("campaign_grant", 0) - flows.get("charge_cancel", 0)
            - flows.get("payment", 0) + flows.get("payment_cancel", 0) - flows.get("lapse", 0)
        )  # fmt: skip
        assert held == from_table
        assert len(self.numbers) == len(set(self.numbers))  # a retry never made a second transaction


@pytest.mark.slow
def test_money_rules_hold_under_random_sequences(rt: Runtime, clock: FrozenClock) -> None:
    Money.rt = rt
    Money.clock = clock
    run_state_machine_as_test(
        Money,
        settings=settings(
            max_examples=10,
            stateful_step_count=16,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    print(f"stateful money test: {STEPS['count']} steps")
    assert STEPS["count"] > 100
