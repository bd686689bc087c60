"""The sale's 当選 units under a clerk's corrections: what a チャージ取消 gives back, and to whom."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from local.streams import Stream
from shoken import sale
from shoken.db import keys
from shoken.runtime import Runtime
from tests.integration.conftest import console_login, wallet_login
from tests.integration.test_sale_applications import HANAKO, JIRO, TARO, WINDOW, code, committee
from tests.integration.test_sale_purchase import charge, sold
from tests.support.client import Client

__all__ = ["committee", "sold"]


def test_a_cancelled_counter_purchase_gives_the_units_won_back(sold: dict[str, Any], rt: Runtime) -> None:
    committee, taro = sold["committee"], sold["wallets"]["taro@example.jp"]
    # Given Taro, who won 3 units, bought 2 at the counter, and the clerk cancels that charge (wrong person,
    # wrong count: the money is handed back over the counter)
    bought = charge(committee, taro, 2, "bought")
    assert bought.status == 200, bought
    cancelled = committee.post(f"/api/admin/charges/{bought.json['number']}/cancel")
    assert cancelled.status == 200, cancelled
    # Then the refunded units are his to buy again, and the figures say nothing of them was paid
    person = sale.wallet_person(rt, "P1", taro)
    assert person is not None
    record = rt.db.get(keys.application("P1", person)) or {}
    assert int(record.get("purchased_units", 0)) == 0, record
    status = wallet_login("taro@example.jp").get("/api/wallet/sale/P1").json
    assert status["purchased_units"] == 0, status
    again = charge(committee, taro, 3, "again")
    assert again.status == 200, again


@pytest.mark.parametrize("step", ["apply", "withdraw"])
def test_nothing_changes_an_application_once_the_committee_has_closed(
    committee: Client, rt: Runtime, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    # Given Taro, eligible, who applied for 2 units while the window was open
    taro = wallet_login("taro@example.jp")
    assert taro.post("/api/wallet/sale/P1/eligibility", TARO).status == 200
    assert taro.put("/api/wallet/sale/P1/application", {"units": 2}).status == 200
    before = sorted((str(a["L1SK"]), int(a["units"])) for a in sale.applications(rt, "P1"))
    # When the committee presses 締切 just after his phone has read the window as open
    read_window = sale._open_sale

    def closes_meanwhile(rt_: Runtime, programme_id: str) -> Any:
        found = read_window(rt_, programme_id)
        other = threading.Thread(target=sale.close, args=(rt_, programme_id))  # the console's request
        other.start()
        other.join(timeout=30)
        return found

    monkeypatch.setattr(sale, "_open_sale", closes_meanwhile)
    if step == "apply":
        reply = taro.put("/api/wallet/sale/P1/application", {"units": 5})
    else:
        reply = taro.post("/api/wallet/sale/P1/application/withdraw")
    # Then the change is refused: the applications the draw will use are those of the close
    assert reply.status == 409, reply
    after = sorted((str(a["L1SK"]), int(a["units"])) for a in sale.applications(rt, "P1"))
    assert after == before


def test_guessing_a_residents_details_is_limited_per_wallet(committee: Client) -> None:
    # Given someone who knows a neighbour's name and birth date but not her 住民番号
    guesser = wallet_login("taro@example.jp")
    neighbour = {"name_kana": HANAKO["name_kana"], "birth_date": HANAKO["birth_date"]}
    # When the wallet tries 住民番号 after 住民番号
    answers = [
        guesser.post("/api/wallet/sale/P1/eligibility", neighbour | {"resident_key": f"A-{100 + n}"}) for n in range(30)
    ]
    # Then it is stopped well before 30 tries, told when to try again, and the right one then gets nothing
    stopped = [a for a in answers if a.status == 429]
    assert stopped, [a.code for a in answers[-3:]]
    assert stopped[0].headers.get("Retry-After") or stopped[0].headers.get("retry-after")
    right = guesser.post("/api/wallet/sale/P1/eligibility", HANAKO)
    assert right.status == 429, right


@pytest.fixture
def paper_winner(committee: Client, clock: Any, stream: Stream) -> Client:
    """Jiro, who has no smartphone, applied on paper for 2 of 5 units and won them; the committee signs in again."""
    assert committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 2}).status == 200
    committee.put("/api/admin/programmes/P1/sale", WINDOW | {"units_on_sale": 5, "purchase_end": "2026-12-20"})
    clock.advance(days=12)
    again = console_login("ena-0001")
    assert again.post("/api/admin/programmes/P1/draw", {"rule": "lot"}).status == 200
    stream.drain()
    return again


def test_a_paper_winner_buys_the_units_won_on_a_card_at_the_counter(paper_winner: Client) -> None:
    # Given Jiro at the counter: the clerk finds him on the list and issues his card
    card = paper_winner.post(
        "/api/admin/cards", {"programme_id": "P1", "resident": JIRO, "reason": "counter_identity", "pin": "4071"}
    )
    assert card.status == 200, card
    # When he pays for his 2 units and the clerk charges them to the card
    body = {"programme_id": "P1", "units": 2, "wallet_id": card.json["cards"][0]["wallet_id"]}
    bought = paper_winner.post("/api/admin/charges", body | {"idempotency_key": "paper-winner-000000001"})
    # Then the card holds them: the person won, whichever channel he applied by
    assert bought.status == 200 and bought.json["units"] == 2, bought


def read_once_as(monkeypatch: pytest.MonkeyPatch, stale: Any) -> None:
    """The next read of the sale settings answers `stale` (an eventually consistent read from before)."""
    reads, real = iter([stale]), sale.settings
    monkeypatch.setattr(sale, "settings", lambda *args, **kw: next(reads, None) or real(*args, **kw))


def test_saving_the_window_on_a_stale_read_cannot_undo_a_close_or_a_draw(
    committee: Client, rt: Runtime, stream: Stream, monkeypatch: pytest.MonkeyPatch
) -> None:
    taro = wallet_login("taro@example.jp")
    assert taro.post("/api/wallet/sale/P1/eligibility", TARO).status == 200
    assert taro.put("/api/wallet/sale/P1/application", {"units": 2}).status == 200
    # Given the form's read of the sale was taken while it was open; then 締切 and the draw were pressed
    open_read = sale.settings(rt, "P1")
    assert committee.post("/api/admin/programmes/P1/sale/close").status == 200
    closed_read = sale.settings(rt, "P1")
    assert committee.post("/api/admin/programmes/P1/draw", {"rule": "lot"}).status == 200
    drawn = sale.settings(rt, "P1")
    assert drawn is not None and drawn.get("draw_seed") and drawn.get("closed_at")
    for stale in (open_read, closed_read):
        read_once_as(monkeypatch, stale)
        # When the window is saved on that (eventually consistent) read
        reply = committee.put("/api/admin/programmes/P1/sale", WINDOW | {"units_on_sale": 5})
        # Then it is refused as for a drawn sale, and the close and the draw's seed are kept
        assert reply.status == 409 and code(reply) == "already_drawn", reply
        assert "抽選後は申込期間を変更できません" in reply.json["error"]["message"]
        monkeypatch.undo()
        kept = sale.settings(rt, "P1")
        assert kept is not None
        assert {k: kept.get(k) for k in ("closed_at", "draw_seed", "draw_state", "units_on_sale")} == {
            k: drawn.get(k) for k in ("closed_at", "draw_seed", "draw_state", "units_on_sale")
        }
    # And no second seed can be drawn
    assert code(committee.post("/api/admin/programmes/P1/draw", {"rule": "lot"})) == "already_drawn"
    seeds = committee.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&action=draw_seed").json["items"]
    assert [e["detail"]["seed"] for e in seeds] == [drawn["draw_seed"]]


def test_saving_the_window_after_a_close_read_as_open_is_refused_as_closed(
    committee: Client, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_read = sale.settings(rt, "P1")
    assert committee.post("/api/admin/programmes/P1/sale/close").status == 200
    read_once_as(monkeypatch, open_read)
    reply = committee.put("/api/admin/programmes/P1/sale", WINDOW | {"apply_end": "2026-12-31"})
    assert reply.status == 409 and code(reply) == "already_closed", reply
    monkeypatch.undo()
    kept = sale.settings(rt, "P1")
    assert kept is not None and kept.get("closed_at") and kept["apply_end"] == WINDOW["apply_end"]
