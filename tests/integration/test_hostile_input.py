"""Input is exactly what it claims (issue 12.5): strict numbers, ASCII identifiers, codes that
cannot burn a try, JSON too deep to parse and bodies over the limit, all refused at the edge with
a stable code and a Japanese message, and nothing written."""

from __future__ import annotations

import importlib
import json
import pathlib
import re
import typing
from typing import Any

import pytest
from pydantic import BaseModel, Strict

from shoken import routes, strict, validation
from shoken.runtime import Runtime
from tests.integration.conftest import City, Shop, console_login, key
from tests.support import mailbox
from tests.support.client import Client

NOT_INTEGERS: list[Any] = [True, "1000", " 5 ", 1000.0, "１０００"]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ROOT = pathlib.Path(__file__).resolve().parents[2]


def reasons(reply: Any) -> list[str]:
    return [d.get("reason_ja", "") for d in reply.json["error"].get("details", [])]


@pytest.mark.parametrize("amount", NOT_INTEGERS)
def test_a_payment_amount_is_a_json_integer_or_refused(shop: Shop, rt: Runtime, amount: Any) -> None:
    # Given a citizen's QR and a till, When the till sends an amount that only looks like a number
    before = shop.balance(rt)
    reply = shop.till.post("/api/payments", {"token": shop.token(), "amount": amount, "idempotency_key": key()})
    # Then 400 with a Japanese reason beside the amount, and the wallet is untouched
    assert reply.status == 400 and reply.code == "invalid_request", reply
    assert reasons(reply) == ["半角数字で入力してください。"]
    assert shop.balance(rt) == before


def test_counts_and_yes_no_fields_are_strict_too(shop: Shop, city: City) -> None:
    admin = console_login("ena-0001")
    programme_id = shop.programme["programme_id"]
    # 店頭チャージ: units "1" and true are not one book
    for units in ("1", True, 1.0):
        reply = admin.post(
            "/api/admin/charges",
            {"programme_id": programme_id, "units": units, "email": "hanako@example.jp", "idempotency_key": key()},
        )
        assert reply.status == 400 and reply.code == "invalid_request", reply
    # 店舗登録: 大型店 "yes" is not a boolean
    reply = admin.post(
        "/api/admin/stores",
        {"company_id": city.company["company_id"], "name": "新店", "phone": "0573-00-0000", "large": "yes"},
    )
    assert reply.status == 400 and reasons(reply) == ["はい/いいえで指定してください。"], reply
    # Query strings: page_size " 5 " is not five
    assert admin.get("/api/admin/users?page_size=%205%20").status == 400
    assert admin.get("/api/admin/users?page_size=5").status == 200


def test_full_width_digits_are_not_identifiers(city: City) -> None:
    admin = console_login("ena-0001")
    wide_company = str(city.company["company_id"]).translate(FULL_WIDTH)
    reply = admin.post("/api/admin/stores", {"company_id": wide_company, "name": "新店", "phone": "0573-00-0000"})
    assert reply.status == 400 and reply.json["error"]["details"][0]["field"] == "company_id", reply
    assert reasons(reply) == ["形式が正しくありません。"]
    wide_terminal = str(city.terminal["terminal_id"]).translate(FULL_WIDTH)
    bind = Client("merchant").post("/api/merchant/terminal/bind", {"terminal_id": wide_terminal, "password": "5282"})
    assert bind.status == 400 and bind.code == "invalid_request", bind
    history = admin.get("/api/admin/audit?date_from=２０２６-１２-０１&date_to=2026-12-01")
    assert history.status == 400


def test_no_pattern_in_the_code_uses_unicode_digits() -> None:
    # `\d` matches "１" in Python's re and in pydantic's Rust regex: every pattern spells [0-9].
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for base in ("functions", "layers", "local")
        for path in (ROOT / base).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\\d", line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


def test_a_code_that_is_not_six_ascii_digits_does_not_use_a_try(city: City) -> None:
    # Given a sign-in waiting for its email code
    client = Client("admin")
    assert client.post("/api/auth/login", {"login_id": "ena-0001", "password": "ena-0001-Pass1"}).status == 200
    code = mailbox.last_code("ena-0001@example.jp")
    # When more malformed codes than the allowed tries are sent (full-width, short, spaced, a number)
    for bad in [code.translate(FULL_WIDTH), "12345", f" {code}", 123456, "1234567", "１２３４５６"]:
        reply = client.post("/api/auth/verify", {"code": bad})
        assert reply.status == 400 and reply.code == "invalid_request", reply
    # Then the real code still signs in: none of them spent a try
    assert client.post("/api/auth/verify", {"code": code}).status == 200


@pytest.mark.parametrize(
    ("app", "path", "signed_in"),
    [
        ("admin", "/api/auth/login", False),
        ("wallet", "/api/wallet/auth/start", False),
        ("admin", "/api/admin/stores", True),
    ],
)
def test_json_nested_990_deep_is_400_not_500(city: City, app: str, path: str, signed_in: bool) -> None:
    client = console_login("ena-0001") if signed_in else Client(app)
    deep = ("[" * 990 + "]" * 990).encode()
    for body in (deep, ('{"name": ' + "[" * 990 + "]" * 990 + "}").encode()):
        reply = client.post(path, raw=body)
        assert reply.status == 400 and reply.code == "body_too_deep", reply
        assert "入れ子" in reply.json["error"]["message"]
    # A bracket inside a string is text, not nesting
    text = client.post(path, {"login_id": "[" * 500, "password": "{" * 100})
    assert text.code != "body_too_deep"


def test_a_body_over_the_documented_limit_is_413(city: City) -> None:
    huge = json.dumps({"login_id": "x" * validation.JSON_BODY_LIMIT, "password": "p"}).encode()
    reply = Client("admin").post("/api/auth/login", raw=huge)
    assert reply.status == 413 and reply.code == "payload_too_large", reply
    assert "256KB" in reply.json["error"]["message"]
    admin = console_login("ena-0001")
    upload = admin.post(
        "/api/admin/bulk-uploads?spec=stores",
        raw=b"x" * (validation.UPLOAD_BODY_LIMIT + 1),
        content_type="text/csv",
    )
    assert upload.status == 413, upload


def test_the_openapi_document_states_the_limits() -> None:
    import api_document

    document = api_document.build()
    login = document["paths"]["/api/auth/login"]["post"]
    assert login["x-shoken-max-body-bytes"] == validation.JSON_BODY_LIMIT
    assert "413" in login["responses"] and "256 KB" in login["responses"]["413"]["description"]


def test_the_depth_scanner_follows_strings_and_escapes() -> None:
    assert not validation.json_too_deep('{"a": "[[[[\\"[[[["}', limit=1)
    assert validation.json_too_deep('{"a": [[]]}', limit=2)
    assert not validation.json_too_deep('{"a": [[]]}', limit=3)


def request_models() -> dict[str, type[BaseModel]]:
    """Every model a route takes (body or query), from the handlers' signatures."""
    found: dict[str, type[BaseModel]] = {}
    for area in routes.Area:
        handler = importlib.import_module(f"{area.value}.handler")
        for name, function in vars(handler).items():
            if not name.startswith("handle_") or not callable(function):
                continue
            hints = typing.get_type_hints(function, include_extras=True)
            for hint in (h for name_, h in hints.items() if name_ != "return"):
                model = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
                if isinstance(model, type) and issubclass(model, strict.Model):
                    model = model.pydantic_model()  # the same declaration as pydantic reads it
                if isinstance(model, type) and issubclass(model, BaseModel):
                    found[model.__name__] = model
    return found


def test_every_number_and_yes_no_field_of_every_request_is_strict() -> None:
    # The shared types (BodyInt, BodyBool, QueryInt) are the only way a request takes a number or a flag.
    models = request_models()
    assert {"PayRequest", "ChargeRequest", "UserSearch", "StoreCreate", "VerifyRequest"} <= set(models)
    loose = []
    for model in models.values():
        for field_name, info in model.model_fields.items():
            kinds = {info.annotation, *typing.get_args(info.annotation)}
            if not kinds & {int, bool}:
                continue
            guarded = any(isinstance(m, Strict) or type(m).__name__ == "BeforeValidator" for m in info.metadata)
            if not guarded:
                loose.append(f"{model.__name__}.{field_name}")
    assert loose == []


def test_text_no_route_expects_is_refused_clearly_never_500(city: City) -> None:
    # Given a signed-in clerk of the committee
    committee = console_login("ena-0001")
    # When a write carries a CSRF header that is not ASCII, a page cursor that is not ASCII, or a body
    # of another type in bytes that are not UTF-8
    csrf = committee.request("PUT", "/api/admin/companies/00001", {"name": "x"}, headers={"X-CSRF-Token": "é"})
    cursor = committee.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&cursor=abc.%C3%A9")
    plain = committee.request("POST", "/api/admin/stores", raw=b"\xff\xfe{}", content_type="text/plain")
    # Then each is a refusal with its code, not a 500
    assert csrf.status == 403 and csrf.code == "csrf_rejected", csrf
    assert cursor.status == 400, cursor
    assert plain.status == 400 and plain.code == "invalid_request", plain


@pytest.mark.parametrize("day", ["2026-02-30", "0001-01-01", "9999-12-31"])
def test_a_date_that_passes_the_format_but_no_calendar_or_period_is_400(city: City, day: str) -> None:
    # Given dates of the right shape: a day no month has, and the first and last days Python has (a
    # search's day before, a period's day after, overflow them)
    committee = console_login("ena-0001")
    asked = {
        "audit": committee.get(f"/api/admin/audit?date_from={day}&date_to={day}"),
        "history": committee.get(f"/api/history?date_from={day}&date_to={day}"),
        "export": committee.post("/api/exports", {"date_from": day, "date_to": day}),
        "payout run": committee.post("/api/admin/payout-runs", {"programme_id": "P1", "period_end": day}),
        "paid": committee.post("/api/admin/payout-runs/P1-20261130-00000000/paid", {"paid_on": day}),
    }
    # Then each is refused as a bad date, with its Japanese reason, never a 500
    for name, reply in asked.items():
        assert reply.status == 400, (name, reply)
        assert reply.json["error"]["message"], (name, reply)
