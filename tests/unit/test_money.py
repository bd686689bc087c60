"""The money rules (SPEC §6) as properties: spend order, never negative, value conserved."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shoken import money
from shoken.money import Bucket, ProgrammeTerms, ValueKind, VoucherType

TODAY = "2026-11-29"


def bucket(
    bid: str,
    kind: ValueKind,
    vtype: VoucherType,
    balance: int,
    expires: str = "2027-03-31",
    created: str = "2026-10-01",
) -> Bucket:
    return Bucket(bid, "P1", vtype, kind, "2026-08-01", expires, balance, balance, created)


buckets_strategy = st.lists(
    st.builds(
        bucket,
        bid=st.uuids().map(str),
        kind=st.sampled_from(list(ValueKind)),
        vtype=st.sampled_from(list(VoucherType)),
        balance=st.integers(min_value=0, max_value=50_000),
        expires=st.sampled_from(["2026-11-28", "2026-11-29", "2026-12-31", "2027-03-31"]),
        created=st.sampled_from(["2026-09-01", "2026-10-01", "2026-11-01"]),
    ),
    max_size=12,
    unique_by=lambda b: b.bucket_id,
)


def test_dedicated_first_then_common_and_soonest_expiry_first() -> None:
    wallet = [
        bucket("c-late", ValueKind.PREPAID, VoucherType.COMMON, 1000, "2027-03-31"),
        bucket("c-soon", ValueKind.PREPAID, VoucherType.COMMON, 1000, "2026-12-31"),
        bucket("d-late", ValueKind.BONUS, VoucherType.DEDICATED, 500, "2027-03-31"),
        bucket("d-soon", ValueKind.PREPAID, VoucherType.DEDICATED, 500, "2026-12-31"),
    ]
    taken = money.split_payment(wallet, 2200, today=TODAY, large_store=False)
    assert list(taken.items()) == [("d-soon", 500), ("d-late", 500), ("c-soon", 1000), ("c-late", 200)]


def test_large_stores_take_only_common_vouchers() -> None:
    wallet = [
        bucket("d", ValueKind.PREPAID, VoucherType.DEDICATED, 5000),
        bucket("c", ValueKind.PREPAID, VoucherType.COMMON, 1000),
    ]
    assert money.available(wallet, today=TODAY, large_store=True) == 1000
    assert money.split_payment(wallet, 1000, today=TODAY, large_store=True) == {"c": 1000}
    try:
        money.split_payment(wallet, 1001, today=TODAY, large_store=True)
        raise AssertionError("should refuse")
    except money.InsufficientBalance:
        pass


def test_expired_and_not_yet_usable_value_never_spends() -> None:
    expired = bucket("old", ValueKind.PREPAID, VoucherType.COMMON, 1000, expires="2026-11-28")
    future = Bucket(
        "new", "P1", VoucherType.COMMON, ValueKind.PREPAID, "2026-12-01", "2027-05-31", 1000, 1000, "2026-11-01"
    )
    assert money.available([expired, future], today=TODAY, large_store=False) == 0
    assert money.lapsing([expired, future], today=TODAY) == {"old": 1000}


def test_purchase_splits_price_and_premium_exactly() -> None:
    terms = ProgrammeTerms(
        "P1", 10_000, {VoucherType.COMMON: 6_500, VoucherType.DEDICATED: 6_500}, "2026-08-01", "2027-01-31"
    )
    made = money.purchase_buckets(terms, 3, source="T1", created_at="2026-11-29T00:00:00.000000Z")
    assert sum(b.balance for b in made) == 39_000
    assert sum(b.balance for b in made if b.kind is ValueKind.PREPAID) == 30_000
    assert sum(b.balance for b in made if b.voucher_type is VoucherType.DEDICATED) == 19_500


@given(
    price=st.integers(min_value=1, max_value=100_000),
    common=st.integers(min_value=0, max_value=100_000),
    dedicated=st.integers(min_value=0, max_value=100_000),
    units=st.integers(min_value=1, max_value=20),
)
def test_purchase_conserves_price_and_value_for_any_terms(price: int, common: int, dedicated: int, units: int) -> None:
    shares = {t: v for t, v in ((VoucherType.COMMON, common), (VoucherType.DEDICATED, dedicated)) if v}
    if not shares or sum(shares.values()) < price:
        return
    terms = ProgrammeTerms("P", price, shares, "2026-01-01", "2026-12-31")
    made = money.purchase_buckets(terms, units, source="S", created_at="x")
    assert sum(b.balance for b in made) == sum(shares.values()) * units
    assert sum(b.balance for b in made if b.kind is ValueKind.PREPAID) == price * units
    assert all(b.balance > 0 for b in made)


@settings(max_examples=300)
@given(wallet=buckets_strategy, amount=st.integers(min_value=1, max_value=200_000), large=st.booleans())
def test_a_payment_takes_exactly_the_amount_or_nothing(wallet: list[Bucket], amount: int, large: bool) -> None:
    spendable = money.available(wallet, today=TODAY, large_store=large)
    try:
        taken = money.split_payment(wallet, amount, today=TODAY, large_store=large)
    except money.InsufficientBalance:
        assert amount > spendable
        return
    assert sum(taken.values()) == amount <= spendable
    by_id = {b.bucket_id: b for b in wallet}
    for bucket_id, take in taken.items():
        assert 0 < take <= by_id[bucket_id].balance
        assert by_id[bucket_id].usable(TODAY, large_store=large)
    after = money.apply(wallet, {k: -v for k, v in taken.items()})
    assert all(b.balance >= 0 for b in after)
    # A cancel puts back exactly what the payment took, bucket by bucket.
    restored = money.apply(after, taken)
    assert [b.balance for b in restored] == [b.balance for b in wallet]
    # Value is conserved: what left the wallet is what the payment recorded.
    assert sum(b.balance for b in wallet) - sum(b.balance for b in after) == amount
    split = money.breakdown(wallet, taken)
    assert split.prepaid + split.bonus + split.grant == amount == split.common + split.dedicated


@settings(max_examples=200)
@given(wallet=buckets_strategy, amounts=st.lists(st.integers(min_value=1, max_value=30_000), max_size=8))
def test_repeated_payments_never_overspend(wallet: list[Bucket], amounts: list[int]) -> None:
    spent = 0
    for amount in amounts:
        try:
            taken = money.split_payment(wallet, amount, today=TODAY, large_store=False)
        except money.InsufficientBalance:
            continue
        wallet = money.apply(wallet, {k: -v for k, v in taken.items()})
        spent += amount
        assert all(b.balance >= 0 for b in wallet)


@settings(max_examples=200)
@given(wallet=buckets_strategy, today=st.sampled_from(["2026-11-29", "2026-12-31", "2027-04-01"]))
def test_lapse_takes_exactly_what_has_expired(wallet: list[Bucket], today: str) -> None:
    lapsed = money.lapsing(wallet, today=today)
    after = money.apply(wallet, {k: -v for k, v in lapsed.items()})
    assert all(b.balance == 0 for b in after if b.expires_on < today)
    assert [b.balance for b in after if b.expires_on >= today] == [b.balance for b in wallet if b.expires_on >= today]
    assert sum(b.balance for b in wallet) == sum(b.balance for b in after) + sum(lapsed.values())
    assert money.lapsing(after, today=today) == {}  # a second run lapses nothing


@given(amount=st.integers(min_value=1, max_value=1_000_000), vtype=st.sampled_from(list(VoucherType)))
def test_a_grant_is_one_bucket_of_exactly_the_amount(amount: int, vtype: VoucherType) -> None:
    terms = ProgrammeTerms("P1", 10_000, {VoucherType.COMMON: 13_000}, "2026-08-01", "2027-01-31")
    granted = money.grant_bucket(terms, amount, vtype, source="Gabc", created_at="x")
    assert (
        granted.balance == granted.initial == amount
        and granted.kind is ValueKind.GRANT
        and granted.voucher_type is vtype
    )


def test_summary_groups_by_type_and_expiry_dedicated_first() -> None:
    wallet = [
        bucket("a", ValueKind.PREPAID, VoucherType.COMMON, 1000, "2027-03-31"),
        bucket("b", ValueKind.BONUS, VoucherType.COMMON, 300, "2027-03-31"),
        bucket("c", ValueKind.PREPAID, VoucherType.DEDICATED, 500, "2027-01-31"),
        bucket("d", ValueKind.PREPAID, VoucherType.COMMON, 700, "2026-11-01"),
    ]
    assert money.summary(wallet, today=TODAY) == [
        {"voucher_type": "dedicated", "expires_on": "2027-01-31", "programme_id": "P1", "balance": 500},
        {"voucher_type": "common", "expires_on": "2027-03-31", "programme_id": "P1", "balance": 1300},
    ]


def _before(a: Bucket, b: Bucket, *, large: bool) -> bool:
    """Whether SPEC §6 spends `a` before `b`: 専用券 before 共通券 (large stores take no 専用券 at all),
    then, within a voucher type, the sooner expiry first."""
    if not large and a.voucher_type is not b.voucher_type:
        return a.voucher_type is VoucherType.DEDICATED
    return a.voucher_type is b.voucher_type and a.expires_on < b.expires_on


@settings(max_examples=400)
@given(
    wallet=buckets_strategy,
    amount=st.integers(min_value=1, max_value=120_000),
    large=st.booleans(),
    today=st.sampled_from(["2026-11-29", "2026-12-31", "2027-01-01"]),
)
def test_spend_order_dedicated_first_except_at_large_stores_soonest_expiry_first_expired_never(
    wallet: list[Bucket], amount: int, large: bool, today: str
) -> None:
    # Given random buckets (some spent out, some expired, some 専用券), when a payment is split,
    try:
        taken = money.split_payment(wallet, amount, today=today, large_store=large)
    except money.InsufficientBalance:
        # then it is refused only when what may be spent here today falls short,
        usable = [
            b
            for b in wallet
            if b.balance > 0 and b.expires_on >= today and not (large and b.voucher_type is VoucherType.DEDICATED)
        ]
        assert sum(b.balance for b in usable) < amount
        return
    by_id = {b.bucket_id: b for b in wallet}
    assert sum(taken.values()) == amount and all(v > 0 for v in taken.values())
    for bucket_id, take in taken.items():
        spent = by_id[bucket_id]
        assert spent.expires_on >= today, "expired value never spends"
        assert take <= spent.balance
        assert not (large and spent.voucher_type is VoucherType.DEDICATED), "no 専用券 at a large store"
    # and no bucket is touched while one that comes before it still holds something.
    for later in (by_id[bid] for bid in taken):
        for earlier in wallet:
            if earlier.balance > 0 and earlier.expires_on >= today and _before(earlier, later, large=large):
                assert taken.get(earlier.bucket_id, 0) == earlier.balance, (earlier, later, taken)
