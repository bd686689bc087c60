"""Typed records of the main entities, as the data layer hands them out (issue 21.4).

Each is decoded once from the item as read (the one deserialised dict), so a caller reads
`wallet.status` or `wallet.buckets`, never `item["status"]` with a cast, and a wallet's buckets are
built once per read rather than at each use. They are plain classes with `__slots__` and an explicit
`from_item`: a dataclass or a pydantic model would add to the payments function's cold import and to
each payment's CPU (issue 19), for nothing a payment uses.

`item` keeps the item as read, for a console view that shows every field and for the writers that
copy it (a wallet's list entry, a reissued card's new item): the fields the code decides on are the
typed ones.
"""

from __future__ import annotations

from typing import Any, TypeVar

from shoken.db.dynamo import Item
from shoken.money import Bucket, ValueKind, VoucherType
from shoken.status import Status


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


class Session:
    """A server-side session record (db/sessions.py): live until its absolute lifetime ends."""

    __slots__ = ("app", "expires_at_epoch", "item", "role")

    def __init__(self, *, role: str, app: str, expires_at_epoch: int, item: Item) -> None:
        self.role = role
        self.app = app
        self.expires_at_epoch = expires_at_epoch
        self.item = item

    @classmethod
    def from_item(cls, item: Item) -> Session:
        return cls(
            role=str(item.get("role", "")),
            app=str(item.get("app", "")),
            expires_at_epoch=int(item["expires_at_epoch"]),
            item=item,
        )

    def live(self, now_epoch: int) -> bool:
        # TTL deletion is lazy (up to days late), so the absolute lifetime is checked here as well.
        return self.expires_at_epoch > now_epoch


class Store:
    """A store (店舗); a large store (大型店) takes no 専用券."""

    __slots__ = (
        "committee_id",
        "company_id",
        "company_name",
        "external_store_id",
        "item",
        "large",
        "name",
        "status",
        "store_id",
    )

    def __init__(
        self,
        *,
        store_id: str,
        committee_id: str,
        company_id: str,
        name: str,
        large: bool,
        status: Status,
        item: Item,
        company_name: str | None = None,
        external_store_id: str | None = None,
    ) -> None:
        self.store_id = store_id
        self.committee_id = committee_id
        self.company_id = company_id
        self.name = name
        self.large = large
        self.status = status
        self.company_name = company_name
        self.external_store_id = external_store_id
        self.item = item

    @classmethod
    def from_item(cls, item: Item) -> Store:
        return cls(
            store_id=str(item["store_id"]),
            committee_id=str(item["committee_id"]),
            company_id=str(item["company_id"]),
            name=str(item["name"]),
            large=bool(item.get("large")),
            status=Status(item["status"]),
            company_name=_optional(item.get("company_name")),
            external_store_id=_optional(item.get("external_store_id")),
            item=item,
        )

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE


class Terminal:
    """A terminal (端末): a merchant-app device slot of a store, bound to one device at a time."""

    __slots__ = (
        "binding_id",
        "committee_id",
        "company_id",
        "external_terminal_id",
        "item",
        "status",
        "store_id",
        "terminal_id",
    )

    def __init__(
        self,
        *,
        terminal_id: str,
        committee_id: str,
        company_id: str,
        store_id: str,
        status: Status,
        item: Item,
        binding_id: str | None = None,
        external_terminal_id: str | None = None,
    ) -> None:
        self.terminal_id = terminal_id
        self.committee_id = committee_id
        self.company_id = company_id
        self.store_id = store_id
        self.status = status
        self.binding_id = binding_id
        self.external_terminal_id = external_terminal_id
        self.item = item

    @classmethod
    def from_item(cls, item: Item) -> Terminal:
        return cls(
            terminal_id=str(item["terminal_id"]),
            committee_id=str(item["committee_id"]),
            company_id=str(item["company_id"]),
            store_id=str(item["store_id"]),
            status=Status(item["status"]),
            binding_id=_optional(item.get("binding_id")),
            external_terminal_id=_optional(item.get("external_terminal_id")),
            item=item,
        )

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE


def _bucket(bucket_id: str, raw: Item) -> Bucket:
    # Bucket.from_item's work, without its str()/int() of values the deserialiser already typed.
    return Bucket(
        bucket_id,
        raw["programme_id"],
        VoucherType(raw["voucher_type"]),
        ValueKind(raw["kind"]),
        raw["usable_from"],
        raw["expires_on"],
        int(raw["balance"]),
        int(raw["initial"]),
        raw["created_at"],
    )


class Wallet:
    """A citizen's wallet (an app's or a card's) with every bucket of its value."""

    __slots__ = ("buckets", "card_number", "committee_id", "external_user_id", "item", "status", "wallet_id")

    def __init__(
        self,
        *,
        wallet_id: str,
        committee_id: str,
        status: Status,
        buckets: list[Bucket],
        item: Item,
        external_user_id: str | None = None,
        card_number: str | None = None,
    ) -> None:
        self.wallet_id = wallet_id
        self.committee_id = committee_id
        self.status = status
        self.buckets = buckets
        self.external_user_id = external_user_id
        self.card_number = card_number
        self.item = item

    @classmethod
    def from_item(cls, item: Item) -> Wallet:
        return cls(
            wallet_id=str(item["wallet_id"]),
            committee_id=str(item["committee_id"]),
            status=Status(item["status"]),
            buckets=[_bucket(bid, raw) for bid, raw in (item.get("buckets") or {}).items()],
            external_user_id=_optional(item.get("external_user_id")),
            card_number=_optional(item.get("card_number")),
            item=item,
        )

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE


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

    def __init__(
        self,
        *,
        card_number: str,
        wallet_id: str,
        committee_id: str,
        status: Status,
        pin_hash: str,
        pin_failures: int,
        pay_digest: str,
        balance_digest: str,
        item: Item,
        spent_day: str | None = None,
        spent_today: int = 0,
        moved_to: str | None = None,
    ) -> None:
        self.card_number = card_number
        self.wallet_id = wallet_id
        self.committee_id = committee_id
        self.status = status
        self.pin_hash = pin_hash
        self.pin_failures = pin_failures
        self.pay_digest = pay_digest
        self.balance_digest = balance_digest
        self.spent_day = spent_day
        self.spent_today = spent_today
        self.moved_to = moved_to
        self.item = item

    @classmethod
    def from_item(cls, item: Item) -> Card:
        return cls(
            card_number=str(item["card_number"]),
            wallet_id=str(item["wallet_id"]),
            committee_id=str(item["committee_id"]),
            status=Status(item["status"]),
            pin_hash=str(item.get("pin_hash") or ""),
            pin_failures=int(item.get("pin_failures") or 0),
            pay_digest=str(item.get("pay_digest") or ""),
            balance_digest=str(item.get("balance_digest") or ""),
            spent_day=_optional(item.get("spent_day")),
            spent_today=int(item.get("spent_today") or 0),
            moved_to=_optional(item.get("moved_to")),
            item=item,
        )

    def spent_on(self, day: str) -> int:
        """What the card spent on JST `day` (0 if its counter is of another day)."""
        return self.spent_today if self.spent_day == day else 0


class Transaction:
    """A transaction item (取引): a payment, a charge, a grant, a lapse or a cancel of one."""

    __slots__ = (
        "amount",
        "bucket_expiry",
        "bucket_info",
        "buckets",
        "item",
        "number",
        "occurred_at",
        "status",
        "txn_type",
        "wallet_id",
    )

    def __init__(
        self,
        *,
        number: str,
        txn_type: str,
        status: str,
        amount: int,
        occurred_at: str,
        buckets: dict[str, int],
        bucket_info: dict[str, list[str]],
        item: Item,
        wallet_id: str | None = None,
        bucket_expiry: dict[str, str] | None = None,
    ) -> None:
        self.number = number
        self.txn_type = txn_type
        self.status = status
        self.amount = amount
        self.occurred_at = occurred_at
        self.buckets = buckets
        self.bucket_info = bucket_info
        self.wallet_id = wallet_id
        self.bucket_expiry = bucket_expiry
        self.item = item

    @classmethod
    def from_item(cls, item: Item) -> Transaction:
        expiry = item.get("bucket_expiry")
        return cls(
            number=str(item["number"]),
            txn_type=str(item["txn_type"]),
            status=str(item["status"]),
            amount=int(item["amount"]),
            occurred_at=str(item["occurred_at"]),
            buckets={str(k): int(v) for k, v in (item.get("buckets") or {}).items()},
            bucket_info={str(k): list(v) for k, v in (item.get("bucket_info") or {}).items()},
            wallet_id=_optional(item.get("wallet_id")),
            bucket_expiry=None if expiry is None else {str(k): str(v) for k, v in expiry.items()},
            item=item,
        )


Record = Session | Store | Terminal | Wallet | Card | Transaction
R = TypeVar("R", Session, Store, Terminal, Wallet, Card, Transaction)


def optional(kind: type[R], item: Item | None) -> R | None:
    """`kind.from_item(item)`, or None for an item not found (a reader's GetItem)."""
    return None if item is None else kind.from_item(item)
