"""The payment's write is conditioned on the gate, and a replay is checked too (issue 13.3, issue 12.7).

A logout, an unbind or a suspension that lands between the payment's read and its write is injected
by running it just before ledger.pay: the transaction's ConditionChecks must stop the payment. A
replayed request (same idempotency key) after any of them must not hand out the stored receipt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from shoken.db import keys, ledger
from shoken.db import sessions as session_records
from shoken.db.dynamo import Expr
from shoken.runtime import Runtime
from tests.integration.conftest import Shop, console_login, key


def pay(shop: Shop, token: str, amount: int, idem: str | None = None) -> Any:
    return shop.till.post("/api/payments", {"token": token, "amount": amount, "idempotency_key": idem or key()})


def set_field(rt: Runtime, item_key: keys.Key, name: str, value: str) -> None:
    expr = Expr()
    rt.db.update(item_key, f"SET {expr.n(name)} = {expr.v(value)}", expr)


def revoke_sessions(rt: Runtime, home_pk: str) -> None:
    assert session_records.revoke_all(rt.db, home_pk) >= 1


def merchant_home(rt: Runtime, shop: Shop) -> str:
    user = rt.db.get(keys.login_name("shopuser01"))
    assert user is not None
    return keys.user(str(user["user_id"]))[0]


def elsewhere(change: Callable[[], None]) -> None:
    """Runs `change` as another caller would: on its own thread, so it is not counted as the code (and
    IAM role) of the payments function whose call it interrupts (tests/support/table_calls.py)."""
    worker = threading.Thread(target=change)
    worker.start()
    worker.join(timeout=30)


def between_read_and_write(
    monkeypatch: pytest.MonkeyPatch, change: Callable[[], None], write: str = "pay"
) -> dict[str, int]:
    """Runs `change` once, after the payment (or the cancel: ledger.cancel_payment) planned from its
    read and before its write."""
    original = getattr(ledger, write)
    seen = {"writes": 0}

    def late(*args: Any, **kwargs: Any) -> None:
        if seen["writes"] == 0:
            elsewhere(change)
        seen["writes"] += 1
        original(*args, **kwargs)

    monkeypatch.setattr(ledger, write, late)
    return seen


@pytest.mark.parametrize(
    ("what", "code"),
    [
        ("logout", "unauthenticated"),
        ("terminal_suspended", "terminal_suspended"),
        ("terminal_unbound", "terminal_rebound"),
        ("store_suspended", "store_suspended"),
        ("wallet_suspended", "wallet_suspended"),
    ],
)
def test_a_change_between_read_and_write_stops_the_cpm_payment(
    shop: Shop, rt: Runtime, monkeypatch: pytest.MonkeyPatch, what: str, code: str
) -> None:
    terminal_key, store_key = keys.terminal(shop.city.terminal["terminal_id"]), keys.store(shop.city.store["store_id"])
    changes: dict[str, Callable[[], None]] = {
        "logout": lambda: revoke_sessions(rt, merchant_home(rt, shop)),
        "terminal_suspended": lambda: set_field(rt, terminal_key, "status", "suspended"),
        "terminal_unbound": lambda: set_field(rt, terminal_key, "binding_id", "another-device"),
        "store_suspended": lambda: set_field(rt, store_key, "status", "suspended"),
        "wallet_suspended": lambda: set_field(rt, keys.wallet(str(shop.wallet["wallet_id"])), "status", "suspended"),
    }
    token = shop.token()
    seen = between_read_and_write(monkeypatch, changes[what])
    refused = pay(shop, token, 1_000)
    assert refused.status in (401, 403) and refused.code == code, refused
    assert seen["writes"] == 1  # the write was tried once and refused by its ConditionCheck
    assert sum(shop.balance(rt).values()) == 13_000


def test_a_citizen_logout_between_read_and_write_stops_the_mpm_payment(
    shop: Shop, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = shop.till.post("/api/merchant/mpm", {"amount": 1_200}).json
    between_read_and_write(monkeypatch, lambda: revoke_sessions(rt, keys.wallet(str(shop.wallet["wallet_id"]))[0]))
    refused = shop.citizen.post(f"/api/wallet/mpm/{created['request_id']}/pay", {"idempotency_key": key()})
    assert refused.status == 401 and refused.code == "unauthenticated", refused
    assert sum(shop.balance(rt).values()) == 13_000
    assert shop.till.get(f"/api/merchant/mpm/{created['request_id']}").json["state"] == "open"


def test_a_suspended_store_between_read_and_write_stops_the_mpm_payment(
    shop: Shop, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = shop.till.post("/api/merchant/mpm", {"amount": 1_200}).json
    between_read_and_write(
        monkeypatch, lambda: set_field(rt, keys.store(shop.city.store["store_id"]), "status", "suspended")
    )
    refused = shop.citizen.post(f"/api/wallet/mpm/{created['request_id']}/pay", {"idempotency_key": key()})
    assert refused.status == 403 and refused.code == "store_suspended", refused
    assert sum(shop.balance(rt).values()) == 13_000


@pytest.mark.parametrize(
    ("what", "code"),
    [
        ("logout", "unauthenticated"),
        ("terminal_suspended", "terminal_suspended"),
        ("terminal_unbound", "terminal_unbound"),
    ],
)
def test_a_replayed_payment_is_checked_before_its_receipt_is_returned(
    shop: Shop, rt: Runtime, what: str, code: str
) -> None:
    token, idem = shop.token(), key()
    first = pay(shop, token, 1_000, idem)
    assert first.status == 200 and pay(shop, token, 1_000, idem).json == first.json  # a replay while admitted
    terminal_id = shop.city.terminal["terminal_id"]
    if what == "logout":
        assert shop.till.post("/api/auth/logout").status in (200, 204)
    elif what == "terminal_suspended":
        set_field(rt, keys.terminal(terminal_id), "status", "suspended")
    else:
        assert console_login("ena-0001").post(f"/api/admin/terminals/{terminal_id}/unbind").status == 200
    replayed = pay(shop, token, 1_000, idem)
    assert replayed.status in (401, 403) and replayed.code == code, replayed
    assert "number" not in replayed.body.decode()
    assert sum(shop.balance(rt).values()) == 12_000


def test_a_replayed_mpm_payment_after_the_citizen_logged_out_is_refused(shop: Shop, rt: Runtime) -> None:
    created = shop.till.post("/api/merchant/mpm", {"amount": 1_200}).json
    idem = key()
    path = f"/api/wallet/mpm/{created['request_id']}/pay"
    first = shop.citizen.post(path, {"idempotency_key": idem})
    assert first.status == 200, first
    assert shop.citizen.post("/api/auth/logout").status in (200, 204)
    replayed = shop.citizen.post(path, {"idempotency_key": idem})
    assert replayed.status == 401 and replayed.code == "unauthenticated", replayed


def test_the_payment_write_checks_session_terminal_and_store_in_the_same_transaction(
    shop: Shop, transactions: list[list[dict[str, Any]]]
) -> None:
    written = transactions
    assert pay(shop, shop.token(), 500).status == 200
    checks = [a["ConditionCheck"]["Key"]["PK"]["S"] for a in written[0] if "ConditionCheck" in a]
    assert len(written) == 1 and len(checks) == 3
    assert checks[0].startswith("USER#") and checks[1].startswith("TERM#") and checks[2].startswith("ST#")


# --- cancels (issue 13.2): two round trips, conditioned on the canceller's admission too -------------------
def dynamo_calls(rt: Runtime, work: Callable[[], Any]) -> list[str]:
    calls: list[str] = []

    def count(event_name: str, **_: Any) -> None:
        calls.append(event_name.split(".")[-1])

    rt.db.client.meta.events.register("before-call.dynamodb", count)
    try:
        work()
    finally:
        rt.db.client.meta.events.unregister("before-call.dynamodb", count)
    return calls


def test_a_cancel_is_two_dynamodb_round_trips_from_the_till_and_the_console(shop: Shop, rt: Runtime) -> None:
    first, second = (pay(shop, shop.token(), 2_000).json for _ in range(2))
    replies: list[Any] = []
    till_calls = dynamo_calls(rt, lambda: replies.append(shop.till.post(f"/api/transactions/{first['number']}/cancel")))
    committee = console_login("ena-0001")
    console_calls = dynamo_calls(
        rt, lambda: replies.append(committee.post(f"/api/transactions/{second['number']}/cancel"))
    )
    assert [r.status for r in replies] == [200, 200], replies
    assert till_calls == console_calls == ["BatchGetItem", "TransactWriteItems"]
    assert sum(shop.balance(rt).values()) == 13_000


@pytest.mark.parametrize(("what", "code"), [("logout", "unauthenticated"), ("terminal_unbound", "terminal_rebound")])
def test_a_change_between_the_cancel_read_and_write_stops_the_cancel(
    shop: Shop, rt: Runtime, monkeypatch: pytest.MonkeyPatch, what: str, code: str
) -> None:
    receipt = pay(shop, shop.token(), 3_000).json
    terminal_key = keys.terminal(shop.city.terminal["terminal_id"])
    change = {
        "logout": lambda: revoke_sessions(rt, merchant_home(rt, shop)),
        "terminal_unbound": lambda: set_field(rt, terminal_key, "binding_id", "another-device"),
    }[what]
    seen = between_read_and_write(monkeypatch, change, write="cancel_payment")
    refused = shop.till.post(f"/api/transactions/{receipt['number']}/cancel")
    assert refused.status == 401 and refused.code == code, refused
    assert seen["writes"] == 1
    assert sum(shop.balance(rt).values()) == 10_000
