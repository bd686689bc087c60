"""Request and response models of the payments function's routes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shoken.payment import MAX_AMOUNT, PaymentResult
from shoken.validation import BodyInt

IDEMPOTENCY_KEY = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")
# Models off the payment's own path are built on their first use, not at every cold start (issue 19).
OFF_PAYMENT_PATH = ConfigDict(defer_build=True)


class PayRequest(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    amount: BodyInt = Field(ge=1, le=MAX_AMOUNT)
    idempotency_key: str = IDEMPOTENCY_KEY
    # the card's PIN, typed by the cardholder on the till (a card payment needs it every time)
    pin: str | None = Field(default=None, pattern=r"^[0-9]{4}$")


class Receipt(BaseModel):
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
        return cls(**result.model_dump(include=set(cls.model_fields)))


class CardReceipt(Receipt):
    """A card payment's receipt (issue 16.7): with the card's remaining ご利用可能金額, for
    the shop to show the cardholder, who has no phone to see it on. A phone's receipt never has it."""

    card_balance: int

    @classmethod
    def of_card(cls, result: PaymentResult) -> CardReceipt:
        return cls(**Receipt.of(result).model_dump(), card_balance=result.balance_after)


class CancelResult(BaseModel):
    model_config = OFF_PAYMENT_PATH

    number: str
    cancel_number: str
    status: str
    status_label: str
    amount: int
    credited: int
    lapsed: int
    message: str


class MpmCreate(BaseModel):
    model_config = OFF_PAYMENT_PATH

    amount: BodyInt = Field(ge=1, le=MAX_AMOUNT)


class MpmCreated(BaseModel):
    model_config = OFF_PAYMENT_PATH

    request_id: str
    qr_text: str
    image: str
    amount: int
    valid_until: int


class MpmState(BaseModel):
    model_config = OFF_PAYMENT_PATH

    state: Literal["open", "paid", "expired"]
    amount: int
    valid_until: int
    payment: Receipt | None = None
