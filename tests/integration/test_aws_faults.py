"""AWS faults as the caller sees them, through the real handlers (issue 13.5): a throttled or timed-out
read or write is 503 with Retry-After and changes nothing; a request DynamoDB refuses outright is 500."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from shoken.runtime import Runtime
from tests.integration.conftest import Shop, key


class Faulty:
    """The table's client, with the next call of `operation` failing with `error`."""

    def __init__(self, client: Any, operation: str, error: Exception) -> None:
        self._client, self.operation, self.error, self.armed = client, operation, error, True

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._client, name)
        if name != self.operation:
            return real

        def call(**params: Any) -> Any:
            if self.armed:
                self.armed = False
                raise self.error
            return real(**params)

        return call


def header(reply: Any, name: str) -> str:
    return {k.lower(): v for k, v in reply.headers.items()}.get(name.lower(), "")


def throttled(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, operation)


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        ("batch_get_item", throttled("BatchGetItem")),
        ("batch_get_item", ReadTimeoutError(endpoint_url="https://dynamodb")),
        ("transact_write_items", throttled("TransactWriteItems")),
    ],
)
def test_a_throttled_or_timed_out_payment_is_503_with_retry_after_and_a_retry_pays_once(
    shop: Shop, rt: Runtime, monkeypatch: pytest.MonkeyPatch, operation: str, error: Exception
) -> None:
    token, idem = shop.token(), key()
    monkeypatch.setattr(rt.db, "client", Faulty(rt.db.client, operation, error))
    busy = shop.till.post("/api/payments", {"token": token, "amount": 1_000, "idempotency_key": idem})
    assert busy.status == 503 and busy.code == "service_unavailable", busy
    assert int(header(busy, "Retry-After")) >= 1
    assert sum(shop.balance(rt).values()) == 13_000
    again = shop.till.post("/api/payments", {"token": token, "amount": 1_000, "idempotency_key": idem})
    assert again.status == 200, again
    assert sum(shop.balance(rt).values()) == 12_000


def test_a_throttled_cancel_is_503_and_changes_nothing(
    shop: Shop, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    receipt = shop.till.post("/api/payments", {"token": shop.token(), "amount": 2_000, "idempotency_key": key()}).json
    monkeypatch.setattr(rt.db, "client", Faulty(rt.db.client, "batch_get_item", throttled("BatchGetItem")))
    busy = shop.till.post(f"/api/transactions/{receipt['number']}/cancel")
    assert busy.status == 503 and header(busy, "Retry-After"), busy
    assert sum(shop.balance(rt).values()) == 11_000
    assert shop.till.post(f"/api/transactions/{receipt['number']}/cancel").status == 200


def test_a_request_dynamodb_refuses_outright_is_500_internal_error(
    shop: Shop, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    invalid = ClientError({"Error": {"Code": "ValidationException", "Message": "bad"}}, "BatchGetItem")
    monkeypatch.setattr(rt.db, "client", Faulty(rt.db.client, "batch_get_item", invalid))
    broken = shop.till.post("/api/payments", {"token": shop.token(), "amount": 1_000, "idempotency_key": key()})
    assert broken.status == 500 and broken.code == "internal_error", broken
    assert header(broken, "Retry-After") == ""
    assert sum(shop.balance(rt).values()) == 13_000
