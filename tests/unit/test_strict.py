"""The light models (shoken.strict) accept and refuse exactly what the pydantic model built from the
same declaration does, with the same error entries, so the payment function's answers to bad input
are those it gave with pydantic; and settings are read from an environment as before."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from payments import schemas
from shoken import config, strict
from shoken.strict import reason_ja

REQUESTS: list[type[strict.Model]] = [schemas.PayRequest, schemas.MpmCreate]

HOSTILE: list[Any] = [
    None,
    [],
    "x",
    5,
    True,
    {},
    {"token": "", "amount": True, "idempotency_key": "a" * 16 + "\n", "pin": 1234},
    {"token": "t" * 201, "amount": 0, "idempotency_key": "\ud800" * 16},
    {"token": 5, "amount": 1.0, "pin": "１２３４"},
    {"token": "x", "amount": "1000", "idempotency_key": "a" * 16, "pin": None},
    {"token": "x", "amount": 10_000_000, "idempotency_key": "a" * 65},
    {"token": "x", "amount": -1, "idempotency_key": "ａ" * 16, "pin": "12345"},
    {"token": ["x"], "amount": {"a": 1}, "idempotency_key": None, "pin": "\n1234"},
    {"token": "ok", "amount": 1, "idempotency_key": "key-" * 4, "pin": "0000", "extra": 1},
    {"amount": 2**70},
]

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=70),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
    max_leaves=4,
)
FIELD_VALUES = st.one_of(
    JSON_VALUES,
    st.from_regex(r"[A-Za-z0-9_-]{14,66}", fullmatch=True),
    st.from_regex(r"[0-9]{3,5}\n?", fullmatch=True),
    st.integers(min_value=-2, max_value=10_000_001),
)


def entries(errors: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What an answer shows of each error: where, pydantic's reason and the Japanese one."""
    return [(e["type"], tuple(e["loc"]), e["msg"], reason_ja(e)) for e in errors]


def outcome(model: type[strict.Model], data: Any) -> tuple[str, Any]:
    try:
        return "ok", model.parse(data).model_dump()
    except strict.Invalid as error:
        return "invalid", entries(error.errors())


def reference(model: type[strict.Model], data: Any) -> tuple[str, Any]:
    try:
        value = TypeAdapter(model.pydantic_model()).validate_python(data, from_attributes=True)
    except ValidationError as error:
        return "invalid", entries([dict(e) for e in error.errors()])
    return "ok", value.model_dump()


@pytest.mark.parametrize("model", REQUESTS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("data", HOSTILE)
def test_a_light_request_model_refuses_as_its_pydantic_model_does(model: type[strict.Model], data: Any) -> None:
    assert outcome(model, data) == reference(model, data)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({}, optional=dict.fromkeys(schemas.PayRequest.model_fields, FIELD_VALUES)))
def test_any_payment_body_gets_the_same_answer_as_from_pydantic(data: dict[str, Any]) -> None:
    assert outcome(schemas.PayRequest, data) == reference(schemas.PayRequest, data)


def test_numbers_are_json_integers_only() -> None:
    for amount in (True, "1000", " 5 ", 1000.0, "１０００"):
        with pytest.raises(strict.Invalid) as refused:
            schemas.PayRequest.parse({"token": "t", "amount": amount, "idempotency_key": "k" * 16})
        assert [reason_ja(e) for e in refused.value.errors()] == ["半角数字で入力してください。"]


def test_answers_nest_light_models_as_json() -> None:
    receipt = schemas.Receipt(
        number="1", amount=5, store_id="s", store_name="n", terminal_id="t", occurred_at="o", method="cpm"
    )
    state = schemas.MpmState(state="paid", amount=5, valid_until=9, payment=receipt)
    assert state.to_json()["payment"] == receipt.to_json() == receipt.model_dump()
    assert list(schemas.CardReceipt.model_fields) == [*schemas.Receipt.model_fields, "card_balance"]


ENV = {"TABLE_NAME": "shoken-t", "SESSION_KEY_FILE": "/k", "UPLOAD_BUCKET": "up-b", "PIN_PEPPER_FILE": "/p"}


def test_settings_come_from_text_with_their_constraints() -> None:
    read = config.PaymentsConfig.from_env({**ENV, "QR_TTL_SECONDS": "60", "COOKIE_SECURE": "false"})
    assert (read.qr_ttl_seconds, read.cookie_secure, read.stage, read.origin_secret_id) == (60, False, "local", None)
    for wrong in ({"QR_TTL_SECONDS": "29"}, {"QR_TTL_SECONDS": "1e2"}, {"COOKIE_SECURE": "maybe"}, {"STAGE": "Prod"}):
        with pytest.raises(strict.Invalid):
            config.PaymentsConfig.from_env({**ENV, **wrong})
    with pytest.raises(strict.Invalid):
        config.PaymentsConfig.from_env({"SESSION_KEY_FILE": "/k"})  # TABLE_NAME is required


def test_checks_of_every_base_run_once() -> None:
    with pytest.raises(ValueError, match="exactly one of SESSION_KEY"):
        config.PaymentsConfig.from_env({**ENV, "SESSION_KEY_SECRET_ID": "s"})
    with pytest.raises(ValueError, match="exactly one of RESIDENT_KEY"):
        config.ProgrammeConfig.from_env(
            {
                **ENV,
                "PUBLIC_BASE_URL": "https://x",
                "RESIDENT_KEY_FILE": "/r",
                "RESIDENT_KEY_SECRET_ID": "r",
            }
        )
    assert len(config.ProgrammeConfig._checks) == 3  # the session key, the resident key, the PIN pepper


def test_settings_are_frozen_and_copied_with_changes() -> None:
    read = config.PaymentsConfig.from_env(ENV)
    with pytest.raises(AttributeError):
        read.stage = "prod"
    changed = read.model_copy(update={"origin_secret_id": "arn"})
    assert changed.origin_secret_id == "arn" and read.origin_secret_id is None
    assert changed != read and read.model_copy() == read
