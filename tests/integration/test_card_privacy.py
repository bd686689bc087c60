# ruff: noqa: F811  # the card fixture (secrets) comes from test_cards
"""Cards and residents' personal data (issues 16 and 23): a card's link to the resident list goes with the
programme's other resident data, the card and its money stay; a card wallet's 開示請求 file shows its card
and none of its secrets."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import boto3
from openpyxl import load_workbook

from local.streams import Stream
from shoken import cards
from shoken.clock import FrozenClock
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login
from tests.integration.test_cards import SUZUKI, YAMADA, Secrets, charge, every_item, secrets  # noqa: F401
from tests.integration.test_privacy import run_schedule
from tests.integration.test_residents import HEADER, ROWS, upload
from tests.support.client import Client
from tests.support.world import World


def _items(rt: Runtime, prefix: str) -> list[dict[str, Any]]:
    return [i for i in every_item(rt) if i["PK"]["S"].startswith(prefix)]


def test_a_card_issued_from_the_list_loses_its_resident_link_after_retention_and_keeps_its_money(
    city: City, world: World, rt: Runtime, stream: Stream, clock: FrozenClock
) -> None:
    world.programme(city.committee, "P1", sale_end="2026-12-05", use_end="2026-12-09")
    committee = console_login("ena-0001")
    upload(committee, "P1", "\r\n".join([HEADER, *ROWS]).encode(), stream)
    # Given two cards issued from the list, one of them reissued (old and new card both name the resident)
    issued = committee.post(
        "/api/admin/cards/batch", {"programme_id": "P1", "rows": [YAMADA, SUZUKI], "reason": "counter_identity"}
    )
    assert issued.status == 200, issued
    first, second = (c["card_number"] for c in issued.json["cards"])
    bought = charge(committee, issued.json["cards"][1]["wallet_id"])
    assert bought.status == 200, bought
    assert committee.post(f"/api/admin/cards/{first}/reissue", {"pin": "5820"}).status == 200
    assert len(_items(rt, "CARDRES#P1#")) == 2
    assert len([c for c in _items(rt, "CARD#") if "resident_hash" in c]) == 3
    # And the console says the card links go too
    plan = {p["programme_id"]: p for p in committee.get("/api/admin/retention").json["items"]}
    labels = [r["label"] for r in plan["P1"]["rows"]]
    assert any(label.startswith("カードを発行した住民") for label in labels), labels
    # When the programme has ended and lapsed, and the committee asks for the deletion
    clock.advance(days=11)  # 2026-12-10
    run_schedule("2026-12-10", stream)
    committee = console_login("ena-0001")
    run = committee.post("/api/admin/programmes/P1/retention/run")
    assert run.status == 200, run
    stream.drain()
    # Then no card guard is left, and no card names the resident or the programme any more
    assert _items(rt, "CARDRES#") == []
    left = _items(rt, "CARD#")
    assert len(left) == 3
    assert all(not {"resident_hash", "programme_id", "L2PK", "L2SK"} & set(c) for c in left), left
    # And the cards, their states and their money records stay
    assert sorted(c["status"]["S"] for c in left) == ["active", "active", "replaced"]
    assert committee.get(f"/api/admin/cards/{second}").status == 200
    assert _items(rt, f"TXN#{bought.json['number']}")
    # And a second run finds nothing more to do (re-run safe)
    assert committee.post("/api/admin/programmes/P1/retention/run").status == 200
    stream.drain()
    assert len(_items(rt, "CARD#")) == 3


def card_for_yamada(city: City, world: World, stream: Stream) -> tuple[Client, dict[str, Any]]:
    """P1 with its resident list taken in, and a card (PIN 4071) issued at the counter to YAMADA."""
    world.programme(city.committee)
    committee = console_login("ena-0001")
    upload(committee, "P1", "\r\n".join([HEADER, *ROWS]).encode(), stream)
    body = {"programme_id": "P1", "resident": YAMADA, "reason": "counter_identity", "pin": "4071"}
    return committee, committee.post("/api/admin/cards", body).json["cards"][0]


def test_a_card_wallets_disclosure_file_shows_its_card_and_no_secret_or_hash(
    city: City, world: World, rt: Runtime, stream: Stream, secrets: Secrets
) -> None:
    committee, card = card_for_yamada(city, world, stream)
    number, wallet_id = card["card_number"], card["wallet_id"]
    assert charge(committee, wallet_id).status == 200
    assert committee.post(f"/api/admin/cards/{number}/block").status == 200
    # When the committee produces the card wallet's 開示請求 file
    assert committee.post(f"/api/admin/app-users/{wallet_id}/disclosure", {"format": "xlsx"}).status == 200
    stream.drain()
    job_id = committee.get("/api/exports").json["items"][0]["job_id"]
    s3: Any = boto3.client("s3")
    raw = s3.get_object(Bucket=rt.config.export_bucket, Key=f"exports/{job_id}.zip")["Body"].read()
    archive = zipfile.ZipFile(io.BytesIO(raw))
    text = archive.read(f"disclosure_{wallet_id}.json").decode()
    sections = json.loads(text)["sections"]
    # Then the wallet is named by its card, in the card's state, and the card section says what it holds
    shown = cards.display_number(number)
    assert sections["wallet"][0]["カード番号"] == shown and "メールアドレス" not in sections["wallet"][0]
    assert sections["wallet"][0]["状態"] == "利用停止(紛失・盗難)"
    row = sections["card"][0]
    assert (row["カード番号"], row["状態"], row["暗証番号の誤入力回数"]) == (shown, "利用停止(紛失・盗難)", 0)
    assert row["発行日時"] and row["本日の利用額"] == 0
    # And no secret, PIN hash or resident hash is in it
    stored = next(i for i in _items(rt, f"CARD#{number}"))
    for name in ("pin_hash", "pay_digest", "balance_digest", "resident_hash"):
        assert stored[name]["S"] not in text, name
    assert not [s for s in secrets.drawn if s in text]
    book = load_workbook(io.BytesIO(archive.read(f"disclosure_{wallet_id}.xlsx")))
    assert book["カード"]["A2"].value == shown


def test_a_card_wallet_erased_on_request_loses_its_card_link_and_keeps_the_card(
    city: City, world: World, rt: Runtime, stream: Stream
) -> None:
    committee, card = card_for_yamada(city, world, stream)
    # Given a card with no value and no transaction, When the resident asks for erasure
    erased = committee.post(f"/api/admin/app-users/{card['wallet_id']}/erase", {"reason": "disclosure"})
    assert erased.status == 200, erased
    # Then its card no longer names the resident, the resident's card guard is gone, the card stays
    assert _items(rt, "CARDRES#") == []
    stored = _items(rt, f"CARD#{card['card_number']}")
    assert len(stored) == 1 and not {"resident_hash", "programme_id", "L2PK"} & set(stored[0])
