"""カード型 (issue 16): cards issued at the counter and in bulk, a card as a wallet, block, reissue, the
move to the app and the balance page without an app."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest

from local.streams import Stream
from programme import card_sheet
from shoken import cards
from shoken.clock import FrozenClock, jst_date
from shoken.db import cards as card_items
from shoken.db import keys
from shoken.db.dynamo import AwsBusy
from shoken.runtime import Runtime
from tests.integration.conftest import City, console_login, wallet_login
from tests.integration.test_residents import HEADER, ROWS, upload
from tests.support.client import Client
from tests.support.world import World

YAMADA = {"resident_key": "A-0001", "name_kana": "ヤマダ タロウ", "birth_date": "1980-04-01"}
SUZUKI = {"resident_key": "A-0002", "name_kana": "スズキ ハナコ", "birth_date": "1975-12-03"}
SATO = {"resident_key": "A-0003", "name_kana": "サトウ ジロウ", "birth_date": "1992-02-29"}
_keys = itertools.count(1)


@dataclass
class Secrets:
    """The secrets drawn for each card, in order (they are printed on the sheet and never stored)."""

    drawn: list[str] = field(default_factory=list)

    def of(self, index: int) -> tuple[str, str]:
        return self.drawn[2 * index], self.drawn[2 * index + 1]


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> Secrets:
    seen = Secrets()
    real = cards.new_secret

    def recorded() -> str:
        seen.drawn.append(real())
        return seen.drawn[-1]

    monkeypatch.setattr(cards, "new_secret", recorded)
    return seen


@pytest.fixture
def committee(city: City, world: World, stream: Stream) -> Client:
    world.programme(city.committee)
    client = console_login("ena-0001")
    upload(client, "P1", "\r\n".join([HEADER, *ROWS]).encode(), stream)
    return client


def issue(client: Client, **body: Any) -> Any:
    return client.post(
        "/api/admin/cards", {"programme_id": "P1", "resident": YAMADA, "reason": "counter_identity", **body}
    )


def charge(client: Client, wallet_id: str, units: int = 1) -> Any:
    body = {"programme_id": "P1", "units": units, "wallet_id": wallet_id, "idempotency_key": f"card-{next(_keys):016d}"}
    return client.post("/api/admin/charges", body)


def balance_page(number: str, secret: str, source_ip: str = "198.51.100.7") -> Any:
    client = Client("wallet")
    client.source_ip = source_ip
    return client.post("/api/card/balance", {"card_number": number, "secret": secret})


def every_item(rt: Runtime) -> list[dict[str, Any]]:
    client: Any = rt.db.client
    return list(client.scan(TableName=rt.config.table_name)["Items"])  # a test may look at everything


def test_a_card_issued_at_the_counter_keeps_only_hashes_and_its_sheet_is_a_pdf(
    committee: Client, rt: Runtime, secrets: Secrets
) -> None:
    # Given a listed resident, When the clerk issues a card with a chosen PIN and the holder's name
    reply = issue(committee, pin="4071", holder_name="山田太郎")
    # Then a 16-digit Luhn number bound to a new wallet, and a one-page PDF sheet
    assert reply.status == 200, reply
    card = reply.json["cards"][0]
    assert cards.luhn_valid(card["card_number"]) and card["status_label"] == "有効"
    assert card["card_number"] == cards.number_for(card["wallet_id"])
    pdf = base64.b64decode(reply.json["content_base64"])
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") == 1
    # And the table holds digests, never the secrets, the PIN or the printed name
    pay, check = secrets.of(0)
    dump = repr(every_item(rt))
    assert pay not in dump and check not in dump and "山田太郎" not in dump and "4071" not in dump
    stored = rt.db.get(keys.card(card["card_number"]))
    assert (
        stored
        and stored["pay_digest"] == cards.secret_digest(pay)
        and stored["pin_hash"].startswith(cards.PIN_SCHEME + "$")
    )
    # And the same resident gets no second card; a weak PIN and a resident not on the list are refused
    assert issue(committee).code == "card_already_issued"
    other = {**SUZUKI, "birth_date": "1975-12-04"}
    assert issue(committee, resident=other).code == "not_on_resident_list"
    assert issue(committee, resident=SUZUKI, pin="1234").code == "weak_pin"
    assert issue(committee, resident=SUZUKI, reason=None).code == "reason_required"
    assert issue(committee, resident=SUZUKI, holder_name="鈴木😀").code == "card_name_unprintable"
    assert issue(committee, resident=SUZUKI).status == 200  # the refused name wrote nothing


def test_bulk_issue_from_the_resident_list_is_all_or_nothing_and_re_run_safe(committee: Client) -> None:
    def batch(*rows: dict[str, str]) -> Any:
        body = {"programme_id": "P1", "rows": list(rows), "reason": "counter_identity"}
        return committee.post("/api/admin/cards/batch", body)

    # Given one row not on the list, When the batch runs, Then nothing is issued and the row is named
    refused = batch(YAMADA, {**SATO, "name_kana": "サトウ サブロウ"})
    assert refused.status == 400 and "2行目" in refused.json["error"]["details"][0]["reason_ja"]
    assert issue(committee, pin="4071").status == 200  # Yamada still had no card
    # When the batch runs with listed residents, Then the new ones get a card with a generated PIN
    done = batch(YAMADA, SUZUKI, SATO)
    assert done.status == 200, done
    assert len(done.json["cards"]) == 2 and done.json["skipped"] == [1]
    pdf = base64.b64decode(done.json["content_base64"])
    assert pdf.count(b"/Type /Page\n") == 2
    # And a re-run issues nothing more
    assert batch(SUZUKI, SATO).json["skipped"] == [1, 2]


def test_cards_written_by_a_batch_that_failed_before_its_sheet_are_printed_again_with_new_secrets(
    committee: Client, rt: Runtime, secrets: Secrets, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def batch() -> Any:
        body = {"programme_id": "P1", "rows": [YAMADA, SUZUKI, SATO], "reason": "counter_identity"}
        return committee.post("/api/admin/cards/batch", body)

    # Given a batch whose third card meets a throttle: Yamada's and Suzuki's cards are written, no sheet is made
    real, tries = card_items.issue, itertools.count(1)

    def throttled_third(db: Any, **parts: Any) -> None:
        if next(tries) == 3:
            raise AwsBusy()
        real(db, **parts)

    monkeypatch.setattr(card_items, "issue", throttled_third)
    assert batch().code == "service_unavailable"
    monkeypatch.setattr(card_items, "issue", real)
    # When the clerk tries again at once, Then they are asked to wait (the first request might still be answering)
    early = batch()
    assert (early.status, early.code) == (503, "service_unavailable") and "前回のカード発行" in early.json["error"][
        "message"
    ]
    # When they try again a minute later, Then all three are on the sheet: two printed again, one new
    clock.advance(seconds=61)
    again = batch()
    assert again.status == 200, again
    assert (again.json["printed_again"], again.json["skipped"], len(again.json["cards"])) == ([1, 2], [], 3)
    assert base64.b64decode(again.json["content_base64"]).count(b"/Type /Page\n") == 3
    # And the cards printed again keep their number; the secrets nobody saw no longer open them, the new ones do
    yamada = again.json["cards"][0]["card_number"]
    assert balance_page(yamada, secrets.of(0)[1]).status != 200
    assert balance_page(yamada, secrets.of(3)[1]).status == 200
    today = jst_date(clock.now())
    audit = committee.get(f"/api/admin/audit?date_from={today}&date_to={today}&action=card_sheet_reprinted")
    assert len(audit.json["items"]) == 2, audit
    # And once the sheet is made, a re-run prints nothing again
    clock.advance(seconds=61)
    assert (batch().json["skipped"], batch().json["printed_again"]) == ([1, 2, 3], [])


def test_a_counter_card_whose_sheet_failed_is_printed_again_for_the_same_resident(
    committee: Client, rt: Runtime, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a counter issue whose sheet fails to render after the card is written
    real = card_sheet.render

    def broken(*args: Any) -> bytes:
        raise AwsBusy()

    monkeypatch.setattr(card_sheet, "render", broken)
    assert issue(committee, pin="4071").status == 503
    monkeypatch.setattr(card_sheet, "render", real)
    # When the clerk issues for the same resident later, Then the same card comes on a new sheet, not a refusal
    clock.advance(seconds=61)
    reply = issue(committee, pin="4071")
    assert reply.status == 200 and reply.json["printed_again"] == [1], reply
    assert issue(committee).code == "card_already_issued"  # its sheet was made this time


def test_a_card_is_a_wallet_blocked_at_once_reissued_with_its_balance_and_moved_to_the_app(
    committee: Client, rt: Runtime, secrets: Secrets
) -> None:
    # Given a card holding a counter purchase
    card = issue(committee, pin="4071").json["cards"][0]
    number, wallet_id = card["card_number"], card["wallet_id"]
    bought = charge(committee, wallet_id)
    assert bought.status == 200 and bought.json["card_number"] == number, bought
    pay, check = secrets.of(0)
    by_qr = {
        "programme_id": "P1",
        "units": 1,
        "qr": cards.pay_text(number, pay),
        "idempotency_key": "card-by-qr-0000001",
    }
    assert committee.post("/api/admin/charges", by_qr).json["wallet_id"] == wallet_id  # the card's QR at the counter
    by_number = {
        **by_qr,
        "qr": None,
        "card_number": cards.display_number(number),
        "idempotency_key": "card-by-no-0000001",
    }
    assert committee.post("/api/admin/charges", by_number).json["balance_after"] == 39_000
    # Then the console lists it among the app users, and its balance page answers without sign-in
    listed = committee.get(f"/api/admin/app-users?card_number={number}").json["items"]
    assert listed[0]["card_number"] == number and listed[0]["balance"] == 39_000
    page = balance_page(number, check)
    assert page.status == 200, page
    assert page.json["balance"] == 39_000 and page.json["recent"][0]["txn_type_label"] == "店頭チャージ"
    assert page.json["committee_name"] and len(page.json["lines"]) == 2 and len(page.json["recent"]) == 3
    # And the payment secret on the balance page, or a wrong secret, is refused by name
    assert balance_page(number, pay).code == "card_payment_qr"
    assert balance_page(number, check[:-2] + "xx").code == "card_unknown"
    assert balance_page(cards.pay_text(number, pay), pay).code == "card_payment_qr"

    # When the card is reported lost, Then it is blocked at once: no purchase, and the list says so
    blocked = committee.post(f"/api/admin/cards/{number}/block")
    assert blocked.status == 200 and blocked.json["status"] == "blocked", blocked
    assert charge(committee, wallet_id).code == "card_blocked"
    assert committee.post(f"/api/admin/app-users/{wallet_id}/resume").status == 409

    # When it is reissued, Then the new number holds the balance and the old one is refused everywhere
    new = committee.post(f"/api/admin/cards/{number}/reissue", {"pin": "5820"})
    assert new.status == 200, new
    renewed = new.json["cards"][0]
    assert renewed["card_number"] != number and renewed["balance"] == 39_000
    assert committee.get(f"/api/admin/cards/{renewed['card_number']}").json["balance"] == 39_000
    assert committee.get(f"/api/admin/cards/{number}").json["balance"] == 0
    # And the lapse job finds the value on the new card: its holder entry carries the units bought
    holder = rt.db.get(keys.programme_holder("P1", renewed["wallet_id"]))
    assert holder and holder["units"] == 3
    assert charge(committee, wallet_id).code == "card_replaced"
    assert committee.post(f"/api/admin/cards/{number}/reissue", {}).code == "card_replaced"
    assert balance_page(number, check).json["status"] == "replaced"
    audit = committee.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29&action=card_reissued")
    assert [a["target_id"] for a in audit.json["items"]] == [number], audit

    # When the resident gets a smartphone, Then the new card's balance moves to the app and the card stops
    citizen = wallet_login("taro@example.jp")
    app_id = citizen.get("/api/auth/me").json["user_id"]
    moved = committee.post(f"/api/admin/cards/{renewed['card_number']}/link", {"wallet_id": app_id})
    assert moved.status == 200 and moved.json["status"] == "moved", moved
    assert citizen.get("/api/wallet/home").json["balance"] == 39_000
    assert charge(committee, renewed["wallet_id"]).code == "card_moved"
    # And a card is no target of a move
    assert committee.post(f"/api/admin/cards/{number}/link", {"wallet_id": app_id}).code == "card_replaced"


def test_the_balance_page_is_rate_limited_per_card(committee: Client, secrets: Secrets) -> None:
    card = issue(committee, pin="4071").json["cards"][0]
    _, check = secrets.of(0)
    for n in range(30):
        assert balance_page(card["card_number"], check, source_ip=f"203.0.113.{n}").status == 200
    limited = balance_page(card["card_number"], check, source_ip="203.0.113.200")
    assert limited.status == 429 and "残高確認" in limited.json["error"]["message"]


def test_cards_are_committee_business_only(committee: Client, city: City) -> None:
    number = issue(committee, pin="4071").json["cards"][0]["card_number"]
    other = console_login("oth-0001")
    assert other.get(f"/api/admin/cards/{number}").status == 404
    assert other.post(f"/api/admin/cards/{number}/block").status == 404
    staff = console_login("ena-0003")
    assert staff.post(f"/api/admin/cards/{number}/block").status == 403
