"""shoken.frozen: the slotted classes that replaced the payment path's dataclasses behave as they did."""

from __future__ import annotations

import dataclasses

import pytest

from shoken import observability
from shoken.db.ledger import StillAdmitted
from shoken.principal import Principal, Scope
from shoken.roles import Role


def test_equality_hash_and_repr_by_fields() -> None:
    assert Scope("1", "00001") == Scope(committee_id="1", company_id="00001", store_id=None)
    assert Scope("1") != Scope("2")
    assert hash(Scope("1", "00001")) == hash(Scope(committee_id="1", company_id="00001"))
    assert Scope("1") != StillAdmitted(("PK", "SK"))  # another class is never equal
    assert repr(Scope("1")) == "Scope(committee_id='1', company_id=None, store_id=None)"


def test_frozen_after_construction_and_replace() -> None:
    principal = Principal("u1", Role.STORE_MANAGER, "s1", "merchant", "c", store_id="9000001")
    with pytest.raises(dataclasses.FrozenInstanceError):
        principal.user_id = "u2"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        principal.nickname = "x"  # type: ignore[attr-defined]
    moved = principal.replace(store_id="9000002")
    assert (moved.store_id, moved.user_id, principal.store_id) == ("9000002", "u1", "9000001")
    with pytest.raises(TypeError):
        principal.replace(nickname="x")


def test_http_entry_logs_the_request_id() -> None:
    seen: list[str | None] = []

    @observability.http_entry
    def handler(event: dict[str, object], context: object) -> dict[str, object]:
        seen.append(observability.logger.get_correlation_id())
        return {}

    class Context:
        function_name, memory_limit_in_mb, invoked_function_arn, aws_request_id = "f", 128, "arn", "r"

    handler({"requestContext": {"requestId": "req-1"}}, Context())
    handler({"rawPath": "/"}, Context())
    assert seen == ["req-1", None]
