"""What a clerk really types into the console: a 取引番号 read out on the phone or copied from a PDF."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.integration.conftest import Shop, console_login
from tests.integration.test_payments import pay

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("typed", ["full-width", "grouped"])
def test_a_transaction_number_typed_as_people_type_it_is_found_or_explained(shop: Shop, typed: str) -> None:
    number = pay(shop.till, shop.token(), 500).json["number"]
    text = number.translate(FULL_WIDTH) if typed == "full-width" else " ".join(number[i : i + 6] for i in (0, 6, 12))
    reply = console_login("ena-0001").get(f"/api/history?number={quote(text)}")
    # Found, or refused with a message that says how to type it; never "no such transaction"
    if reply.status == 200:
        assert [r["number"] for r in reply.json["items"]] == [number], reply
    else:
        assert reply.status == 400 and "半角" in reply.json["error"]["message"], reply
