"""Logs hold no personal data (issue 23.5): a full flow through every area — sign-ins by mailed code,
a resident list and its counter search, eligibility and an application, a counter purchase, a till
payment, a cancel, the export, 開示請求, erasure, the schedule, and bad input all along — under the log
scan of tests/support/log_scan.py, which fails a test whose logs hold an email address, a demo
resident's name, birth date or key, or a code the test's mail carried."""

from __future__ import annotations

import logging

from local.apigw import FakeLambdaContext
from local.streams import Stream
from tests.integration.conftest import Shop, console_login, key
from tests.integration.test_privacy import close_and_draw
from tests.integration.test_residents import upload
from tests.support.client import Client
from tests.support.log_scan import Collector, findings
from workers import schedule

LIST = "住民番号,氏名カナ,生年月日\nA-0001,ヤマダ タロウ,1980-04-01\nA-0002,スズキ ハナコ,1975-12-03\n"
TARO = {"resident_key": "A-0001", "name_kana": "やまだ たろう", "birth_date": "1980/4/1"}


def test_the_scan_finds_what_a_careless_log_line_would_leak(logs_hold_no_personal_data: Collector) -> None:
    # Given log records like a careless handler would write (to a logger that prints nothing, so that
    # only the collector sees them; checked, then cleared, so this test passes)
    careless = logging.getLogger("shoken.careless")
    careless.warning("wallet signed in", extra={"email": "hanako@example.jp"})
    careless.warning("not on the list: %s", "ヤマダ タロウ 1980-04-01")
    logs_hold_no_personal_data.secrets.add("123456")
    careless.warning("code checked", extra={"code": "123456"})
    # Then each is found, described without its value
    problems = logs_hold_no_personal_data.problems()
    assert any("email address (example.jp)" in p for p in problems), problems
    assert any("name or birth date" in p for p in problems) and any("code or link" in p for p in problems)
    assert not any("hanako" in p or "123456" in p for p in problems)
    # And ids and other numbers are not mistaken for them
    assert findings("wallet 100000001234 paid 1,234,567 at 2026-11-29T03:00:00Z (SHA-1, A-00011)", {"123456"}) == []
    # And a Powertools JSON line as printed to stdout (what CloudWatch stores) is read the same way
    line = '{"level":"INFO","message":"mail sent","to":"taro@example.jp","function_name":"shoken-auth"}'
    assert findings(line, set()) == ["email address (example.jp)"]
    logs_hold_no_personal_data.texts.clear()


def test_a_full_flow_logs_no_personal_data(shop: Shop, stream: Stream, logs_hold_no_personal_data: Collector) -> None:
    committee = console_login("ena-0001")
    wallet_id = str(shop.wallet["wallet_id"])
    # 住民名簿: upload, a list with columns it must not have, counter searches (found, not found, bad)
    assert upload(committee, "P1", LIST.encode(), stream)["state"] == "done"
    extra = "住民番号,氏名カナ,生年月日,住所\nA-0003,サトウ ジロウ,1992-02-29,恵那市大井町1\n"
    assert upload(committee, "P1", extra.encode(), stream)["state"] == "failed"
    body = {"reason": "counter_identity", **TARO}
    assert committee.post("/api/admin/programmes/P1/residents/search", body).json["listed"] is True
    assert (
        committee.post("/api/admin/programmes/P1/residents/search", body | {"birth_date": "1980-04-02"}).status == 200
    )
    assert committee.post("/api/admin/programmes/P1/residents/search", body | {"name_kana": "Yamada"}).status == 400
    # 申込: the resident's eligibility (a wrong and a right try) and an application
    window = {"apply_start": "2026-11-20", "apply_end": "2026-12-10", "units_on_sale": 100}
    assert committee.put("/api/admin/programmes/P1/sale", window).status == 200
    citizen = shop.citizen
    assert citizen.post("/api/wallet/sale/P1/eligibility", TARO | {"birth_date": "1981-04-01"}).status == 400
    assert citizen.post("/api/wallet/sale/P1/eligibility", TARO).status == 200
    assert citizen.put("/api/wallet/sale/P1/application", {"units": 2}).status == 200
    close_and_draw(committee, "P1", stream)
    # Money: a counter purchase by address, a till payment and its cancel
    bought = {"programme_id": "P1", "units": 1, "idempotency_key": key(), "email": "hanako@example.jp"}
    assert committee.post("/api/admin/charges", bought).status == 200
    token = citizen.post("/api/wallet/qr").json["token"]
    paid = shop.till.post("/api/payments", {"token": token, "amount": 1_000, "idempotency_key": key()})
    assert paid.status == 200, paid
    assert committee.post(f"/api/transactions/{paid.json['number']}/cancel").status == 200
    # Bad input with personal data in it: an unknown address, a malformed one
    assert committee.post(
        "/api/admin/charges", bought | {"email": "nobody@example.jp", "idempotency_key": key()}
    ).status
    assert Client("wallet").post("/api/wallet/auth/start", {"email": "not-an-address@", "service_id": "x"}).status
    # Personal details with a reason, 開示請求, an export, an erasure refused, the daily schedule
    assert committee.post(f"/api/admin/app-users/{wallet_id}/personal", {"reason": "inquiry"}).status == 200
    assert committee.get("/api/admin/app-users?email=hanako@example.jp").status == 200
    assert committee.post(f"/api/admin/app-users/{wallet_id}/disclosure", {"reason": "disclosure"}).status == 200
    assert committee.post("/api/exports", {"date_from": "2026-11-29", "date_to": "2026-11-29"}).status == 200
    stream.drain()
    for file in committee.get("/api/exports").json["items"]:
        assert committee.post(f"/api/exports/{file['job_id']}/link").status == 200
    assert committee.post(f"/api/admin/app-users/{wallet_id}/erase", {"reason": "disclosure"}).status == 409
    schedule.lambda_handler({"date": "2026-11-29"}, FakeLambdaContext("shoken-schedule", 900_000))
    stream.drain()
    # Then the flow logged (the scan saw it) and held nothing personal (checked again at teardown)
    assert len(logs_hold_no_personal_data.texts) >= 3 and logs_hold_no_personal_data.secrets
    assert logs_hold_no_personal_data.problems() == []
