"""The AWS stand-in for benchmarks: moto in this process, set up as the local server sets it up."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from local import apigw, stack
from shoken import gate, money, qr, runtime, sessions
from shoken.clock import FrozenClock, epoch
from shoken.db import keys
from shoken.db.dynamo import serialize_item
from shoken.roles import Role
from shoken.runtime import Runtime
from tests.support.world import PROGRAMME_TERMS, World

NOON = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
TERMS = PROGRAMME_TERMS  # 10,000 yen books worth 13,000: 6,500 共通 and 6,500 専用


@contextmanager
def moto_runtime(*, password_log_n: int = 10) -> Iterator[Runtime]:
    previous = dict(os.environ)
    with tempfile.TemporaryDirectory() as state:
        os.environ.update(stack.environment(Path(state), "http://127.0.0.1:8000"))
        os.environ["PASSWORD_HASH_LOG_N"] = str(password_log_n)
        mock = stack.start_moto()
        try:
            config = stack.LocalConfig.from_env()
            stack.create_resources(config)
            yield runtime.use(Runtime(config=config, clock=FrozenClock(NOON)))
        finally:
            mock.stop()
            os.environ.clear()
            os.environ.update(previous)


def payment_scene(rt: Runtime, buckets: list[money.Bucket]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A signed-in till's payment event for a wallet of `buckets`, and the BatchGetItem answer that
    the payment's one read gets (everything it reads, as DynamoDB would send it)."""
    world = World(rt)
    committee = world.committee("1")
    store = world.store(world.company(committee))
    terminal = world.terminal(store)
    user = world.user(Role.STORE_MANAGER, "shopuser01", store=store, password="shopuser01-Pass1")
    wallet = world.wallet(committee, "bench@example.jp", buckets=buckets)
    now = rt.clock.now()
    claims = {
        "sub": user["user_id"],
        "role": "store_manager",
        "sid": "sid",
        "app": "merchant",
        "csrf": "c",
        "aex": epoch(now) + 3600,
        "acq": "1",
        "co": store["company_id"],
        "st": store["store_id"],
        "term": terminal["terminal_id"],
        "bid": "bid",
        "login": "shopuser01",
    }
    cookie = sessions.encode(rt.session_key, "session", claims, now=now, lifetime=timedelta(minutes=30))
    token = qr.new_token(wallet["wallet_id"])
    session_key, terminal_key, store_key = gate.merchant_keys(gate.principal_from(claims))
    found = {
        session_key: {"PK": session_key[0], "SK": session_key[1], "expires_at_epoch": epoch(now) + 3600},
        terminal_key: {**terminal, "binding_id": "bid"},
        store_key: store,
        keys.committee("1"): committee,
        keys.qr_token(qr.digest(token)): qr.item(token, wallet["wallet_id"], now=now, ttl=timedelta(minutes=3)),
        keys.wallet(wallet["wallet_id"]): wallet,
    }
    batch_reply = {
        "Responses": {rt.config.table_name: [serialize_item(i) for i in found.values()]},
        "UnprocessedKeys": {},
    }
    event, _ = apigw.build_event(
        "POST",
        "/api/payments",
        headers={
            "content-type": "application/json",
            "x-shoken-app": "merchant",
            "x-csrf-token": "c",
            "cookie": f"__Host-shoken_merchant={cookie}",
        },
        body=f'{{"token": "{token}", "amount": 100, "idempotency_key": "bench-0000000000001"}}'.encode(),
    )
    return event, batch_reply
