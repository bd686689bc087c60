"""Report totals are derived data: deleted or wrong, they are rebuilt from the transactions to the yen."""

from __future__ import annotations

from typing import Any

from local.apigw import FakeLambdaContext
from local.streams import Stream
from shoken.clock import FrozenClock
from shoken.db import totals as total_items
from shoken.runtime import Runtime
from tests.integration.conftest import Shop, console_login

DAY = "2026-11-29"
REPORTS = (
    f"/api/reports/totals?date_from={DAY}&date_to={DAY}&group=voucher_type",
    f"/api/reports/totals?date_from={DAY}&date_to={DAY}&group=store",
    f"/api/reports/settlement?date_from={DAY}&date_to={DAY}",
    f"/api/reports/unused?on={DAY}",
)


def reports() -> dict[str, Any]:
    committee = console_login("ena-0001")
    out = {}
    for path in REPORTS:
        reply = committee.get(path)
        assert reply.status == 200, reply
        out[path] = reply.json
    return out


def rebuild(committee_id: str, first: str, last: str) -> dict[str, Any]:
    from workers import schedule

    event = {"job": schedule.REBUILD_TOTALS, "committee_id": committee_id, "date_from": first, "date_to": last}
    result: dict[str, Any] = schedule.lambda_handler(event, FakeLambdaContext("shoken-schedule", 900_000))
    return result


def test_deleted_totals_are_rebuilt_to_the_yen_and_a_second_rebuild_changes_nothing(
    shop: Shop, rt: Runtime, stream: Stream, clock: FrozenClock
) -> None:
    # Given a day of payments at both tills and two cancels, counted by the stream consumer
    tills = ((1_200, shop.till), (700, shop.large_till), (250, shop.till), (3_000, shop.large_till))
    receipts = [shop.pay(amount, till) for amount, till in tills]
    assert shop.till.post(f"/api/transactions/{receipts[0]['number']}/cancel").status == 200
    assert console_login("ena-0001").post(f"/api/transactions/{receipts[3]['number']}/cancel").status == 200
    stream.drain()
    clock.advance(days=1)  # the day is over: its transactions are final
    before = reports()
    assert before[REPORTS[0]]["rows"], "the day has totals to lose"

    # When the day's totals are deleted (the marks stay, as after a partial restore)
    month = total_items.day_pk("1", DAY[:7])
    for record in list(rt.db.query_all(pk_name="PK", pk=month)):
        rt.db.delete((record["PK"], record["SK"]))
    gone = reports()
    assert gone[REPORTS[0]]["rows"] != before[REPORTS[0]]["rows"]

    # Then the rebuild replays the day's six transactions and every report is the same to the yen
    done = rebuild("1", DAY, DAY)
    assert done["transactions"] == 6, done
    assert reports() == before
    # And a second rebuild (or a stream record delivered again) changes nothing
    assert rebuild("1", DAY, DAY)["transactions"] == 6
    assert reports() == before


def test_doubled_totals_are_corrected_and_days_still_arriving_are_refused(
    shop: Shop, rt: Runtime, stream: Stream, clock: FrozenClock
) -> None:
    shop.pay(900)
    stream.drain()
    # Given today's transactions, still arriving through the stream: no rebuild of today
    assert "before today" in rebuild("1", DAY, DAY)["error"]
    assert "no committee" in rebuild("nope", "2026-11-01", "2026-11-02")["error"]
    assert "YYYY-MM-DD" in rebuild("1", "2026-13-01", "2026-13-02")["error"]
    clock.advance(days=1)
    before = reports()

    # When a bug counted a day's payments twice (the totals' items doubled)
    month = total_items.day_pk("1", DAY[:7])
    for record in list(rt.db.query_all(pk_name="PK", pk=month)):
        doubled = {k: v * 2 if k in (*total_items.FIELDS, "count") else v for k, v in record.items()}
        rt.db.put(doubled)
    assert reports() != before

    # Then the rebuild puts them back to what the transactions say
    assert rebuild("1", DAY, DAY)["transactions"] == 1
    assert reports() == before
