"""Integration fixtures: a small city and signed-in clients for each role."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from local.streams import Stream
from shoken import money
from shoken.db import wallets
from shoken.db.dynamo import Item
from shoken.roles import Role
from shoken.runtime import Runtime
from tests.support import mailbox, table_calls
from tests.support.client import Client
from tests.support.world import PROGRAMME_TERMS, World


@pytest.fixture(autouse=True)
def table_access_checked() -> Iterator[None]:
    """Every DynamoDB, S3 and SES call a function's code makes here must be one its IAM role allows
    (infra/table_access.py, infra/service_access.py); moto enforces no IAM, so this is where a
    missing grant shows."""
    table_calls.install()
    table_calls.RECORDER.take()
    yield
    gathered = os.environ.get("SHOKEN_TABLE_ACCESS_GATHER")
    if gathered:
        table_calls.RECORDER.dump(gathered)
    refused = sorted(set(table_calls.RECORDER.take()))
    assert not refused, "calls the function's IAM role would refuse:\n" + "\n".join(refused)


@pytest.fixture
def world(rt: Runtime) -> World:
    return World(rt)


@dataclass
class City:
    committee: Item
    other_committee: Item
    company: Item
    other_company: Item
    store: Item
    large_store: Item
    other_store: Item
    terminal: Item
    other_terminal: Item
    users: dict[str, Item]


@pytest.fixture
def city(world: World) -> City:
    """Two committees; in the first, two companies; stores of both sizes; an admin of every role,
    all with their password already changed to "<login id>-Pass1" (first-login tests use their own)."""
    committee = world.committee("1")
    other_committee = world.committee("2", service_id="othercity", name="他市商品券実行委員会")
    company = world.company(committee, "テスト企業1")
    other_company = world.company(committee, "テスト企業2")
    store = world.store(company, name="テスト店舗1")
    large_store = world.store(other_company, name="大型店", large=True)
    other_store = world.store(company, name="テスト店舗2")
    terminal = world.terminal(store, password="5282")
    other_terminal = world.terminal(other_store, password="1111")
    people = {
        "system": world.user(Role.SYSTEM_ADMIN, "sysadmin01", password="sysadmin01-Pass1"),
        "committee": world.user(Role.COMMITTEE_ADMIN, "ena-0001", committee=committee, password="ena-0001-Pass1"),
        "other_committee": world.user(
            Role.COMMITTEE_ADMIN, "oth-0001", committee=other_committee, password="oth-0001-Pass1"
        ),
        "company_admin": world.user(Role.COMPANY_ADMIN, "ena-0002", company=company, password="ena-0002-Pass1"),
        "company_staff": world.user(Role.COMPANY_STAFF, "ena-0003", company=company, password="ena-0003-Pass1"),
        "other_company_admin": world.user(
            Role.COMPANY_ADMIN, "ena-0009", company=other_company, password="ena-0009-Pass1"
        ),
        "store_manager": world.user(Role.STORE_MANAGER, "shopuser01", store=store, password="shopuser01-Pass1"),
        "store_staff": world.user(Role.STORE_STAFF, "shopstaff01", store=store, password="shopstaff01-Pass1"),
        "other_store_manager": world.user(
            Role.STORE_MANAGER, "shopuser02", store=other_store, password="shopuser02-Pass1"
        ),
    }
    return City(
        committee,
        other_committee,
        company,
        other_company,
        store,
        large_store,
        other_store,
        terminal,
        other_terminal,
        people,
    )


def console_login(login_id: str, password: str | None = None) -> Client:
    client = Client("admin")
    reply = client.post("/api/auth/login", {"login_id": login_id, "password": password or f"{login_id}-Pass1"})
    assert reply.status == 200, reply
    assert reply.json["next"] == "verify_email", reply
    user_mail = f"{login_id}@example.jp"
    reply = client.post("/api/auth/verify", {"code": mailbox.last_code(user_mail)})
    assert reply.status == 200, reply
    return client


def merchant_login(terminal: Item, login_id: str, password: str | None = None) -> Client:
    client = Client("merchant")
    reply = client.post(
        "/api/merchant/terminal/bind", {"terminal_id": terminal["terminal_id"], "password": terminal["password"]}
    )
    assert reply.status == 200, reply
    reply = client.post("/api/merchant/login", {"login_id": login_id, "password": password or f"{login_id}-Pass1"})
    assert reply.status == 200 and reply.json["next"] == "done", reply
    return client


def wallet_login(email: str, service_id: str = "enacity") -> Client:
    client = Client("wallet")
    reply = client.post("/api/wallet/auth/start", {"email": email, "service_id": service_id})
    assert reply.status == 200, reply
    reply = client.post("/api/auth/verify", {"code": mailbox.last_code(email)})
    assert reply.status == 200, reply
    return client


@pytest.fixture
def as_console() -> Callable[[str], Client]:
    return console_login


_keys = itertools.count(1)


def key() -> str:
    return f"pay-{next(_keys):016d}"


class Shop:
    """A city with a programme, a citizen holding 13,000 yen (6,500 専用 + 6,500 共通) and signed-in tills."""

    def __init__(self, world: World, city: City) -> None:
        self.city = city
        self.programme = world.programme(city.committee)
        self.buckets = money.purchase_buckets(
            PROGRAMME_TERMS, 1, source="261101000000000001", created_at="2026-11-01T00:00:00.000000Z"
        )
        self.wallet = world.wallet(city.committee, "hanako@example.jp", buckets=self.buckets)
        self.citizen = wallet_login("hanako@example.jp")
        self.till = merchant_login(city.terminal, "shopuser01")
        world.terminal(city.large_store, password="2222")
        self.large_terminal = world.terminal(city.large_store, password="3333")
        world.user(Role.STORE_STAFF, "bigstore01", store=city.large_store, password="bigstore01-Pass1")
        self.second_terminal = world.terminal(city.store, password="4444")  # another till of the same store
        self.large_till = merchant_login(self.large_terminal, "bigstore01")

    def token(self, citizen: Client | None = None) -> str:
        return str((citizen or self.citizen).post("/api/wallet/qr").json["token"])

    def pay(self, amount: int, till: Client | None = None) -> dict[str, Any]:
        """A QR payment from the citizen's wallet at `till` (the store's first till): its receipt."""
        reply = (till or self.till).post(
            "/api/payments", {"token": self.token(), "amount": amount, "idempotency_key": key()}
        )
        assert reply.status == 200, reply
        return dict(reply.json)

    def balance(self, rt: Runtime) -> dict[str, int]:
        record = wallets.get(rt.db, str(self.wallet["wallet_id"]))
        assert record is not None
        return {b.bucket_id: b.balance for b in record.buckets}


@pytest.fixture
def shop(world: World, city: City) -> Shop:
    return Shop(world, city)


@pytest.fixture
def transactions(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[list[dict[str, Any]]]:
    """Each DynamoDB transaction the code writes from here on, as its list of actions (still written)."""
    written: list[list[dict[str, Any]]] = []
    original = rt.db.transact

    def spy(actions: list[dict[str, Any]], *, token: str | None = None) -> None:
        written.append(actions)
        original(actions, token=token)

    monkeypatch.setattr(rt.db, "transact", spy)
    return written


@pytest.fixture
def stream(rt: Runtime) -> Stream:
    """The table's stream, delivered to the workers function when a test calls drain()."""
    return Stream(rt.config.table_name, from_start=False)
