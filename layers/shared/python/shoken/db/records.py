"""Typed records of the main entities, as the data layer hands them out (issue 21.4).

Each is decoded once from the item as read (the one deserialised dict, whose strings and ints are
already typed by db/dynamo.deserialize, so optional fields are taken as they are), so a caller reads
`wallet.status` or `wallet.buckets`, never `item["status"]` with a cast, and a wallet's buckets are
built once per read rather than at each use. They are plain classes with `__slots__` whose `__init__`
decodes the item: a dataclass or a pydantic model would add to the payments function's cold import and
to each payment's CPU (issue 19), for nothing a payment uses.

`item` keeps the item as read, for a console view that shows every field and for the writers that
copy it (a wallet's list entry, a reissued card's new item): the fields the code decides on are the
typed ones.

A wallet and a card are also read by every payment (Found.record), which decodes only what a payment
decides on. The fields only the console, the sign-in and the jobs read (a wallet's address, a card's
issue date) are properties over `item`: a payment pays nothing for them, and each is one dict read.
"""

from __future__ import annotations

from typing import TypeVar

from shoken.db.dynamo import Item
from shoken.money import Bucket
from shoken.status import Status


class Session:
    """A server-side session record (db/sessions.py): live until its absolute lifetime ends."""

    __slots__ = ("expires_at_epoch", "item")

    def __init__(self, item: Item) -> None:
        # Only its lifetime is read on a request: who it belongs to travels in the signed cookie.
        self.expires_at_epoch = int(item["expires_at_epoch"])
        self.item = item

    def live(self, now_epoch: int) -> bool:
        # TTL deletion is lazy (up to days late), so the absolute lifetime is checked here as well.
        return self.expires_at_epoch > now_epoch


class Store:
    """A store (店舗); a large store (大型店) takes no 専用券."""

    __slots__ = (
        "area",
        "committee_id",
        "company_id",
        "company_name",
        "external_store_id",
        "item",
        "large",
        "name",
        "phone",
        "status",
        "store_id",
    )

    def __init__(self, item: Item) -> None:
        self.store_id: str = item["store_id"]
        self.committee_id: str = item["committee_id"]
        self.company_id: str = item["company_id"]
        self.name: str = item["name"]
        self.large = bool(item.get("large"))
        self.status = Status(item["status"])
        self.company_name: str | None = item.get("company_name")
        self.external_store_id: str | None = item.get("external_store_id")
        self.area: str | None = item.get("area")
        self.phone: str | None = item.get("phone")
        self.item = item

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE


class Terminal:
    """A terminal (端末): a merchant-app device slot of a store, bound to one device at a time."""

    __slots__ = (
        "binding_id",
        "device_name",
        "external_terminal_id",
        "failed_setups",
        "item",
        "password",
        "status",
        "store_id",
        "terminal_id",
    )

    def __init__(self, item: Item) -> None:
        self.terminal_id: str = item["terminal_id"]
        self.store_id: str = item["store_id"]
        self.status = Status(item["status"])
        self.binding_id: str | None = item.get("binding_id")
        self.external_terminal_id: str | None = item.get("external_terminal_id")
        self.password: str = item["password"]
        self.failed_setups = int(item.get("failed_setups") or 0)
        self.device_name: str | None = item.get("device_name")
        self.item = item

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE


class Wallet:
    """A citizen's wallet (an app's or a card's) with every bucket of its value."""

    __slots__ = ("buckets", "committee_id", "external_user_id", "item", "status", "wallet_id")

    def __init__(self, item: Item) -> None:
        self.wallet_id: str = item["wallet_id"]
        self.committee_id: str = item["committee_id"]
        self.status = Status(item["status"])
        self.buckets = [Bucket.from_item(bid, raw) for bid, raw in (item.get("buckets") or {}).items()]
        self.external_user_id: str | None = item.get("external_user_id")
        self.item = item

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE

    # Not read by a payment: taken from the item when asked (see the module's note).
    @property
    def email(self) -> str | None:
        """The sign-in address ("" for a card's wallet, absent once erased)."""
        email: str | None = self.item.get("email")
        return email

    @property
    def card_number(self) -> str | None:
        """The card of a card wallet (None for an app wallet)."""
        number: str | None = self.item.get("card_number")
        return number

    @property
    def service_id(self) -> str:
        service_id: str = self.item.get("service_id") or ""
        return service_id

    @property
    def created_at(self) -> str:
        created_at: str = self.item["created_at"]
        return created_at

    @property
    def updated_at(self) -> str:
        updated_at: str = self.item["updated_at"]
        return updated_at


class Card:
    """A card (カード型, SPEC §10): what only a card has; its value is in its wallet."""

    __slots__ = (
        "balance_digest",
        "card_number",
        "committee_id",
        "item",
        "moved_to",
        "pay_digest",
        "pin_failures",
        "pin_hash",
        "spent_day",
        "spent_today",
        "status",
        "wallet_id",
    )

    def __init__(self, item: Item) -> None:
        self.card_number: str = item["card_number"]
        self.wallet_id: str = item["wallet_id"]
        self.committee_id: str = item["committee_id"]
        self.status = Status(item["status"])
        self.pin_hash: str = item.get("pin_hash") or ""
        self.pin_failures = int(item.get("pin_failures") or 0)
        self.pay_digest: str = item.get("pay_digest") or ""
        self.balance_digest: str = item.get("balance_digest") or ""
        self.spent_day: str | None = item.get("spent_day")
        self.spent_today = int(item.get("spent_today") or 0)
        self.moved_to: str | None = item.get("moved_to")
        self.item = item

    def spent_on(self, day: str) -> int:
        """What the card spent on JST `day` (0 if its counter is of another day)."""
        return self.spent_today if self.spent_day == day else 0

    # Not read by a payment: taken from the item when asked (see the module's note).
    @property
    def issued_at(self) -> str:
        issued_at: str = self.item["issued_at"]
        return issued_at

    @property
    def updated_at(self) -> str | None:
        updated_at: str | None = self.item.get("updated_at")
        return updated_at

    @property
    def last_paid_at(self) -> str | None:
        last_paid_at: str | None = self.item.get("last_paid_at")
        return last_paid_at

    @property
    def replaces(self) -> str | None:
        """The card this one was reissued for."""
        replaces: str | None = self.item.get("replaces")
        return replaces

    @property
    def programme_id(self) -> str | None:
        """The programme whose resident list the card was issued from (with `resident_hash`)."""
        programme_id: str | None = self.item.get("programme_id")
        return programme_id

    @property
    def resident_hash(self) -> str | None:
        """The resident it was issued to; removed by the retention run (privacy.CARD_LINK_FIELDS)."""
        resident_hash: str | None = self.item.get("resident_hash")
        return resident_hash


class Transaction:
    """A transaction item (取引): a payment, a charge, a grant, a lapse or a cancel of one."""

    __slots__ = (
        "amount",
        "bucket_expiry",
        "bucket_info",
        "buckets",
        "committee_id",
        "item",
        "number",
        "occurred_at",
        "status",
        "txn_type",
        "wallet_id",
    )

    def __init__(self, item: Item) -> None:
        self.number: str = item["number"]
        self.txn_type: str = item["txn_type"]
        self.status: str = item["status"]
        self.amount = int(item["amount"])
        self.occurred_at: str = item["occurred_at"]
        self.buckets: dict[str, int] = dict(item.get("buckets") or {})
        self.bucket_info: dict[str, list[str]] = dict(item.get("bucket_info") or {})
        self.wallet_id: str | None = item.get("wallet_id")
        self.bucket_expiry: dict[str, str] | None = item.get("bucket_expiry")
        self.committee_id: str = item["committee_id"]
        self.item = item


R = TypeVar("R", Session, Store, Terminal, Wallet, Card, Transaction)


def optional(kind: type[R], item: Item | None) -> R | None:
    """The record of `item`, or None for an item not found (a reader's GetItem)."""
    return None if item is None else kind(item)
