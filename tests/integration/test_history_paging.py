"""A committee-wide history search pages across days and shards reading each row once (issue 13.8).

The rows a page reads and does not return travel in its signed cursor; these tests count the items
DynamoDB evaluated (ScannedCount, summed as Page.read) against the rows returned, so a change that
reads them again fails here. Order and paging stay as the screen shows them: newest first, pages
full but the last, no row missing or twice, whatever the rows, the page size, a filter, or how much
the cursor may carry.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shoken import history_search
from shoken.clock import JST, iso
from shoken.db import history_shards, keys, paging, transactions
from shoken.db.dynamo import Expr, Item
from shoken.history_models import CURSOR_CHARS, HistorySearch
from shoken.principal import Principal
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.txn_types import TxnType
from tests.integration.conftest import City, console_login
from tests.support.world import World

TODAY = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)  # the frozen clock's now: 12:00 JST
COMMITTEE_IDS = itertools.count(100)


def transaction(committee: Item, number: str, at: datetime, *, store: Item | None = None, n: int = 0) -> Item:
    return transactions.item(
        number,
        txn_type=TxnType.PAYMENT_CANCEL if n % 7 == 0 else TxnType.PAYMENT,
        at=at,
        amount=100 + n % 900,
        committee=committee,
        wallet_id=f"{100000000000 + n % 300:012d}",
        buckets={"b": 100},
        breakdown={"prepaid": 100, "bonus": 0, "grant": 0, "common": 100, "dedicated": 0},
        bucket_info={"b": ["prepaid", "common", "P1"]},
        store=store,
        terminal_id=f"{358000 + n % 40:012d}" if store else None,
    )


def test_a_committee_search_across_days_reads_each_row_once(rt: Runtime, world: World) -> None:
    # Given 3 days of a committee's transactions over 24 stores with long names, on every shard
    rng = random.Random(138)
    committee = world.committee("1")
    companies = [world.company(committee, f"株式会社恵那テスト商事ホールディングス{n}") for n in range(6)]
    stores = [
        world.store(companies[n % 6], name=f"恵那テスト店舗{n}号店 駅前ショッピングセンター内") for n in range(24)
    ]
    rows = [
        transaction(
            committee,
            f"{rng.randrange(10**18):018d}",
            TODAY - timedelta(seconds=rng.randrange(3 * 86_400)),
            store=stores[rng.randrange(24)],
            n=n,
        )
        for n in range(900)
    ]
    rt.db.batch_put(rows)
    expected = [r["number"] for r in sorted(rows, key=lambda r: str(r["hist_sk"]), reverse=True)]
    admin = Principal("1", Role.COMMITTEE_ADMIN, "s", "admin", "c", committee_id="1")
    # When the committee admin pages through them, 50 a page, with the cursor each page gives
    query = HistorySearch(date_from="2026-11-26", date_to="2026-11-29", page_size=50)
    pages, reads, cursors = [], [], []
    while True:
        page = history_search.search(rt, admin, query)
        pages.append([r.number for r in page.items])
        reads.append(page.read)
        if not page.next_cursor:
            break
        cursors.append(page.next_cursor)
        query = query.model_copy(update={"cursor": page.next_cursor})
    # Then every row comes once, newest first, each page full but the last
    assert [n for p in pages for n in p] == expected
    assert all(len(p) == 50 for p in pages[:-1])
    # And DynamoDB evaluated exactly as many items as the search returned: none is read twice
    per_page = [f"{r / len(p):.2f}" for r, p in zip(reads, pages, strict=True)]
    print(f"{len(expected)} rows, {len(pages)} pages, read {sum(reads)}; read per returned by page: {per_page}")
    assert sum(reads) == len(expected)
    # And every cursor fits the search form's limit (the carried rows are compressed)
    print(f"cursor length: max {max(map(len, cursors))}, mean {sum(map(len, cursors)) // len(cursors)}")
    assert max(map(len, cursors)) <= CURSOR_CHARS


def test_a_tampered_cursor_is_refused_in_japanese(city: City, world: World) -> None:
    # Given a committee day of 30 transactions and the cursor of its first page of 10
    rows = [transaction(city.committee, f"2611290000{n:08d}", TODAY - timedelta(minutes=n), n=n) for n in range(30)]
    world.rt.db.batch_put(rows)
    committee = console_login("ena-0001")
    first = committee.get("/api/history?date_from=2026-11-29&page_size=10")
    cursor = first.json["next_cursor"]
    assert first.status == 200 and cursor.startswith("~")  # compressed: it carries rows
    # When any character of it is changed, or it is replayed against another search
    body, _, mac = cursor.partition(".")
    changed = body[:20] + ("A" if body[20] != "A" else "B") + body[21:] + "." + mac
    for bad in (changed, cursor[:-1] + ("0" if cursor[-1] != "0" else "1"), "~" + cursor[1:40]):
        reply = committee.get(f"/api/history?date_from=2026-11-29&page_size=10&cursor={bad}")
        # Then it is a 400 with a stable code and a Japanese message, never a 500
        assert reply.status == 400 and reply.code == "invalid_cursor", reply
        assert reply.json["error"]["message"] == "ページ情報が正しくありません。検索をやり直してください。"
    other = committee.get(f"/api/history?date_from=2026-11-29&page_size=10&types=payment&cursor={cursor}")
    assert other.status == 400 and other.code == "invalid_cursor"


days = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=3)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    counts=days,
    page_size=st.integers(min_value=2, max_value=40),
    filtered=st.booleans(),
    carry=st.one_of(st.none(), st.integers(min_value=0, max_value=12)),
    seed=st.integers(min_value=0, max_value=2**32),
)
# Found by this test: a shard that returned rows on an earlier page and dropped all it read on this one
# (the cursor's limit) went back to its partition's first row, so rows came twice.
@example(counts=[13, 27], page_size=3, filtered=False, carry=7, seed=2374513802)
def test_paging_is_exact_over_random_days_shards_and_page_sizes(
    rt: Runtime, counts: list[int], page_size: int, filtered: bool, carry: int | None, seed: int
) -> None:
    # Given random transactions over 1-3 days of a committee of its own (shards fill at random)
    rng = random.Random(seed)
    committee = {"committee_id": str(next(COMMITTEE_IDS)), "name": "テスト委員会"}
    day_list = [(TODAY - timedelta(days=d)).astimezone(JST).date() for d in range(len(counts))]
    rows = []
    for day, count in zip(day_list, counts, strict=True):
        midnight = datetime(day.year, day.month, day.day, tzinfo=JST)
        rows += [
            transaction(
                committee, f"{rng.randrange(10**18):018d}", midnight + timedelta(seconds=rng.randrange(86_400)), n=n
            )
            for n in range(count)
        ]
    rt.db.batch_put(rows)
    wanted = [r for r in rows if not filtered or r["txn_type"] == TxnType.PAYMENT_CANCEL.value]
    expected = [str(r["hist_sk"]) for r in sorted(wanted, key=lambda r: str(r["hist_sk"]), reverse=True)]

    def where(expr: Expr) -> str | None:
        return f"{expr.n('txn_type')} = {expr.v(TxnType.PAYMENT_CANCEL.value)}" if filtered else None

    def fits(state: dict[str, Any]) -> bool:
        return carry is None or sum(len(held) for _, held in state.get("c", [])) <= carry

    # When it is paged through, the state crossing each page boundary in a signed, compressed cursor
    pages: list[list[str]] = []
    read = 0
    state: dict[str, Any] | None = None
    start = datetime.combine(day_list[-1], datetime.min.time(), JST)
    end = datetime.combine(day_list[0], datetime.min.time(), JST) + timedelta(days=1)
    while True:
        result = history_shards.read_groups(
            rt.db,
            groups=[keys.committee_history_day(committee["committee_id"], d.isoformat()) for d in day_list],
            pk_name="hist_committee",
            index="by_committee",
            sk_name="hist_sk",
            sk_between=(f"{iso(start)}#", f"{iso(end)}#"),
            page_size=page_size,
            read_budget=10**6,
            state=state,
            filter_builder=where,
            fits=fits,
        )
        pages.append([str(r["hist_sk"]) for r in result.items])
        read += result.read
        if result.state is None:
            break
        state = paging.decode_cursor(b"k", "s", paging.encode_cursor(b"k", "s", result.state, compress=True))
    # Then the rows come exactly newest first, once each, every page full but the last
    assert [sk for page in pages for sk in page] == expected
    assert all(len(page) == page_size for page in pages[:-1])
    # And when the cursor may carry what the pages read and did not return, each row is read once
    if carry is None:
        assert read == len(rows)
    else:
        assert read >= len(rows)
