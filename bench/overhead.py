"""The payment handler's own overhead: the whole Lambda entry point with DynamoDB answered
instantly (botocore Stubber), against a minimal Powertools resolver that returns a constant."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

from botocore.stub import Stubber

from bench.sandbox import moto_runtime
from local import apigw
from shoken import gate, money, qr, sessions
from shoken.clock import epoch
from shoken.db import keys
from shoken.db.dynamo import serialize_item
from shoken.roles import Role
from tests.support.world import World

ROUNDS = 7
CALLS = 300


def _minimal() -> Any:
    """The smallest Powertools Lambda: a validating resolver returning a constant, behind the same
    decorator stack every shoken handler carries (logger, tracer, metrics)."""
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

    from shoken.observability import logger, metrics, tracer

    app = APIGatewayHttpResolver(enable_validation=True)

    @app.post("/api/payments")
    def constant() -> dict[str, str]:
        return {"ok": "yes"}

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return app.resolve(event, context)

    return lambda_handler


def run() -> dict[str, float]:
    with moto_runtime() as rt:
        world = World(rt)
        committee = world.committee("1")
        store = world.store(world.company(committee))
        terminal = world.terminal(store)
        user = world.user(Role.STORE_MANAGER, "shopuser01", store=store, password="shopuser01-Pass1")
        terms = money.ProgrammeTerms("P1", 10_000, {money.VoucherType.COMMON: 13_000}, "2026-11-01", "2027-04-30")
        wallet = world.wallet(
            committee, "bench@example.jp", buckets=money.purchase_buckets(terms, 5, source="S", created_at="x")
        )
        now = rt.clock.now()
        session_id, binding = "sid", "bid"
        claims = {
            "sub": user["user_id"],
            "role": "store_manager",
            "sid": session_id,
            "app": "merchant",
            "csrf": "c",
            "aex": epoch(now) + 3600,
            "acq": "1",
            "co": store["company_id"],
            "st": store["store_id"],
            "term": terminal["terminal_id"],
            "bid": binding,
            "login": "shopuser01",
        }
        cookie = sessions.encode(rt.session_key, "session", claims, now=now, lifetime=timedelta(minutes=30))
        token = qr.new_token(wallet["wallet_id"])
        principal = gate.principal_from(claims)
        session_key, terminal_key, store_key = gate.merchant_keys(principal)
        found = {
            session_key: {
                "PK": session_key[0],
                "SK": session_key[1],
                "expires_at_epoch": epoch(now) + 3600,
            },
            terminal_key: {**terminal, "binding_id": binding},
            store_key: store,
            keys.committee("1"): committee,
            keys.qr_token(qr.digest(token)): {**qr.item(token, wallet["wallet_id"], now=now, ttl=timedelta(minutes=3))},
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
        from payments import handler

        context = apigw.FakeLambdaContext("bench")
        # Stubber checks each canned response against the service model; that check is the test
        # harness's, not the handler's, so it is switched off (as DynamoDB's answers are trusted).
        stubber = Stubber(rt.db.client)
        stubber._validate_response = lambda *_: None  # type: ignore[attr-defined]
        minimal = _minimal()

        def payment_round() -> float:
            for _ in range(CALLS):
                stubber.add_response("batch_get_item", batch_reply)
                stubber.add_response("transact_write_items", {})
            with stubber:
                start = time.perf_counter()
                for _ in range(CALLS):
                    reply = handler.lambda_handler(event, context)
                elapsed = time.perf_counter() - start
            assert reply["statusCode"] == 200, reply
            return elapsed / CALLS

        def minimal_round() -> float:
            start = time.perf_counter()
            for _ in range(CALLS):
                minimal(event, context)
            return (time.perf_counter() - start) / CALLS

        payment_round()
        minimal_round()  # warm both
        pays, mins = [], []
        for _ in range(ROUNDS):
            pays.append(payment_round())
            mins.append(minimal_round())
        return {
            "payment_ms": statistics.median(pays) * 1000,
            "minimal_ms": statistics.median(mins) * 1000,
            "ratio": statistics.median(p / m for p, m in zip(pays, mins, strict=True)),
        }
