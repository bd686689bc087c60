"""Per-operation DynamoDB cost through the real handlers (in-process API Gateway events on moto)."""

from __future__ import annotations

import itertools
from typing import Any

from bench.calls import Meter, measure
from bench.sandbox import TERMS, moto_runtime
from local.streams import Stream
from shoken import money
from shoken.roles import Role
from tests.support import mailbox
from tests.support.client import Client
from tests.support.world import World

_keys = itertools.count(1)


def key() -> str:
    return f"bench-{next(_keys):014d}"


def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with moto_runtime() as rt:
        world = World(rt)
        committee = world.committee("1")
        company = world.company(committee)
        store = world.store(company, name="ベンチ店")
        terminal = world.terminal(store, password="1234")
        world.user(Role.COMMITTEE_ADMIN, "ena-0001", committee=committee, password="ena-0001-Pass1")
        world.user(Role.STORE_MANAGER, "shopuser01", store=store, password="shopuser01-Pass1")
        world.programme(committee)
        world.wallet(
            committee,
            "bench@example.jp",
            buckets=money.purchase_buckets(TERMS, 5, source="261101000000000001", created_at="x"),
        )

        def record(name: str, meter: Meter, note: str = "") -> None:
            rows.append(
                {
                    "operation": name,
                    "calls": len(meter.calls),
                    "detail": ", ".join(meter.calls),
                    "rcu": meter.rcu,
                    "wcu": meter.wcu,
                    "note": note,
                }
            )

        admin = Client("admin")
        record(
            "console sign-in: password",
            measure(rt, lambda: admin.post("/api/auth/login", {"login_id": "ena-0001", "password": "ena-0001-Pass1"})),
        )
        code = mailbox.last_code("ena-0001@example.jp")
        record("console sign-in: email code", measure(rt, lambda: admin.post("/api/auth/verify", {"code": code})))
        citizen = Client("wallet")
        citizen.post("/api/wallet/auth/start", {"email": "bench@example.jp"})
        citizen.post("/api/auth/verify", {"code": mailbox.last_code("bench@example.jp")})
        till = Client("merchant")
        till.post("/api/merchant/terminal/bind", {"terminal_id": terminal["terminal_id"], "password": "1234"})
        record(
            "merchant staff sign-in",
            measure(
                rt, lambda: till.post("/api/merchant/login", {"login_id": "shopuser01", "password": "shopuser01-Pass1"})
            ),
        )

        holder: dict[str, Any] = {}
        record(
            "QR token issue",
            measure(rt, lambda: holder.update(qr=citizen.post("/api/wallet/qr").json)),
            "includes the per-wallet rate limit",
        )
        idem = key()
        record(
            "payment (CPM)",
            measure(
                rt,
                lambda: holder.update(
                    pay=till.post(
                        "/api/payments", {"token": holder["qr"]["token"], "amount": 1200, "idempotency_key": idem}
                    ).json
                ),
            ),
            "normal path",
        )
        record(
            "payment retry (same key)",
            measure(
                rt,
                lambda: till.post(
                    "/api/payments", {"token": holder["qr"]["token"], "amount": 1200, "idempotency_key": idem}
                ),
            ),
            "returns the first receipt",
        )
        record("wallet sees completion", measure(rt, lambda: citizen.get(f"/api/wallet/qr/{holder['qr']['poll_id']}")))
        record("cancel", measure(rt, lambda: till.post(f"/api/transactions/{holder['pay']['number']}/cancel")))
        for n in range(30):
            if n % 15 == 0:
                rt.clock.advance(seconds=61)  # type: ignore[attr-defined]  # the per-wallet QR rate limit
            token = citizen.post("/api/wallet/qr").json["token"]
            till.post("/api/payments", {"token": token, "amount": 100, "idempotency_key": key()})
        Stream(rt.config.table_name, from_start=True).drain()
        record("history page (store, 30 rows)", measure(rt, lambda: till.get("/api/history?page_size=30")))
        record("history page (committee, 30 rows)", measure(rt, lambda: admin.get("/api/history?page_size=30")))
        record(
            "history by transaction number",
            measure(rt, lambda: admin.get(f"/api/history?number={holder['pay']['number']}")),
        )
        record(
            "report: totals by store",
            measure(rt, lambda: admin.get("/api/reports/totals?date_from=2026-11-01&date_to=2026-11-29&group=store")),
        )
        record(
            "report: settlement",
            measure(rt, lambda: admin.get("/api/reports/settlement?date_from=2026-11-01&date_to=2026-11-29")),
        )
        record("report: unused balance", measure(rt, lambda: admin.get("/api/reports/unused?on=2026-11-29")))
    return rows
