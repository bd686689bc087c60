"""抽選 (issue 15.3): the draw runs as a job from the seed stored and audited by the request; the console's
申込一覧 plus the rule and the seed recompute the stored result with the documented command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from local.streams import Stream
from shoken import draw_check, sale
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login, wallet_login
from tests.integration.test_sale_applications import code
from tests.support import mailbox
from tests.support.client import Client
from tests.support.sale import HANAKO, JIRO, TARO, WINDOW, applied, open_sale
from tests.support.world import World
from workers import sale as worker_sale


@pytest.fixture
def drawn(city: City, world: World, stream: Stream, clock: Any) -> tuple[Client, dict[str, Any]]:
    """Three applicants (3 + 2 in wallets, 2 on paper) for 4 units, drawn by equal share then lot."""
    world.programme(city.committee, limit_units=5)
    committee = console_login("ena-0001")
    open_sale(committee, stream, WINDOW | {"units_on_sale": 4})
    for email, person, units in (("taro@example.jp", TARO, 3), ("hanako@example.jp", HANAKO, 2)):
        applied(email, person, units)
    assert committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 2}).status == 200
    clock.advance(days=12)
    committee = console_login("ena-0001")
    assert committee.post("/api/admin/programmes/P1/draw", {"rule": "equal_then_lot"}).status == 200
    stream.drain()
    return committee, committee.get("/api/admin/programmes/P1/sale").json["draw"]


def test_the_exported_applications_recompute_to_the_stored_result(
    drawn: tuple[Client, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committee, result = drawn
    assert result["state"] == "drawn" and result["units_won"] == 4
    # Given the 申込一覧 from the console (applicants by their keyed hash only)
    export = committee.get("/api/admin/programmes/P1/applications.csv")
    assert export.status == 200 and export.headers["content-type"].startswith("text/csv"), export
    text = export.body.decode("utf-8-sig")
    assert (
        text.splitlines()[0] == "申込者ID,申込冊数,当選冊数,申込方法,振込依頼人コード,請求額,購入済冊数"
        and "サトウ" not in text
    )
    assert sorted(line.split(",")[2] for line in text.splitlines()[1:]) == ["1", "1", "2"]
    file = tmp_path / "applications.csv"
    file.write_bytes(export.body)
    # When the command recomputes it with the seed and rule shown on the sale screen
    args = [str(file), "--seed", result["seed"], "--rule", result["rule"], "--units", "4"]
    # Then it says the stored result is the recomputed one
    assert draw_check.main(args) == 0
    assert "一致しました" in capsys.readouterr().out
    # And a result changed by hand, or another seed, is caught with the applicants named
    lines = text.splitlines()
    head, first, *rest = lines
    values = first.split(",")
    values[2] = str(int(values[2]) + 1)
    file.write_text("\n".join([head, ",".join(values), *rest]) + "\n", encoding="utf-8")
    assert draw_check.main(args) == 1
    assert values[0] in capsys.readouterr().out
    file.write_bytes(export.body)
    file.write_text("申込者ID,申込冊数\nx,1\n", encoding="utf-8")
    assert draw_check.main(args) == 2


def test_the_draw_is_audited_with_its_result_and_a_second_one_refused(drawn: tuple[Client, dict[str, Any]]) -> None:
    committee, result = drawn
    entries = committee.get("/api/admin/audit?date_from=2026-12-11&date_to=2026-12-11").json["items"]
    actions = [e["action"] for e in entries]
    assert {"draw_seed", "draw_started", "draw_done"} <= set(actions)
    done = next(e for e in entries if e["action"] == "draw_done")
    assert (
        done["detail"]["winners"] == result["winners"] == 3 and done["detail"]["units_won"] == result["units_won"] == 4
    )
    assert code(committee.post("/api/admin/programmes/P1/draw", {"rule": "lot"})) == "already_drawn"


def results_mails() -> list[dict[str, Any]]:
    return [m for m in mailbox.sent() if "抽選結果のお知らせ" in m["subject"]]


def test_the_results_email_goes_once_to_each_wallet_applicant_as_a_job(
    drawn: tuple[Client, dict[str, Any]], stream: Stream, rt: Runtime
) -> None:
    committee, _ = drawn
    # When the committee sends the results
    queued = committee.post("/api/admin/programmes/P1/notify")
    assert queued.status == 200 and queued.json["state"] == "queued", queued
    assert results_mails() == []  # nothing is sent in the request
    stream.drain()
    # Then each wallet applicant got one mail with their units (the paper applicant is answered by post)
    mails = results_mails()
    assert sorted(m["to"][0] for m in mails) == ["hanako@example.jp", "taro@example.jp"]
    won = {m["to"][0]: m for m in mails}
    stored = {a.get("wallet_id"): int(a["won_units"]) for a in sale.applications(rt, "P1")}
    taro_wallet = str(wallet_login("taro@example.jp").get("/api/auth/me").json["user_id"])
    assert f"{stored[taro_wallet]}冊が当選しました" in won["taro@example.jp"]["body"]
    # And the console shows the job's progress; sending again sends nobody a second mail
    jobs = committee.get("/api/admin/programmes/P1/sale-jobs").json["items"]
    notify = next(j for j in jobs if j["job_kind"] == "sale_notify")
    assert notify["state"] == "done" and notify["done_count"] == 3 and "抽選結果を2件送信しました" in notify["message"]
    again = committee.post("/api/admin/programmes/P1/notify")
    assert again.status == 200
    stream.drain()
    assert len(results_mails()) == 2
    items = committee.get("/api/admin/programmes/P1/sale-jobs").json["items"]
    latest = next(j for j in items if j["job_id"] == again.json["job_id"])
    assert latest["state"] == "done" and latest["message"].startswith("抽選結果を0件送信")


def test_results_cannot_be_sent_before_the_draw(city: City, world: World) -> None:
    world.programme(city.committee, limit_units=5)
    committee = console_login("ena-0001")
    committee.put("/api/admin/programmes/P1/sale", WINDOW)
    refused = committee.post("/api/admin/programmes/P1/notify")
    assert refused.status == 409 and code(refused) == "not_drawn" and "抽選が終わっていない" in str(refused.json)


def test_a_loser_is_told_kindly_and_a_winner_how_many() -> None:
    committee = {"name": "恵那市商品券実行委員会", "contact_phone": "0573-00-0000"}
    lost = worker_sale.result_mail(
        "a@example.jp", service_name="えなPay", programme_name="P", won_units=0, committee=committee, url="u"
    )
    won = worker_sale.result_mail(
        "a@example.jp", service_name="えなPay", programme_name="P", won_units=3, committee=committee, url="u"
    )
    assert "落選" in lost.body and "当選" not in lost.subject
    assert "3冊が当選しました" in won.body and "(当選)" in won.subject


def test_the_committee_closes_early_then_draws_at_once(city: City, world: World, stream: Stream) -> None:
    world.programme(city.committee, limit_units=5)
    committee = console_login("ena-0001")
    open_sale(committee, stream, WINDOW)
    taro, _ = applied("taro@example.jp", TARO, 2)
    assert committee.get("/api/admin/programmes/P1/sale").json["open"] is True
    # When the committee closes the window before its last day
    closed = committee.post("/api/admin/programmes/P1/sale/close")
    assert closed.status == 200 and closed.json["open"] is False and closed.json["closed_at"], closed
    # Then nothing can be applied, changed or withdrawn, the window cannot be moved, and closing again is refused
    refused = taro.put("/api/wallet/sale/P1/application", {"units": 3})
    assert code(refused) == "outside_application_window" and "締め切られました" in refused.json["error"]["message"]
    assert taro.get("/api/wallet/sale/P1").json["open"] is False
    assert code(committee.put("/api/admin/programmes/P1/sale", WINDOW)) == "already_closed"
    assert code(committee.post("/api/admin/programmes/P1/sale/close")) == "already_closed"
    # And the draw may run at once
    assert committee.post("/api/admin/programmes/P1/draw", {"rule": "lot"}).status == 200
    stream.drain()
    assert taro.get("/api/wallet/sale/P1").json["result"] == "won"
    assert code(committee.post("/api/admin/programmes/P1/sale/close")) == "already_drawn"
    closes = committee.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&action=sale_closed").json
    assert len(closes["items"]) == 1
