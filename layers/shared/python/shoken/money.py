"""The money rules of SPEC §6 as pure functions: buckets, spend order, purchases, grants and lapses.

Yen are ints. A citizen's value is held in buckets, one per (source transaction, voucher type,
value kind); each knows its programme, when it may be used and when it lapses. Nothing here does I/O,
so the rules are tested exhaustively (tests/unit/test_money.py) and reused by every function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from shoken.errors import InsufficientBalance


class VoucherType(StrEnum):
    COMMON = "common"  # 共通券: any participating store
    DEDICATED = "dedicated"  # 専用券: only stores that are not large stores

    @property
    def label(self) -> str:
        return {"common": "共通券", "dedicated": "専用券"}[self.value]


class ValueKind(StrEnum):
    PREPAID = "prepaid"  # 前払バリュー: what the citizen paid for
    BONUS = "bonus"  # ボーナスバリュー: the premium on top
    GRANT = "grant"  # キャンペーン付与: value given by a campaign or bulk grant

    @property
    def label(self) -> str:
        return {"prepaid": "前払バリュー", "bonus": "ボーナスバリュー", "grant": "キャンペーン付与"}[self.value]


_TYPE_ORDER = {VoucherType.DEDICATED: 0, VoucherType.COMMON: 1}
_KIND_ORDER = {ValueKind.PREPAID: 0, ValueKind.BONUS: 1, ValueKind.GRANT: 2}


@dataclass(frozen=True)
class Bucket:
    bucket_id: str
    programme_id: str
    voucher_type: VoucherType
    kind: ValueKind
    usable_from: str  # JST date, first day the value may be spent
    expires_on: str  # JST date, last day the value may be spent
    balance: int
    initial: int
    created_at: str

    def to_item(self) -> dict[str, Any]:
        return {
            "programme_id": self.programme_id,
            "voucher_type": self.voucher_type.value,
            "kind": self.kind.value,
            "usable_from": self.usable_from,
            "expires_on": self.expires_on,
            "balance": self.balance,
            "initial": self.initial,
            "created_at": self.created_at,
        }

    @classmethod
    def from_item(cls, bucket_id: str, raw: Mapping[str, Any]) -> Bucket:
        """A bucket as the wallet item stores it (strings already str; numbers Decimal until int()).
        Positional: this runs for every bucket of every wallet a payment reads."""
        return cls(
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

    def usable(self, today: str, *, large_store: bool) -> bool:
        if self.balance <= 0 or not (self.usable_from <= today <= self.expires_on):
            return False
        return not (large_store and self.voucher_type is VoucherType.DEDICATED)


def buckets_of(wallet_item: Mapping[str, Any]) -> list[Bucket]:
    return [Bucket.from_item(bid, raw) for bid, raw in (wallet_item.get("buckets") or {}).items()]


def spend_order(buckets: Iterable[Bucket]) -> list[Bucket]:
    """専用券 before 共通券; within a type the soonest expiry first; then the oldest value first."""
    return sorted(
        buckets,
        key=lambda b: (_TYPE_ORDER[b.voucher_type], b.expires_on, b.created_at, _KIND_ORDER[b.kind], b.bucket_id),
    )


def available(buckets: Iterable[Bucket], *, today: str, large_store: bool) -> int:
    return sum(b.balance for b in buckets if b.usable(today, large_store=large_store))


def split_payment(buckets: Iterable[Bucket], amount: int, *, today: str, large_store: bool) -> dict[str, int]:
    """Which bucket pays how much of `amount`, in spend order. Raises InsufficientBalance."""
    if amount <= 0:
        raise ValueError("amount must be positive")
    taken: dict[str, int] = {}
    remaining = amount
    for bucket in spend_order(b for b in buckets if b.usable(today, large_store=large_store)):
        take = min(bucket.balance, remaining)
        taken[bucket.bucket_id] = take
        remaining -= take
        if remaining == 0:
            return taken
    raise InsufficientBalance()


def apply(buckets: Iterable[Bucket], deltas: Mapping[str, int]) -> list[Bucket]:
    """Buckets after adding `deltas` (negative to spend); refuses to make any balance negative."""
    out = []
    for bucket in buckets:
        delta = deltas.get(bucket.bucket_id, 0)
        if bucket.balance + delta < 0:
            raise InsufficientBalance()
        out.append(replace(bucket, balance=bucket.balance + delta) if delta else bucket)
    return out


@dataclass(frozen=True)
class Breakdown:
    """A transaction's value by kind and by voucher type, as the history columns show it."""

    prepaid: int = 0
    bonus: int = 0
    grant: int = 0
    common: int = 0
    dedicated: int = 0

    def to_item(self) -> dict[str, int]:
        return {
            "prepaid": self.prepaid,
            "bonus": self.bonus,
            "grant": self.grant,
            "common": self.common,
            "dedicated": self.dedicated,
        }


def bucket_info(buckets: Iterable[Bucket], amounts: Mapping[str, int]) -> dict[str, list[str]]:
    """Kind, voucher type and programme of each bucket a transaction moved, kept with the transaction
    so reports can split it by programme and a partial reversal can be broken down."""
    return {
        b.bucket_id: [b.kind.value, b.voucher_type.value, b.programme_id] for b in buckets if b.bucket_id in amounts
    }


def breakdown(buckets: Iterable[Bucket], amounts: Mapping[str, int]) -> Breakdown:
    by_id = {b.bucket_id: b for b in buckets}
    totals = {"prepaid": 0, "bonus": 0, "grant": 0, "common": 0, "dedicated": 0}
    for bucket_id, amount in amounts.items():
        bucket = by_id[bucket_id]
        totals[bucket.kind.value] += amount
        totals[bucket.voucher_type.value] += amount
    return Breakdown(**totals)


@dataclass(frozen=True)
class ProgrammeTerms:
    """What one unit of a programme costs and gives: pay `unit_price`, get `shares` summing to more."""

    programme_id: str
    unit_price: int
    shares: Mapping[VoucherType, int]
    usable_from: str
    expires_on: str

    @property
    def unit_value(self) -> int:
        return sum(self.shares.values())


def purchase_buckets(terms: ProgrammeTerms, units: int, *, source: str, created_at: str) -> list[Bucket]:
    """The buckets a purchase of `units` creates: per voucher type, a paid part and a premium part.

    The paid part of each type is its share of the price in proportion to its share of the value,
    rounded down, with the last type taking the remainder so the paid parts add up to the price.
    """
    if units <= 0:
        raise ValueError("units must be positive")
    price = terms.unit_price * units
    value = terms.unit_value * units
    ordered = sorted(terms.shares.items(), key=lambda kv: _TYPE_ORDER[kv[0]])
    buckets: list[Bucket] = []
    paid_so_far = 0
    for position, (voucher_type, share) in enumerate(ordered):
        type_value = share * units
        paid = price - paid_so_far if position == len(ordered) - 1 else type_value * price // value
        paid_so_far += paid
        for kind, amount in ((ValueKind.PREPAID, paid), (ValueKind.BONUS, type_value - paid)):
            if amount > 0:
                buckets.append(
                    Bucket(
                        bucket_id=f"{source}-{voucher_type.value[0]}{kind.value[0]}",
                        programme_id=terms.programme_id,
                        voucher_type=voucher_type,
                        kind=kind,
                        usable_from=terms.usable_from,
                        expires_on=terms.expires_on,
                        balance=amount,
                        initial=amount,
                        created_at=created_at,
                    )
                )
    return buckets


def grant_bucket(
    terms: ProgrammeTerms, amount: int, voucher_type: VoucherType, *, source: str, created_at: str
) -> Bucket:
    if amount <= 0:
        raise ValueError("amount must be positive")
    return Bucket(
        bucket_id=f"{source}-{voucher_type.value[0]}g",
        programme_id=terms.programme_id,
        voucher_type=voucher_type,
        kind=ValueKind.GRANT,
        usable_from=terms.usable_from,
        expires_on=terms.expires_on,
        balance=amount,
        initial=amount,
        created_at=created_at,
    )


def lapsing(buckets: Iterable[Bucket], *, today: str, programme_id: str | None = None) -> dict[str, int]:
    """What lapses today: every positive balance past its last day (of one programme, if given)."""
    return {
        b.bucket_id: b.balance
        for b in buckets
        if b.balance > 0 and b.expires_on < today and (programme_id is None or b.programme_id == programme_id)
    }


def summary(buckets: Iterable[Bucket], *, today: str) -> list[dict[str, Any]]:
    """ご利用可能金額 broken down by voucher type and expiry date, for the wallet's home screen."""
    groups: dict[tuple[str, str, str], int] = {}
    for b in buckets:
        if b.balance > 0 and b.expires_on >= today:
            key = (b.voucher_type.value, b.expires_on, b.programme_id)
            groups[key] = groups.get(key, 0) + b.balance
    return [
        {"voucher_type": t, "expires_on": e, "programme_id": p, "balance": amount}
        for (t, e, p), amount in sorted(groups.items(), key=lambda kv: (_TYPE_ORDER[VoucherType(kv[0][0])], kv[0][1]))
    ]
