"""The payment handler's own overhead: the whole Lambda entry point with DynamoDB answered
instantly (botocore Stubber), against a minimal Powertools resolver that returns a constant."""

from __future__ import annotations

import statistics
import time
from typing import Any

from botocore.stub import Stubber

from bench.sandbox import moto_runtime, payment_scene
from local import apigw
from shoken import money

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
        terms = money.ProgrammeTerms("P1", 10_000, {money.VoucherType.COMMON: 13_000}, "2026-11-01", "2027-04-30")
        event, batch_reply = payment_scene(rt, money.purchase_buckets(terms, 5, source="S", created_at="x"))
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
