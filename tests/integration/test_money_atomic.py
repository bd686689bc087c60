"""Every money movement and its audit record are one transaction (issue 13, item 1).

Given a DynamoDB that refuses the write holding the audit entry, when a payment cancel, a counter
purchase, a charge cancel, a grant or a lapse runs, then nothing of it happened (balances,
transactions and audit log as before), and a retry does all of it once, audit entry included.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from local.streams import Stream
from shoken import money
from shoken.clock import FrozenClock, jst_date
from shoken.db import keys, transactions, wallets
from shoken.db.dynamo import deserialize_item
from shoken.runtime import Runtime
from tests.integration.conftest import Shop, console_login, key
from tests.support.world import World


class AuditFails:
    """A DynamoDB client whose next write carrying an audit item fails (as a throttled or broken write)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.armed = False
        self.refused = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def _refuse(self, operation: str) -> None:
        self.armed = False
        self.refused += 1
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "audit write lost"}}, operation)

    def put_item(self, **params: Any) -> Any:
        if self.armed and params["Item"].get("kind", {}).get("S") == "audit":
            self._refuse("PutItem")
        return self._client.put_item(**params)

    def transact_write_items(self, **params: Any) -> Any:
        kinds = [a["Put"]["Item"].get("kind", {}).get("S") for a in params["TransactItems"] if "Put" in a]
        if self.armed and "audit" in kinds:
            self._refuse("TransactWriteItems")
        return self._client.transact_write_items(**params)


@pytest.fixture
def failing(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> AuditFails:
    proxy = AuditFails(rt.db.client)
    monkeypatch.setattr(rt.db, "client", proxy)
    return proxy


def audit_rows(rt: Runtime, action: str) -> list[dict[str, Any]]:
    day = jst_date(rt.clock.now())
    raw = rt.db.client.query(
        TableName=rt.config.table_name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"AUDIT#1#{day}"}},
        ConsistentRead=True,
    )
    return [r for r in (deserialize_item(i) for i in raw["Items"]) if r["action"] == action]


def test_a_payment_cancel_whose_audit_write_fails_leaves_nothing_and_a_retry_works(
    shop: Shop, rt: Runtime, failing: AuditFails
) -> None:
    receipt = shop.till.post("/api/payments", {"token": shop.token(), "amount": 8_000, "idempotency_key": key()}).json
    after_payment = shop.balance(rt)
    failing.armed = True
    lost = shop.till.post(f"/api/transactions/{receipt['number']}/cancel")
    assert lost.status >= 500 and failing.refused == 1, lost
    assert shop.balance(rt) == after_payment
    payment = transactions.get(rt.db, receipt["number"], consistent=True)
    assert payment is not None and payment.status == "done"
    assert audit_rows(rt, "payment_cancelled") == []

    done = shop.till.post(f"/api/transactions/{receipt['number']}/cancel")
    assert done.status == 200, done
    assert sum(shop.balance(rt).values()) == 13_000
    rows = audit_rows(rt, "payment_cancelled")
    assert [r["target_id"] for r in rows] == [receipt["number"]]
    assert rows[0]["detail"]["cancel_number"] == done.json["cancel_number"]


def test_a_charge_and_its_cancel_whose_audit_write_fails_leave_nothing_and_retries_work(
    shop: Shop, rt: Runtime, failing: AuditFails
) -> None:
    committee = console_login("ena-0001")
    wallet_id = str(shop.wallet["wallet_id"])
    body = {
        "programme_id": shop.programme["programme_id"],
        "units": 1,
        "wallet_id": wallet_id,
        "idempotency_key": key(),
    }
    failing.armed = True
    lost = committee.post("/api/admin/charges", body)
    assert lost.status >= 500 and failing.refused == 1, lost
    assert sum(shop.balance(rt).values()) == 13_000
    assert audit_rows(rt, "store_charge") == []
    charged = committee.post("/api/admin/charges", body)  # the same click again
    assert charged.status == 200, charged
    assert sum(shop.balance(rt).values()) == 26_000
    assert [r["target_id"] for r in audit_rows(rt, "store_charge")] == [charged.json["number"]]

    failing.armed = True
    lost = committee.post(f"/api/admin/charges/{charged.json['number']}/cancel")
    assert lost.status >= 500 and failing.refused == 2, lost
    assert sum(shop.balance(rt).values()) == 26_000
    assert audit_rows(rt, "charge_cancelled") == []
    cancelled = committee.post(f"/api/admin/charges/{charged.json['number']}/cancel")
    assert cancelled.status == 200, cancelled
    assert sum(shop.balance(rt).values()) == 13_000
    assert [r["target_id"] for r in audit_rows(rt, "charge_cancelled")] == [charged.json["number"]]


def test_a_grant_and_a_lapse_write_their_audit_entries_with_the_value_or_not_at_all(
    shop: Shop, rt: Runtime, failing: AuditFails, stream: Stream, clock: FrozenClock, world: World
) -> None:
    committee = console_login("ena-0001")
    job = committee.post(
        "/api/admin/grants",
        {
            "programme_id": shop.programme["programme_id"],
            "name": "付与",
            "amount": 1_000,
            "idempotency_key": "atomic-grant-000001",
        },
    )
    assert job.status == 200, job
    failing.armed = True
    stream.drain()  # the worker's grant fails as a whole (the job is marked failed, to be run again)
    assert failing.refused == 1
    wallet_id = str(shop.wallet["wallet_id"])
    assert sum(shop.balance(rt).values()) == 13_000
    assert audit_rows(rt, "campaign_granted") == []
    from workers import grant

    record = rt.db.get(keys.job(job.json["job_id"]))
    assert record is not None
    grant.run(rt, {**record, "checkpoint": None}, lambda: False)
    assert sum(shop.balance(rt).values()) == 14_000
    assert [r["target_id"] for r in audit_rows(rt, "campaign_granted")] == [wallet_id]

    from workers import lapse

    committee_item = rt.db.get(keys.committee("1"))
    assert committee_item is not None
    failing.armed = True
    with pytest.raises(ClientError):
        lapse.lapse_wallet(rt, committee_item, str(shop.programme["programme_id"]), wallet_id, "2027-05-01")
    assert sum(shop.balance(rt).values()) == 14_000
    assert (
        lapse.lapse_wallet(rt, committee_item, str(shop.programme["programme_id"]), wallet_id, "2027-05-01") == 14_000
    )
    held = wallets.get(rt.db, wallet_id)
    assert held is not None and money.available(held.buckets, today="2027-04-30", large_store=False) == 0
    rows = audit_rows(rt, "balance_lapsed")
    assert [(r["target_id"], r["detail"]["amount"]) for r in rows] == [(wallet_id, 14_000)]


def test_a_grant_is_started_with_its_audit_entry_or_not_at_all(shop: Shop, rt: Runtime, failing: AuditFails) -> None:
    # Given the write carrying the grant's audit entry fails
    committee = console_login("ena-0001")
    body = {"programme_id": shop.programme["programme_id"], "name": "付与", "amount": 1_000, "idempotency_key": key()}
    failing.armed = True
    lost = committee.post("/api/admin/grants", body)
    # Then no grant job was queued, and the same press sent again queues it with its entry, once
    assert lost.status >= 500 and failing.refused == 1, lost
    assert committee.get("/api/admin/grants").json["items"] == []
    started = committee.post("/api/admin/grants", body)
    assert started.status == 200, started
    assert committee.post("/api/admin/grants", body).json["job_id"] == started.json["job_id"]
    assert [r["target_id"] for r in audit_rows(rt, "grant_started")] == [started.json["job_id"]]
