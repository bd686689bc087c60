"""Request and response models of the payments function's routes.

Light models (shoken.strict), not pydantic: the payment function imports no pydantic at all, a third
of its cold import (issue 19). They keep pydantic's strict rules and error entries, and the OpenAPI
document describes them through the pydantic model each builds from the same declaration.
"""

from __future__ import annotations

from typing import Literal

from shoken import strict
from shoken.payment import MAX_AMOUNT, PaymentResult

IDEMPOTENCY_KEY = r"^[A-Za-z0-9_-]{16,64}$"


class PayRequest(strict.Model):
    token: str = strict.field(min_length=1, max_length=200)
    amount: int = strict.field(ge=1, le=MAX_AMOUNT)
    idempotency_key: str = strict.field(pattern=IDEMPOTENCY_KEY)
    # the card's PIN, typed by the cardholder on the till (a card payment needs it every time)
    pin: str | None = strict.field(default=None, pattern=r"^[0-9]{4}$")


class Receipt(strict.Model):
    """What the merchant app shows after a payment: never the citizen's balance (SPEC §4.3)."""

    number: str
    amount: int
    store_id: str
    store_name: str
    terminal_id: str
    occurred_at: str
    method: str

    @classmethod
    def of(cls, result: PaymentResult) -> Receipt:
        return cls(**{name: getattr(result, name) for name in cls.model_fields})


class CardReceipt(Receipt):
    """A card payment's receipt (issue 16.7): with the card's remaining ご利用可能金額, for
    the shop to show the cardholder, who has no phone to see it on. A phone's receipt never has it."""

    card_balance: int

    @classmethod
    def of_card(cls, result: PaymentResult) -> CardReceipt:
        return cls(**Receipt.of(result).model_dump(), card_balance=result.balance_after)


class CancelResult(strict.Model):
    number: str
    cancel_number: str
    status: str
    status_label: str
    amount: int
    credited: int
    lapsed: int
    message: str


class MpmCreate(strict.Model):
    amount: int = strict.field(ge=1, le=MAX_AMOUNT)


class MpmCreated(strict.Model):
    request_id: str
    qr_text: str
    image: str
    amount: int
    valid_until: int


class MpmState(strict.Model):
    state: Literal["open", "paid", "expired"]
    amount: int
    valid_until: int
    payment: Receipt | None = None
