"""申込 (issue 15.1-15.2): eligibility by the resident list, one per person and per wallet by conditions;
applying, changing and withdrawing inside the window and the limit; paper applications by the committee."""

from __future__ import annotations

from typing import Any

import pytest

from local.streams import Stream
from shoken import allocation, sale
from shoken.db import keys
from shoken.errors import EligibilityTaken
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login, wallet_login
from tests.support.client import Client
from tests.support.races import race
from tests.support.sale import HANAKO, JIRO, TARO, WINDOW, committee_with_open_sale, upload_residents
from tests.support.world import World


@pytest.fixture
def committee(city: City, world: World, stream: Stream) -> Client:
    return committee_with_open_sale(city, world, stream)


def code(reply: Any) -> str:
    return str(reply.json["error"]["code"])


def test_a_resident_confirms_eligibility_applies_changes_and_withdraws(committee: Client, rt: Runtime) -> None:
    resident = wallet_login("taro@example.jp")
    listed = resident.get("/api/wallet/sales").json["items"]
    assert [(s["programme_id"], s["open"], s["eligible"]) for s in listed] == [("P1", True, False)]
    # Before eligibility, applying is refused
    assert code(resident.put("/api/wallet/sale/P1/application", {"units": 1})) == "not_eligible"
    # Given the resident matches the list (kana typed in hiragana)
    status = resident.post("/api/wallet/sale/P1/eligibility", TARO)
    assert status.status == 200 and status.json["eligible"] is True and status.json["open"] is True, status
    assert status.json["limit_units"] == 5 and status.json["applied_units"] == 0
    # When they apply for 3, then change to 5
    assert resident.put("/api/wallet/sale/P1/application", {"units": 3}).json["applied_units"] == 3
    assert resident.put("/api/wallet/sale/P1/application", {"units": 5}).json["applied_units"] == 5
    # Then over the limit is refused and the application stays at 5
    over = resident.put("/api/wallet/sale/P1/application", {"units": 6})
    assert code(over) == "over_purchase_limit" and "5冊まで" in over.json["error"]["message"]
    assert resident.get("/api/wallet/sale/P1").json["applied_units"] == 5
    # And withdrawing removes it; withdrawing again says there is none
    assert resident.post("/api/wallet/sale/P1/application/withdraw").json["applied_units"] == 0
    assert code(resident.post("/api/wallet/sale/P1/application/withdraw")) == "no_application"
    applications = list(rt.db.query_all(index="list1", pk_name="L1PK", pk=keys.application_list("P1")))
    assert applications == []


def test_a_person_not_on_the_list_gets_nothing(committee: Client, rt: Runtime) -> None:
    resident = wallet_login("taro@example.jp")
    wrong = resident.post("/api/wallet/sale/P1/eligibility", TARO | {"birth_date": "1980-04-02"})
    assert wrong.status == 400 and code(wrong) == "not_on_resident_list"
    assert "住民名簿と一致しません" in wrong.json["error"]["message"]
    assert code(resident.post("/api/wallet/sale/P1/eligibility", TARO | {"name_kana": "Yamada"})) == "invalid_request"
    assert resident.get("/api/wallet/sale/P1").json["eligible"] is False


def test_a_person_a_later_list_no_longer_has_cannot_apply_but_can_withdraw(committee: Client, stream: Stream) -> None:
    # Given Taro eligible and applied for 2 units, and then a list without him (he moved out)
    resident = wallet_login("taro@example.jp")
    assert resident.post("/api/wallet/sale/P1/eligibility", TARO).status == 200
    assert resident.put("/api/wallet/sale/P1/application", {"units": 2}).status == 200
    later = "住民番号,氏名カナ,生年月日\nA-2,スズキ ハナコ,1975-12-03\nA-3,サトウ ジロウ,1992-02-29\n"
    assert upload_residents(committee, "P1", later.encode(), stream)["state"] == "done"
    # When he changes his application, Then he is told why, and his application stands as it was
    changed = resident.put("/api/wallet/sale/P1/application", {"units": 5})
    assert (changed.status, code(changed)) == (400, "not_on_resident_list"), changed
    assert "現在の住民名簿に載っていない" in changed.json["error"]["message"]
    assert resident.get("/api/wallet/sale/P1").json["applied_units"] == 2
    # And he may still withdraw it
    assert resident.post("/api/wallet/sale/P1/application/withdraw").json["applied_units"] == 0


def test_one_person_one_eligibility_and_one_wallet_one_person(committee: Client) -> None:
    first, second = wallet_login("taro@example.jp"), wallet_login("hanako@example.jp")
    assert first.post("/api/wallet/sale/P1/eligibility", TARO).status == 200
    assert first.post("/api/wallet/sale/P1/eligibility", TARO).status == 200  # the same person again: no change
    # Someone else's key: another wallet typing Taro's details is refused
    assert code(second.post("/api/wallet/sale/P1/eligibility", TARO)) == "eligibility_taken"
    # And Taro's wallet cannot take Hanako's eligibility as well
    taken = first.post("/api/wallet/sale/P1/eligibility", HANAKO)
    assert code(taken) == "eligibility_taken" and "別の方" in taken.json["error"]["message"]
    assert second.post("/api/wallet/sale/P1/eligibility", HANAKO).json["eligible"] is True


def test_two_wallets_racing_for_one_person_leave_exactly_one_eligible(committee: Client, rt: Runtime) -> None:
    person = sale.person_hash(rt, "P1", "A-3", "サトウ ジロウ", "1992-02-29")

    def claim(n: int) -> str:
        sale.become_eligible(rt, "P1", f"70000000000{n}", person)
        return "ok"

    taken = EligibilityTaken.code
    assert sorted(race(claim, threads=4)) == [taken, taken, taken, "ok"]
    assert rt.db.get(keys.person_eligibility("P1", person)) is not None


def test_the_committee_keys_in_a_paper_application_once(committee: Client, rt: Runtime) -> None:
    paper = committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 2})
    assert paper.status == 200 and paper.json["channel"] == "paper" and paper.json["units"] == 2, paper
    assert code(committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 1})) == "already_applied"
    assert code(committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 6})) == "over_purchase_limit"
    # A wallet cannot then take the same person's eligibility
    assert code(wallet_login("taro@example.jp").post("/api/wallet/sale/P1/eligibility", JIRO)) == "eligibility_taken"
    # Nor can paper be keyed in for someone who confirmed in a wallet
    assert wallet_login("hanako@example.jp").post("/api/wallet/sale/P1/eligibility", HANAKO).status == 200
    refused = committee.post("/api/admin/programmes/P1/applications", HANAKO | {"units": 1})
    assert code(refused) == "eligibility_taken" and "アプリ" in refused.json["error"]["message"]
    assert code(
        committee.post("/api/admin/programmes/P1/applications", TARO | {"birth_date": "2000-01-01", "units": 1})
    ) == ("not_on_resident_list")
    applications = list(rt.db.query_all(index="list1", pk_name="L1PK", pk=keys.application_list("P1")))
    assert [(a["channel"], a["units"]) for a in applications] == [("paper", 2)]
    entries = committee.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&action=paper_application")
    assert len(entries.json["items"]) == 1 and "サトウ" not in str(entries.json)


def test_outside_the_window_nothing_can_be_applied_changed_or_withdrawn(committee: Client) -> None:
    resident = wallet_login("taro@example.jp")
    resident.post("/api/wallet/sale/P1/eligibility", TARO)
    resident.put("/api/wallet/sale/P1/application", {"units": 2})
    # Bad settings are refused
    bad = committee.put("/api/admin/programmes/P1/sale", WINDOW | {"apply_start": "2026-12-11"})
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "apply_end"
    # When the window has closed
    closed = WINDOW | {"apply_start": "2026-11-01", "apply_end": "2026-11-28"}
    assert committee.put("/api/admin/programmes/P1/sale", closed).json["settings"]["apply_end"] == "2026-11-28"
    # Then applying, changing and withdrawing are refused with the window named, and the application stays
    for reply in (
        resident.put("/api/wallet/sale/P1/application", {"units": 3}),
        resident.post("/api/wallet/sale/P1/application/withdraw"),
        committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 1}),
    ):
        assert code(reply) == "outside_application_window" and "2026-11-28" in reply.json["error"]["message"]
    status = resident.get("/api/wallet/sale/P1").json
    assert status["open"] is False and status["applied_units"] == 2


def test_another_citys_resident_cannot_see_or_apply(committee: Client, city: City) -> None:
    outsider = wallet_login("elsewhere@example.jp", service_id="othercity")
    assert code(outsider.get("/api/wallet/sale/P1")) == "no_sale"
    assert code(outsider.post("/api/wallet/sale/P1/eligibility", TARO)) == "no_sale"


def test_the_draw_waits_for_close_logs_its_seed_first_and_cannot_run_twice(
    committee: Client, rt: Runtime, clock: Any, stream: Stream
) -> None:
    # Given three applicants for 5 units: Taro 3 in the wallet, Hanako 2 in the wallet, Jiro 2 on paper
    taro, hanako = wallet_login("taro@example.jp"), wallet_login("hanako@example.jp")
    for client, person, units in ((taro, TARO, 3), (hanako, HANAKO, 2)):
        assert client.post("/api/wallet/sale/P1/eligibility", person).status == 200
        assert client.put("/api/wallet/sale/P1/application", {"units": units}).status == 200
    committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 2})
    committee.put("/api/admin/programmes/P1/sale", WINDOW | {"units_on_sale": 5})
    # A draw before close is refused
    early = committee.post("/api/admin/programmes/P1/draw", {"rule": "equal_then_lot"})
    assert code(early) == "draw_before_close" and "2026-12-10" in early.json["error"]["message"]
    # When the window has closed and the committee draws with equal share first
    clock.advance(days=12)  # sessions end meanwhile: everyone signs in again
    committee, taro = console_login("ena-0001"), wallet_login("taro@example.jp")
    started = committee.post("/api/admin/programmes/P1/draw", {"rule": "equal_then_lot"})
    assert started.status == 200 and started.json["draw"]["state"] == "drawing", started
    # the request stored the seed; the result is computed by the draw job, not in the request
    assert all("won_units" not in a for a in sale.applications(rt, "P1"))
    assert code(committee.post("/api/admin/programmes/P1/draw", {"rule": "lot"})) == "already_drawn"
    stream.drain()
    result = committee.get("/api/admin/programmes/P1/sale").json["draw"]
    assert result["state"] == "drawn" and result["applicants"] == 3 and result["units_won"] == 5
    assert result["units_asked"] == 7 and result["job_id"] == started.json["draw"]["job_id"]
    # Then the seed was audited, and recomputing from it and the applications gives the stored result
    seeds = committee.get("/api/admin/audit?date_from=2026-12-11&date_to=2026-12-11&action=draw_seed").json["items"]
    assert [e["detail"]["seed"] for e in seeds] == [result["seed"]]
    stored = {str(a["L1SK"]): a for a in sale.applications(rt, "P1")}
    recomputed = allocation.allocate(
        {h: int(a["units"]) for h, a in stored.items()}, 5, allocation.Rule.EQUAL_THEN_LOT, result["seed"]
    )
    assert recomputed == {h: int(a["won_units"]) for h, a in stored.items()}
    assert sorted(recomputed.values()) == [1, 2, 2]  # each gets 1, then 2 more by lot (one each)
    # The wallet shows 当選 and the units won
    status = taro.get("/api/wallet/sale/P1").json
    assert (
        status["result"] == "won"
        and status["won_units"] == recomputed[sale.wallet_person(rt, "P1", status_wallet(taro))]
    )
    # And a second draw, or changing the window afterwards, is refused and changes nothing
    assert code(committee.post("/api/admin/programmes/P1/draw", {"rule": "lot"})) == "already_drawn"
    assert code(committee.put("/api/admin/programmes/P1/sale", WINDOW)) == "already_drawn"
    assert {str(a["L1SK"]): int(a["won_units"]) for a in sale.applications(rt, "P1")} == recomputed
    # And the job running again (a lap delivered twice) changes nothing
    sale.finish_draw(rt, "P1")
    assert {str(a["L1SK"]): int(a["won_units"]) for a in sale.applications(rt, "P1")} == recomputed


def test_a_loser_sees_the_result_in_the_wallet(committee: Client, clock: Any, stream: Stream) -> None:
    taro, hanako = wallet_login("taro@example.jp"), wallet_login("hanako@example.jp")
    for client, person in ((taro, TARO), (hanako, HANAKO)):
        client.post("/api/wallet/sale/P1/eligibility", person)
        client.put("/api/wallet/sale/P1/application", {"units": 1})
    committee.put("/api/admin/programmes/P1/sale", WINDOW | {"units_on_sale": 1})
    clock.advance(days=12)
    committee, taro, hanako = (
        console_login("ena-0001"),
        wallet_login("taro@example.jp"),
        wallet_login("hanako@example.jp"),
    )
    assert committee.post("/api/admin/programmes/P1/draw", {"rule": "lot"}).status == 200
    stream.drain()
    assert committee.get("/api/admin/programmes/P1/sale").json["draw"]["winners"] == 1
    results = sorted(
        (c.get("/api/wallet/sale/P1").json["result"], c.get("/api/wallet/sale/P1").json["won_units"])
        for c in (taro, hanako)
    )
    assert results == [("lost", 0), ("won", 1)]


def status_wallet(client: Client) -> str:
    return str(client.get("/api/auth/me").json["user_id"])


def test_the_sale_screen_counts_from_counters_kept_with_each_application(
    committee: Client, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def figures() -> tuple[int, int]:
        counts = committee.get("/api/admin/programmes/P1/sale").json["counts"]
        return counts["applications"], counts["units_asked"]

    # Given a sale from before the counters were kept: two applications, no counters item
    taro, hanako = wallet_login("taro@example.jp"), wallet_login("hanako@example.jp")
    assert taro.post("/api/wallet/sale/P1/eligibility", TARO).status == 200
    assert hanako.post("/api/wallet/sale/P1/eligibility", HANAKO).status == 200
    assert taro.put("/api/wallet/sale/P1/application", {"units": 3}).status == 200
    assert hanako.put("/api/wallet/sale/P1/application", {"units": 1}).status == 200
    rt.db.delete(keys.sale_counts("P1"))
    # Then the screen rebuilds them from the applications, once
    assert figures() == (2, 4)
    # When applications are changed, withdrawn and keyed in on paper
    assert taro.put("/api/wallet/sale/P1/application", {"units": 5}).status == 200
    assert hanako.post("/api/wallet/sale/P1/application/withdraw").status == 200
    assert committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 2}).status == 200
    assert code(committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 1})) == "already_applied"
    # Then the figures follow from the counters alone: the applications are not read again
    monkeypatch.setattr(sale, "applications", lambda *_: pytest.fail("the sale screen read every application"))
    assert figures() == (2, 7)


def test_a_rebuild_that_raced_an_application_reads_again(
    committee: Client, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    taro = wallet_login("taro@example.jp")
    assert taro.post("/api/wallet/sale/P1/eligibility", TARO).status == 200
    assert taro.put("/api/wallet/sale/P1/application", {"units": 2}).status == 200
    rt.db.delete(keys.sale_counts("P1"))
    real = sale.applications
    calls: list[int] = []

    def applications_then_an_application_lands(runtime: Runtime, programme_id: str) -> list[Any]:
        apps = real(runtime, programme_id)
        if not calls:  # the first read misses Hanako's application, written just after it
            hanako = wallet_login("hanako@example.jp")
            assert hanako.post("/api/wallet/sale/P1/eligibility", HANAKO).status == 200
            assert hanako.put("/api/wallet/sale/P1/application", {"units": 1}).status == 200
        calls.append(1)
        return apps

    monkeypatch.setattr(sale, "applications", applications_then_an_application_lands)
    rebuilt = sale.rebuild_counts(rt, "P1")
    assert len(calls) == 2 and (int(rebuilt["applications"]), int(rebuilt["units_asked"])) == (2, 3)
