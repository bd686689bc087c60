"""AWS faults classified once, batch calls that back off, and SDK budgets inside the function time-out
(issue 13.5). The DynamoDB client is a stub: no moto needed to prove the rules."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from infra import names
from shoken import runtime
from shoken.db import dynamo
from shoken.db.dynamo import AwsBroken, AwsBusy, Dynamo


def client_error(code: str, operation: str = "BatchGetItem") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)


@pytest.mark.parametrize(
    "error",
    [
        client_error("ProvisionedThroughputExceededException"),
        client_error("ThrottlingException"),
        client_error("RequestLimitExceeded"),
        client_error("InternalServerError"),
        ReadTimeoutError(endpoint_url="https://dynamodb"),
        EndpointConnectionError(endpoint_url="https://dynamodb"),
    ],
)
def test_throttling_and_time_outs_are_503_with_a_retry_hint(error: Exception) -> None:
    classified = dynamo.classify(error)
    assert isinstance(classified, AwsBusy)
    assert classified.status == 503 and classified.code == "service_unavailable"
    assert int(classified.headers["Retry-After"]) >= 1
    assert classified.text.endswith("もう一度お試しください。")


@pytest.mark.parametrize("code", ["ValidationException", "ResourceNotFoundException", "AccessDeniedException"])
def test_permanent_errors_are_500_internal_error_which_alarms(code: str) -> None:
    classified = dynamo.classify(client_error(code))
    assert isinstance(classified, AwsBroken)
    assert classified.status == 500 and classified.code == "internal_error" and classified.headers == {}
    assert "internal_error" in names.PAYMENT_FAILURE_ALARMS  # error_internal_error pages someone


class Stub:
    """batch_get_item / batch_write_item answering `unprocessed` times with part of the request left over."""

    def __init__(self, unprocessed: int) -> None:
        self.unprocessed = unprocessed
        self.calls = 0

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        self.calls += 1
        keys = RequestItems["t"]["Keys"]
        if self.calls <= self.unprocessed:
            return {"Responses": {"t": []}, "UnprocessedKeys": {"t": {"Keys": keys, "ConsistentRead": True}}}
        return {"Responses": {"t": [dict(k) for k in keys]}}

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        self.calls += 1
        if self.calls <= self.unprocessed:
            return {"UnprocessedItems": RequestItems}
        return {}


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(dynamo.time, "sleep", waited.append)
    return waited


def test_unprocessed_keys_are_retried_with_growing_jittered_back_off(sleeps: list[float]) -> None:
    stub = Stub(unprocessed=3)
    found = Dynamo(stub, "t").batch_get([("A", "1"), ("B", "2")])  # type: ignore[arg-type]
    assert set(found) == {("A", "1"), ("B", "2")} and stub.calls == 4
    assert len(sleeps) == 3
    ceilings = [min(dynamo.BATCH_CAP_SECONDS, dynamo.BATCH_BASE_SECONDS * 2**n) for n in (1, 2, 3)]
    assert all(0 <= s <= c for s, c in zip(sleeps, ceilings, strict=True)), sleeps
    draws = {round(dynamo.backoff(3), 6) for _ in range(20)}
    assert len(draws) > 1  # jitter: retries of many callers do not land together


def test_keys_still_unprocessed_after_the_back_off_are_503_not_a_tight_loop(sleeps: list[float]) -> None:
    stub = Stub(unprocessed=10_000)
    with pytest.raises(AwsBusy):
        Dynamo(stub, "t").batch_get([("A", "1")])  # type: ignore[arg-type]
    assert stub.calls == dynamo.BATCH_ATTEMPTS + 1 and len(sleeps) == dynamo.BATCH_ATTEMPTS
    stub = Stub(unprocessed=10_000)
    with pytest.raises(AwsBusy):
        Dynamo(stub, "t").batch_put([{"PK": "A", "SK": "1"}])  # type: ignore[arg-type]
    assert stub.calls == dynamo.BATCH_ATTEMPTS + 1
    stub = Stub(unprocessed=2)
    Dynamo(stub, "t").batch_put([{"PK": "A", "SK": "1"}])  # type: ignore[arg-type]
    assert stub.calls == 3


def test_sdk_retries_and_time_outs_fit_inside_the_shortest_function_time_out() -> None:
    shortest = min(spec.timeout_seconds for spec in names.http_function_specs())
    dynamo_call = runtime.worst_call_seconds(
        runtime.DYNAMO_ATTEMPTS, runtime.DYNAMO_CONNECT_SECONDS, runtime.DYNAMO_READ_SECONDS
    )
    other_call = runtime.worst_call_seconds(
        runtime.OTHER_ATTEMPTS, runtime.OTHER_CONNECT_SECONDS, runtime.OTHER_READ_SECONDS
    )
    batch_back_off = sum(
        min(dynamo.BATCH_CAP_SECONDS, dynamo.BATCH_BASE_SECONDS * 2**n) for n in range(1, dynamo.BATCH_ATTEMPTS + 1)
    )
    # A payment's two round trips, each at its worst, plus the most back-off of its batch read.
    assert 2 * dynamo_call + batch_back_off <= shortest, (dynamo_call, batch_back_off, shortest)
    # A request that calls another service once (a sign-in code by SES) besides DynamoDB.
    assert other_call + dynamo_call <= shortest, (other_call, dynamo_call, shortest)
    config = runtime._DYNAMO
    # total_max_attempts counts the first try too (botocore's max_attempts counts retries only).
    assert config.retries is not None and config.retries["total_max_attempts"] == runtime.DYNAMO_ATTEMPTS
    assert "max_attempts" not in config.retries
    assert (config.connect_timeout, config.read_timeout) == (
        runtime.DYNAMO_CONNECT_SECONDS,
        runtime.DYNAMO_READ_SECONDS,
    )


@pytest.mark.parametrize("reason", ["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"])
def test_a_transaction_cancelled_by_timing_is_refused_as_busy_not_as_a_bug(reason: str) -> None:
    failed = dynamo.TransactionFailed([None, reason], [None, None])
    with pytest.raises(AwsBusy):
        failed.refuse({0: ValueError("the condition of action 0")})
    # A condition that failed wins over the timing of another action
    failed = dynamo.TransactionFailed(["ConditionalCheckFailed", reason], [None, None])
    with pytest.raises(ValueError, match="the condition of action 0"):
        failed.refuse({0: ValueError("the condition of action 0")})


def test_a_transaction_cancelled_for_another_reason_stays_a_failure() -> None:
    failed = dynamo.TransactionFailed(["ValidationError", None], [None, None])
    with pytest.raises(dynamo.TransactionFailed):
        failed.refuse({1: ValueError("the condition of action 1")})
