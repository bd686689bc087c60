"""History at scale: 100,000 transactions across many stores; for each kind of search, how many
items DynamoDB reads per item the page returns (1.0 is the ideal: nothing read in vain)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from bench.sandbox import moto_runtime
from shoken import history_search
from shoken.db import transactions
from shoken.history_models import HistorySearch
from shoken.principal import Principal
from shoken.roles import Role
from shoken.txn_types import TxnType
from tests.support.world import World

STORES = 200
TRANSACTIONS = 100_000
PAGE = 50


def run(count: int = TRANSACTIONS) -> list[dict[str, Any]]:
    rng = random.Random(100)
    with moto_runtime() as rt:
        world = World(rt)
        committee = world.committee("1")
        companies = [world.company(committee, f"企業{n}") for n in range(20)]
        stores = [world.store(companies[n % 20], name=f"店舗{n}") for n in range(STORES)]
        terminals = {s["store_id"]: f"{358000 + n:012d}" for n, s in enumerate(stores)}
        now = rt.clock.now()
        batch = []
        for n in range(count):
            store = stores[rng.randrange(STORES)] if n % 10 else stores[0]  # store 0 is busy
            at = now - timedelta(seconds=rng.randrange(45 * 86400))
            txn_type = TxnType.PAYMENT if n % 50 else TxnType.PAYMENT_CANCEL
            batch.append(
                transactions.item(
                    f"{n:018d}",
                    txn_type=txn_type,
                    at=at,
                    amount=rng.choice([100, 500, 1200]),
                    committee=committee,
                    wallet_id=f"{100000000000 + n % 5000:012d}",
                    buckets={"b": 100},
                    breakdown={"prepaid": 100, "bonus": 0, "grant": 0, "common": 100, "dedicated": 0},
                    bucket_info={"b": ["prepaid", "common", "P1"]},
                    store=store,
                    terminal_id=terminals[store["store_id"]],
                )
            )
            if len(batch) == 5000:
                rt.db.batch_put(batch)
                batch = []
        rt.db.batch_put(batch)
        committee_admin = Principal("1", Role.COMMITTEE_ADMIN, "s", "admin", "c", committee_id="1")
        company_admin = Principal(
            "2", Role.COMPANY_ADMIN, "s", "admin", "c", committee_id="1", company_id=companies[0]["company_id"]
        )
        merchant = Principal(
            "3",
            Role.STORE_MANAGER,
            "s",
            "merchant",
            "c",
            committee_id="1",
            company_id=stores[0]["company_id"],
            store_id=stores[0]["store_id"],
            terminal_id=terminals[stores[0]["store_id"]],
        )
        week = {"date_from": "2026-11-23", "date_to": "2026-11-29"}
        searches = [
            ("committee, one day (by_committee)", committee_admin, {"date_from": "2026-11-29"}),
            ("committee, 7 days", committee_admin, week),
            ("store (merchant app, by_store)", merchant, week),
            ("company (by_company)", company_admin, week),
            ("terminal (by_terminal)", committee_admin, {**week, "terminal_id": terminals[stores[5]["store_id"]]}),
            (
                "user (by_wallet)",
                committee_admin,
                {"date_from": "2026-10-16", "date_to": "2026-11-29", "user_id": "100000000042"},
            ),
            ("residual filter: cancels only", committee_admin, {**week, "types": "payment_cancel"}),
            ("residual filter: store name", committee_admin, {**week, "store": "店舗7"}),
            ("transaction number", committee_admin, {"number": f"{12345:018d}"}),
        ]
        rows = []
        for label, who, params in searches:
            page = history_search.search(rt, who, HistorySearch(**params, page_size=PAGE))
            returned = len(page.items)
            rows.append(
                {
                    "search": label,
                    "index": page.index,
                    "returned": returned,
                    "read": page.read,
                    "per_item": (page.read / returned) if returned else float("nan"),
                }
            )
        return rows
