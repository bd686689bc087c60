"""The by_committee index spreads a committee's day over shards (issue 13.8) and pages merge them.

Given/When/Then on a small table: writes land evenly on every shard, a page is exactly newest first
across them, each row comes once, and every row is read once: the rows a page reads and does not
return travel in its cursor, so items read per item returned are 1.00 (a test here fails if the next
page reads them again).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shoken.clock import iso
from shoken.db import history_shards, keys, paging, transactions
from shoken.db.dynamo import Dynamo, Expr, Item, Page
from shoken.runtime import Runtime
from shoken.txn_types import TxnType

DAY = "2026-11-29"
MIDNIGHT = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)  # 00:00 JST
COMMITTEE = {"committee_id": "1", "name": "テスト委員会"}


def rows(count: int, *, seed: int) -> list[Item]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        at = MIDNIGHT + timedelta(seconds=rng.randrange(86_400), microseconds=n)
        out.append(
            transactions.item(
                f"261129{rng.randrange(10**12):012d}",
                txn_type=TxnType.PAYMENT_CANCEL if n % 10 == 0 else TxnType.PAYMENT,
                at=at,
                amount=100,
                committee=COMMITTEE,
                wallet_id="100000000001",
                buckets={"b": 100},
                breakdown={"prepaid": 100, "bonus": 0, "grant": 0, "common": 100, "dedicated": 0},
                bucket_info={"b": ["prepaid", "common", "P1"]},
            )
        )
    return out


class Counting:
    """Records each parallel round a page makes (the requests of one query_many call)."""

    def __init__(self, db: Dynamo) -> None:
        self.db = db
        self.rounds: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    def query_many(self, requests: list[dict[str, Any]]) -> list[Page]:
        self.rounds.append(len(requests))
        return self.db.query_many(requests)


def page_through(db: Any, *, page_size: int, where: str | None = None) -> tuple[list[list[Item]], int]:
    def filter_builder(expr: Expr) -> str | None:
        return f"{expr.n('txn_type')} = {expr.v(where)}" if where else None

    pages: list[list[Item]] = []
    read = 0
    state: dict[str, Any] | None = None
    while True:
        result = history_shards.read_groups(
            db,
            groups=[keys.committee_history_day("1", DAY)],
            pk_name="hist_committee",
            index="by_committee",
            sk_name="hist_sk",
            sk_between=(f"{iso(MIDNIGHT)}#", f"{iso(MIDNIGHT + timedelta(days=1))}#~"),
            page_size=page_size,
            read_budget=page_size * 20,
            state=state,
            filter_builder=filter_builder,
        )
        pages.append(result.items)
        read += result.read
        if result.state is None:
            return pages, read
        # the state travels in a signed cursor between pages, as the history screen sends it
        state = paging.decode_cursor(b"k", "s", paging.encode_cursor(b"k", "s", result.state))


@pytest.fixture
def day_of_rows(rt: Runtime) -> list[Item]:
    items = rows(400, seed=13)
    rt.db.batch_put(items)
    return sorted(items, key=lambda i: str(i["hist_sk"]), reverse=True)


def test_a_committee_day_is_written_evenly_over_every_shard(day_of_rows: list[Item]) -> None:
    # Given 400 transactions of one committee day
    # Then each of the 8 shards holds about an eighth (no partition takes the whole city's day)
    shards = Counter(str(i["hist_committee"]) for i in day_of_rows)
    assert set(shards) == set(keys.committee_history_day("1", DAY))
    assert all(25 <= n <= 75 for n in shards.values()), shards


@pytest.mark.parametrize("page_size", [50, 200])
def test_pages_merge_the_shards_newest_first_reading_about_what_they_return(
    rt: Runtime, day_of_rows: list[Item], page_size: int
) -> None:
    # When the day is paged newest first, shards read in parallel rounds
    db = Counting(rt.db)
    pages, read = page_through(db, page_size=page_size)
    returned = [i["hist_sk"] for page in pages for i in page]
    # Then every row comes once, in exact newest-first order, pages full but the last
    assert returned == [i["hist_sk"] for i in day_of_rows]
    assert all(len(p) == page_size for p in pages[:-1])
    # And the first round asks all 8 shards at once, and a page takes few rounds (measured 2.9 at 50)
    assert db.rounds[0] == keys.HISTORY_SHARDS
    print(
        f"page {page_size}: read {read} for {len(returned)} returned, {len(db.rounds) / len(pages):.1f} rounds a page"
    )
    assert len(db.rounds) <= 4 * len(pages)
    # And no row is read twice: the rows read but not returned are carried to the next page
    assert read == len(returned)


def test_a_filtered_search_over_the_shards_returns_only_matches_in_order(rt: Runtime, day_of_rows: list[Item]) -> None:
    # Given 1 row in 10 is a cancel; When only cancels are asked for
    pages, read = page_through(rt.db, page_size=10, where="payment_cancel")
    returned = [i["hist_sk"] for page in pages for i in page]
    # Then exactly the cancels come, newest first, once each
    assert returned == [i["hist_sk"] for i in day_of_rows if i["txn_type"] == "payment_cancel"]
    # And each row of the day is evaluated once, the ones filtered out included
    assert read == len(day_of_rows)


def test_a_cursor_for_other_shards_is_refused(rt: Runtime) -> None:
    # Given a cursor whose shard list does not fit the group
    # Then it is a clear invalid_cursor, not a 500
    with pytest.raises(paging.BadCursor):
        history_shards.read_groups(
            rt.db,
            groups=[keys.committee_history_day("1", DAY)],
            pk_name="hist_committee",
            index="by_committee",
            sk_name="hist_sk",
            sk_between=("a", "b"),
            page_size=5,
            read_budget=100,
            state={"p": 0, "k": [None]},
        )
