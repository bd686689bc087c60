"""A stateful property test of the money rules through the real handlers on moto (issues 9 and 13.11).

Hypothesis drives random sequences of purchases, grants, payments at small and large stores,
cancels, charge cancels, retries of each and the expiry of the programme. The machine keeps its own
model of every bucket of every wallet (what a purchase or grant creates, the spend order of SPEC §6,
what a cancel credits or lapses, what the expiry lapses) and predicts each answer from it: success
or the exact refusal, the amount credited and lapsed. After every step each wallet's buckets must
be exactly the model's; at the end of each run the transactions in the table must add up, type by
type, to the model's flows. Nothing expected is read back from the system.

A fresh seed every run, printed; `MONEY_MACHINE_SEED=<n>` repeats a run, `MONEY_MACHINE_STEPS=<n>`
sets its length (2,000 in `make test`, 50,000 in `make soak`).
"""

from __future__ import annotations

import itertools
import os
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, seed, settings
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
from shoken import qr
from shoken.clock import JST, FrozenClock, jst_date
from shoken.db import keys
from shoken.roles import Role
from shoken.runtime import Runtime
from tests.support import mailbox
from tests.support.client import Client
from tests.support.world import World

_numbers = itertools.count(1)
STEPS = {"count": 0}
STEPS_PER_RUN = 200
UNIT_PRICE, SHARE = 10_000, 6_500  # the programme: 10,000 yen buys 6,500 専用 + 6,500 共通
LIMIT_UNITS = 3


def fresh_key() -> str:
    return f"machine-{next(_numbers):012d}"


@dataclass
class Bucket:
    """The model's bucket: enough to know where it comes in the spend order and what it holds."""

    bucket_id: str
    dedicated: bool
    kind: int  # 0 prepaid, 1 bonus, 2 grant: older value first, then paid before premium
    created: int  # the step that made it (the clock moves a second a step)
    expires_on: str
    balance: int
    initial: int


class Money(RuleBasedStateMachine):
    rt: Runtime
    clock: FrozenClock

    @initialize()
    def city(self) -> None:
        # Each run starts from an empty table, so it stays small (moto reads indexes by scanning).
        stack.create_table(self.rt.config.table_name, replace=True)
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
        today = self.clock.now().astimezone(JST).date()
        self.use_end = (today + timedelta(days=30)).isoformat()
        self.programme = self.world.programme(
            self.committee, f"PM{n}", sale_start=(today - timedelta(days=5)).isoformat(), sale_end=(today + timedelta(days=20)).isoformat(),
            use_start=(today - timedelta(days=5)).isoformat(), use_end=self.use_end, limit_units=LIMIT_UNITS,
            unit_price=UNIT_PRICE, shares={"common": SHARE, "dedicated": SHARE},
        )  # fmt: skip
        self.emails = [f"m{n}c{i}@example.jp" for i in range(2)]
        self.wallet_ids = [str(self.world.wallet(self.committee, e)["wallet_id"]) for e in self.emails]
        self.sign_in()
        # The model: each wallet's buckets and units bought, and every flow of value.
        self.model: dict[str, dict[str, Bucket]] = {w: {} for w in self.wallet_ids}
        self.units = dict.fromkeys(self.wallet_ids, 0)
        self.flows = dict.fromkeys(
            ("store_charge", "charge_cancel", "campaign_grant", "payment", "payment_cancel", "lapse"), 0
        )
        self.numbers: list[str] = []
        self.charges: list[dict[str, Any]] = []
        self.payments: list[dict[str, Any]] = []
        self.last_charge: tuple[dict[str, Any], dict[str, Any]] | None = None
        self.last_payment: tuple[dict[str, Any], dict[str, Any], str] | None = None
        self.expired = False
        self.tick = 0

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

    def step(self) -> None:
        STEPS["count"] += 1
        self.tick += 1
        self.clock.advance(seconds=1)  # every bucket made gets its own creation time

    @property
    def today(self) -> str:
        return jst_date(self.clock.now())

    # --- the model's rules (SPEC §6), written independently of shoken.money ----------------------------
    def usable(self, bucket: Bucket, large: bool) -> bool:
        return bucket.balance > 0 and self.today <= bucket.expires_on and not (large and bucket.dedicated)

    def spend(self, wallet_id: str, amount: int, large: bool) -> dict[str, int] | None:
        """専用券 first (not at large stores), soonest expiry first, oldest first; None if short."""
        order = sorted(
            (b for b in self.model[wallet_id].values() if self.usable(b, large)),
            key=lambda b: (not b.dedicated, b.expires_on, b.created, b.kind),
        )
        if sum(b.balance for b in order) < amount:
            return None
        taken: dict[str, int] = {}
        for bucket in order:
            take = min(bucket.balance, amount - sum(taken.values()))
            if take:
                taken[bucket.bucket_id] = take
        return taken

    # --- rules ------------------------------------------------------------------------------------------
    @precondition(lambda self: not self.expired)
    @rule(who=st.integers(0, 1), units=st.integers(1, 2))
    def purchase(self, who: int, units: int) -> None:
        self.step()
        wallet_id = self.wallet_ids[who]
        body = {
            "programme_id": self.programme["programme_id"],
            "units": units,
            "wallet_id": wallet_id,
            "idempotency_key": fresh_key(),
        }
        reply = self.admin.post("/api/admin/charges", body)
        if self.units[wallet_id] + units > LIMIT_UNITS:
            assert reply.status == 409 and reply.code == "purchase_limit_exceeded", reply
            return
        assert reply.status == 200, reply
        number = reply.json["number"]
        paid, bonus = UNIT_PRICE // 2 * units, (SHARE - UNIT_PRICE // 2) * units
        made = [
            Bucket(f"{number}-{t}{k}", t == "d", order, self.tick, self.use_end, amount, amount)
            for t in ("d", "c")
            for k, order, amount in (("p", 0, paid), ("b", 1, bonus))
        ]
        assert reply.json["amount"] == sum(b.initial for b in made) == 2 * SHARE * units
        self.model[wallet_id].update({b.bucket_id: b for b in made})
        self.units[wallet_id] += units
        self.flows["store_charge"] += reply.json["amount"]
        self.numbers.append(number)
        self.charges.append({**reply.json, "buckets": [b.bucket_id for b in made], "units": units})
        self.last_charge = (body, reply.json)

    @precondition(lambda self: self.last_charge is not None)
    @rule()
    def retry_purchase(self) -> None:
        self.step()
        assert self.last_charge is not None
        body, first = self.last_charge
        again = self.admin.post("/api/admin/charges", body)
        assert again.status == 200 and again.json == first  # the same receipt, no new value

    @precondition(lambda self: not self.expired)
    @rule(amount=st.sampled_from([500, 1000, 5000]))
    def grant(self, amount: int) -> None:
        self.step()
        reply = self.admin.post(
            "/api/admin/grants",
            {
                "programme_id": self.programme["programme_id"],
                "name": f"付与{amount}",
                "amount": amount,
                "idempotency_key": f"machine-grant-{STEPS['count']:08d}",
            },
        )
        assert reply.status == 200, reply
        from workers import grant

        job = self.rt.db.get(keys.job(reply.json["job_id"]))
        assert job is not None
        grant.run(self.rt, job, lambda: False)  # what the stream delivers to the workers function
        for wallet_id in self.wallet_ids:
            bucket = Bucket(f"G{reply.json['job_id']}-cg", False, 2, self.tick, self.use_end, amount, amount)
            self.model[wallet_id][bucket.bucket_id] = bucket
            self.flows["campaign_grant"] += amount

    @rule(who=st.integers(0, 1), where=st.sampled_from(["small", "large"]), amount=st.integers(1, 9000))
    def pay(self, who: int, where: str, amount: int) -> None:
        self.step()
        wallet_id = self.wallet_ids[who]
        token = qr.new_token(wallet_id)  # as 「QRコード表示」 issues it (without drawing the image)
        self.rt.db.put(qr.item(token, wallet_id, now=self.clock.now(), ttl=timedelta(minutes=3)))
        body = {"token": token, "amount": amount, "idempotency_key": fresh_key()}
        reply = self.tills[where].post("/api/payments", body)
        taken = self.spend(wallet_id, amount, large=where == "large")
        if taken is None:
            assert reply.status == 409 and reply.code == "insufficient_balance", (reply, amount, where)
            return
        assert reply.status == 200, reply
        for bucket_id, take in taken.items():
            self.model[wallet_id][bucket_id].balance -= take
        self.flows["payment"] += amount
        self.numbers.append(reply.json["number"])
        self.payments.append({**reply.json, "where": where, "wallet": wallet_id, "taken": taken})
        self.last_payment = (body, reply.json, where)

    @precondition(lambda self: self.last_payment is not None)
    @rule()
    def retry_payment(self) -> None:
        self.step()
        assert self.last_payment is not None
        body, first, where = self.last_payment
        assert self.tills[where].post("/api/payments", body).json == first

    @precondition(lambda self: any(p.get("status") != "cancelled" for p in self.payments))
    @rule(data=st.data())
    def cancel_payment(self, data: st.DataObject) -> None:
        self.step()
        payment = data.draw(st.sampled_from([p for p in self.payments if p.get("status") != "cancelled"]))
        reply = self.tills[payment["where"]].post(f"/api/transactions/{payment['number']}/cancel")
        assert reply.status == 200, reply
        payment["status"] = "cancelled"
        wallet = self.model[payment["wallet"]]
        lapsed = credited = 0
        for bucket_id, take in payment["taken"].items():
            bucket = wallet.get(bucket_id)
            if bucket is None or bucket.expires_on < self.today:
                lapsed += take  # past its last day: recorded as lapsed, never back to life
            else:
                bucket.balance += take
                credited += take
        assert (reply.json["amount"], reply.json["credited"], reply.json["lapsed"]) == (
            payment["amount"],
            credited,
            lapsed,
        )
        self.flows["payment_cancel"] += payment["amount"]
        self.flows["lapse"] += lapsed
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
        wallet = self.model[charge["wallet_id"]]
        lapsed = any(b not in wallet or wallet[b].expires_on < self.today for b in charge["buckets"])
        if lapsed:  # the value's usage period is over: nothing to take back, and not "spent"
            assert reply.status == 409 and reply.code == "charge_lapsed", reply
            return
        untouched = all(wallet[b].balance == wallet[b].initial for b in charge["buckets"])
        if not untouched:
            assert reply.status == 409 and reply.code == "charge_already_spent", reply
            return
        assert reply.status == 200, reply
        charge["status"] = "cancelled"
        for bucket_id in charge["buckets"]:
            del wallet[bucket_id]
        self.units[charge["wallet_id"]] -= charge["units"]
        self.flows["charge_cancel"] += charge["amount"]
        self.numbers.append(reply.json["cancel_number"])

    @precondition(lambda self: not self.expired)
    @rule()
    def expire(self) -> None:
        """The usage period ends: the clock moves past it and the daily schedule runs (twice)."""
        self.step()
        from workers import lapse, schedule

        self.clock.advance(days=32)
        today = self.today
        queued = schedule.queue_lapses(self.rt, today)
        assert schedule.queue_lapses(self.rt, today) == []  # the same day again queues nothing
        assert queued == [f"lapse-{self.programme['programme_id']}-{today}"]
        for job_id in queued:
            job = self.rt.db.get(keys.job(job_id))
            assert job is not None
            lapse.run(self.rt, job, lambda: False)
        for wallet in self.model.values():  # every bucket past its last day leaves, its balance lapsing
            for bucket_id in [b for b, bucket in wallet.items() if bucket.expires_on < today]:
                self.flows["lapse"] += wallet.pop(bucket_id).balance
        self.expired = True
        self.sign_in()

    # --- invariants ---------------------------------------------------------------------------------------
    def held(self) -> dict[str, dict[str, int]]:
        found = self.rt.db.batch_get([keys.wallet(w) for w in self.wallet_ids])
        return {
            w: {bid: int(b["balance"]) for bid, b in found[keys.wallet(w)]["buckets"].items()} for w in self.wallet_ids
        }

    @invariant()
    def every_bucket_is_what_the_model_says(self) -> None:
        if not hasattr(self, "model"):
            return
        held = self.held()
        assert all(balance >= 0 for wallet in held.values() for balance in wallet.values())
        expected = {w: {b.bucket_id: b.balance for b in buckets.values()} for w, buckets in self.model.items()}
        assert held == expected
        value = sum(sum(w.values()) for w in held.values())
        flows = self.flows
        assert value == (
            flows["store_charge"] - flows["charge_cancel"] + flows["campaign_grant"]
            - flows["payment"] + flows["payment_cancel"] - flows["lapse"]
        )  # fmt: skip

    def teardown(self) -> None:
        """The transactions in the table add up, type by type, to the model's flows; each written once."""
        if not hasattr(self, "model"):
            return
        totals = dict.fromkeys(self.flows, 0)
        numbers: list[str] = []
        months = {
            (self.started + timedelta(days=d)).astimezone(JST).strftime("%Y-%m")
            for d in range((self.clock.now() - self.started).days + 1)
        }
        for wallet_id in self.wallet_ids:
            for month in months:
                for txn in self.rt.db.query_all(index="by_wallet", pk_name="hist_wallet", pk=f"W#{wallet_id}#{month}"):
                    totals[txn["txn_type"]] += int(txn["amount"])
                    numbers.append(str(txn["number"]))
        assert totals == self.flows, (totals, self.flows)
        assert len(numbers) == len(set(numbers))
        assert set(self.numbers) <= set(numbers) and len(self.numbers) == len(set(self.numbers))


def machine_seed() -> int:
    chosen = os.environ.get("MONEY_MACHINE_SEED")
    return int(chosen) if chosen else random.SystemRandom().randrange(2**32)


@pytest.mark.slow
def test_money_rules_hold_under_random_sequences(rt: Runtime, clock: FrozenClock) -> None:
    Money.rt = rt
    Money.clock = clock
    wanted = int(os.environ.get("MONEY_MACHINE_STEPS", "2000"))
    chosen = machine_seed()
    print(f"\nmoney machine: seed {chosen} (MONEY_MACHINE_SEED={chosen} repeats this run), {wanted} steps")
    STEPS["count"] = 0
    runs = max(1, -(-wanted // STEPS_PER_RUN))
    seed(chosen)(Money)
    run_state_machine_as_test(
        Money,
        settings=settings(
            max_examples=runs,
            stateful_step_count=STEPS_PER_RUN + 1,  # the city's set-up counts as a step too
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            # Shrinking a failure of a long run takes many minutes on moto: the seed repeats the run
            # instead, and MONEY_MACHINE_SHRINK=1 asks for the shortest failing sequence.
            phases=[Phase.generate, Phase.shrink] if os.environ.get("MONEY_MACHINE_SHRINK") else [Phase.generate],
        ),
        _min_steps=STEPS_PER_RUN + 1,
    )
    print(f"stateful money test: {STEPS['count']} steps in {runs} runs (seed {chosen})")
    assert STEPS["count"] >= wanted
