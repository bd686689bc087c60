"""販売状況 counters (issue 15.7) on opening morning: applications at once count on the person's shard,
a transaction cancelled by a conflict is tried again (and refused as busy, 503, if it stays so, never
500), and a new sale's counters are exact from its creation, without a rebuild from the list index."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest

from shoken import sale
from shoken.db import keys
from shoken.db.dynamo import TransactionFailed
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login, wallet_login
from tests.integration.test_sale_applications import code
from tests.support.client import Client
from tests.support.sale import HANAKO, JIRO, TARO, committee_with_open_sale
from tests.support.world import World


@pytest.fixture
def committee(city: City, world: World, stream: Any) -> Client:
    return committee_with_open_sale(city, world, stream)


def conflicting(rt: Runtime, monkeypatch: pytest.MonkeyPatch, times: int, on: str = "SALECOUNT#") -> list[int]:
    """The next `times` transactions writing an item whose key starts `on` (a sale counter unless told)
    are cancelled as DynamoDB cancels one that another transaction wrote an item of at the same moment
    (TransactionConflict on that item); the list holds how many were cancelled so."""
    real = rt.db.transact
    cancelled: list[int] = []

    def transact(actions: list[dict[str, Any]], *, token: str | None = None) -> None:
        counter = [i for i, a in enumerate(actions) if f'"{on}' in json.dumps(a)]
        if counter and len(cancelled) < times:
            cancelled.append(1)
            reasons: list[str | None] = [None] * len(actions)
            reasons[counter[0]] = "TransactionConflict"
            raise TransactionFailed(reasons, [None] * len(actions))
        real(actions, token=token)

    monkeypatch.setattr(rt.db, "transact", transact)
    return cancelled


def figures(committee: Client) -> tuple[int, int]:
    counts = committee.get("/api/admin/programmes/P1/sale").json["counts"]
    return counts["applications"], counts["units_asked"]


def test_an_application_cancelled_by_a_conflict_is_tried_again(
    committee: Client, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    taro, hanako = wallet_login("taro@example.jp"), wallet_login("hanako@example.jp")
    assert taro.post("/api/wallet/sale/P1/eligibility", TARO).status == 200
    assert hanako.post("/api/wallet/sale/P1/eligibility", HANAKO).status == 200
    # Given each application write meets another at once on its counter, twice
    cancelled = conflicting(rt, monkeypatch, 2)
    # When Taro applies, then changes; Hanako applies and withdraws; Jiro is keyed in on paper
    assert taro.put("/api/wallet/sale/P1/application", {"units": 3}).status == 200
    cancelled.clear()
    assert taro.put("/api/wallet/sale/P1/application", {"units": 4}).status == 200
    cancelled.clear()
    assert hanako.put("/api/wallet/sale/P1/application", {"units": 1}).status == 200
    cancelled.clear()
    assert hanako.post("/api/wallet/sale/P1/application/withdraw").status == 200
    cancelled.clear()
    assert committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 2}).status == 200
    # Then each went through once, and the counters count each once
    assert len(cancelled) == 2
    assert figures(committee) == (2, 6)


def test_a_conflict_that_stays_is_refused_as_busy_not_failed(
    committee: Client, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    taro = wallet_login("taro@example.jp")
    assert taro.post("/api/wallet/sale/P1/eligibility", TARO).status == 200
    conflicting(rt, monkeypatch, 100)
    # When every try meets a conflict, in the wallet and at the committee's desk
    for reply in (
        taro.put("/api/wallet/sale/P1/application", {"units": 3}),
        committee.post("/api/admin/programmes/P1/applications", JIRO | {"units": 2}),
    ):
        # Then the answer is 503 with Retry-After (try again), and nothing was written
        assert reply.status == 503 and code(reply) == "service_unavailable", reply
        assert reply.headers.get("retry-after"), reply.headers
    monkeypatch.undo()
    assert sale.applications(rt, "P1") == []
    assert figures(committee) == (0, 0)


def test_eligibility_cancelled_by_a_conflict_is_tried_again_and_busy_if_it_stays(
    committee: Client, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    taro, hanako = wallet_login("taro@example.jp"), wallet_login("hanako@example.jp")
    # Given Taro's binding meets another transaction on his eligibility item once (a double tap)
    cancelled = conflicting(rt, monkeypatch, 1, on="ELIG#")
    # When he confirms his eligibility, it is tried again and goes through
    assert taro.post("/api/wallet/sale/P1/eligibility", TARO).status == 200
    assert len(cancelled) == 1
    # And when Hanako's meets one on every try, the answer is busy (503, try again), never 500
    monkeypatch.undo()
    conflicting(rt, monkeypatch, 100, on="ELIG#")
    reply = hanako.post("/api/wallet/sale/P1/eligibility", HANAKO)
    assert reply.status == 503 and code(reply) == "service_unavailable", reply
    assert reply.headers.get("retry-after"), reply.headers
    monkeypatch.undo()
    # And nothing of hers was written: she confirms again once it clears
    hanako_id = str(hanako.get("/api/auth/me").json["user_id"])
    assert sale.wallet_person(rt, "P1", hanako_id) is None
    assert hanako.post("/api/wallet/sale/P1/eligibility", HANAKO).status == 200


def test_applicants_count_on_shards_that_the_screen_sums(committee: Client, rt: Runtime) -> None:
    # The person's hash spreads applicants over every shard
    assert {keys.sale_count_shard("P1", secrets.token_hex(32)) for _ in range(2000)} == set(
        keys.sale_count_shards("P1")
    )
    taro, hanako = wallet_login("taro@example.jp"), wallet_login("hanako@example.jp")
    for client, person, units in ((taro, TARO, 3), (hanako, HANAKO, 1)):
        assert client.post("/api/wallet/sale/P1/eligibility", person).status == 200
        assert client.put("/api/wallet/sale/P1/application", {"units": units}).status == 200
    # Each application counted on its person's shard, none on the head
    for email, units in (("taro@example.jp", 3), ("hanako@example.jp", 1)):
        person = sale.wallet_person(rt, "P1", str(wallet_login(email).get("/api/auth/me").json["user_id"]))
        assert person is not None
        shard = rt.db.get(keys.sale_count_shard("P1", person)) or {}
        assert int(shard["units_asked"]) >= units
    head = rt.db.get(keys.sale_counts("P1")) or {}
    assert int(head.get("applications", 0)) == 0 and head.get("since")
    assert figures(committee) == (2, 4)


def test_a_new_sale_counts_from_its_creation_without_reading_the_applications(
    city: City, world: World, stream: Any, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a new sale, and Taro's application (no screen looked at the sale before)
    committee = committee_with_open_sale(city, world, stream)
    taro = wallet_login("taro@example.jp")
    assert taro.post("/api/wallet/sale/P1/eligibility", TARO).status == 200
    assert taro.put("/api/wallet/sale/P1/application", {"units": 2}).status == 200
    # When the screen is read: the list index (eventually consistent) is never read for the figures
    monkeypatch.setattr(sale, "applications", lambda *_: pytest.fail("the counters were rebuilt"))
    assert figures(console_login("ena-0001")) == (1, 2)
    # And saving the window again keeps the counters
    reply = committee.put("/api/admin/programmes/P1/sale", {"apply_start": "2026-11-20", "apply_end": "2026-12-09",
                                                           "units_on_sale": 1000})  # fmt: skip
    assert reply.status == 200 and reply.json["counts"]["applications"] == 1, reply
