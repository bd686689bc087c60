"""The card number, the two QR texts and the PIN rule (shoken.cards), as pure functions."""

from __future__ import annotations

import pytest

from shoken import cards


def test_a_card_number_is_the_prefix_the_wallet_and_a_luhn_digit() -> None:
    number = cards.number_for("123456789012")
    assert len(number) == 16 and number.startswith("981123456789012")
    assert cards.luhn_valid(number) and cards.wallet_of(number) == "123456789012"
    assert cards.luhn_valid("4111111111111111")  # the textbook Luhn number
    # Every single-digit slip is caught by the check digit.
    for at in range(16):
        for digit in "0123456789":
            typo = number[:at] + digit + number[at + 1 :]
            assert typo == number or not cards.luhn_valid(typo)
    with pytest.raises(cards.CardUnknown):
        cards.wallet_of(number[:-1] + str((int(number[-1]) + 1) % 10))
    assert cards.wallet_of(cards.display_number(number)) == "123456789012"  # as printed, in groups of four


def test_the_payment_qr_and_the_balance_qr_are_told_apart() -> None:
    number, secret = cards.number_for("123456789012"), "A" * 22
    assert cards.parse_pay(cards.pay_text(number, secret)).number == number
    balance = cards.balance_url("https://ena.example/", number, secret)
    assert balance == f"https://ena.example/wallet/card.html#{number}.{secret}"
    assert cards.is_card_text(balance) and cards.is_card_text(cards.pay_text(number, secret))
    assert not cards.is_card_text("123456789012." + secret)  # a phone's token
    with pytest.raises(cards.CardBalanceQrAtStore):
        cards.parse_pay(balance)
    with pytest.raises(cards.CardPaymentQrOnBalance):
        cards.parse_balance(cards.pay_text(number, secret), secret)
    with pytest.raises(cards.CardUnknown):
        cards.parse_pay(cards.pay_text(number[:-1] + "0" if number[-1] != "0" else number[:-1] + "1", secret))


@pytest.mark.parametrize("pin", ["0000", "7777", "1234", "6789", "9876", "3210", "12a4", "123", "12345", "１２３４"])
def test_easy_or_malformed_pins_are_refused(pin: str) -> None:
    with pytest.raises(cards.WeakPin):
        cards.check_pin_rule(pin)


def test_generated_pins_follow_the_rule() -> None:
    for _ in range(200):
        cards.check_pin_rule(cards.new_pin())
