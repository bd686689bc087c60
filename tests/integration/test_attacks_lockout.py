"""Lock-outs that a burst of parallel guesses must not outrun: a password (console, merchant app) and a
terminal's 4-digit setup password each lock after five wrong tries, however the tries arrive.

API Gateway and Lambda run requests side by side, so an attacker sends the guesses at once. The
barrier below holds every guess that reached the comparison until all of them have (or two seconds
have passed): the reads all happen before any failure is counted, as they do under real concurrency.
Code that spends a try before comparing lets only the tries left through, and the barrier times out.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest

from auth import merchant
from shoken import password_tries
from shoken.db import terminals, users
from shoken.runtime import Runtime
from tests.integration.conftest import City
from tests.support import races
from tests.support.client import Client

HOLD_SECONDS = 2.0


class Held:
    """`compare`, counted, each call waiting for the others of the burst first."""

    def __init__(self, compare: Callable[..., bool]) -> None:
        self.compare = compare
        self.calls = 0
        self.lock = threading.Lock()
        self.barrier = threading.Barrier(races.THREADS, timeout=HOLD_SECONDS)

    def __call__(self, *args: Any, **kwargs: Any) -> bool:
        with self.lock:
            self.calls += 1
        # A broken barrier: fewer guesses reached the comparison than were sent, as a sound lock does.
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait()
        return self.compare(*args, **kwargs)


class HeldHmac:
    """Stands in for the hmac module in auth.merchant: compare_digest waits for the burst."""

    def __init__(self) -> None:
        import hmac

        self.compare_digest = Held(hmac.compare_digest)


def test_a_burst_of_wrong_passwords_gets_no_more_tries_than_the_lock_allows(
    city: City, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an account with four wrong passwords already: one try is left before the lock.
    for _ in range(4):
        assert (
            Client("admin").post("/api/auth/login", {"login_id": "ena-0003", "password": "wrong-pass-1"}).status == 401
        )
    compare = Held(password_tries.verify_user)
    monkeypatch.setattr(password_tries, "verify_user", compare)  # the one place a password try is judged

    # When eight guesses arrive at once, the last of them the right password.
    def guess(n: int) -> str | None:
        password = "ena-0003-Pass1" if n == races.THREADS - 1 else f"wrong-pass-{n}"
        return Client("admin").post("/api/auth/login", {"login_id": "ena-0003", "password": password}).code

    answers = races.race(guess)

    # Then one guess at most was judged, and the account is locked (unless that one was the right one).
    assert compare.calls <= 1, f"{compare.calls} passwords compared with one try left: {answers}"
    record = users.get(rt.db, city.users["company_staff"]["user_id"])
    assert record is not None and (record["locked"] or None in answers)


def test_a_burst_of_terminal_password_guesses_is_held_to_five(
    city: City, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a terminal whose ID is printed on the till (IDs are sequential) and a 4-digit password:
    # 10,000 candidates, so the five-try lock is what keeps a stranger from binding it.
    terminal_id = str(city.terminal["terminal_id"])
    for n in range(terminals.MAX_SETUP_FAILURES - 1):  # four wrong already: one try left
        wrong = {"terminal_id": terminal_id, "password": f"{8000 + n:04d}"}
        assert Client("merchant").post("/api/merchant/terminal/bind", wrong).code == "terminal_invalid"
    held = HeldHmac()
    monkeypatch.setattr(merchant, "hmac", held)

    # When eight guesses arrive at once (the right one among them).
    def guess(n: int) -> str | None:
        password = str(city.terminal["password"]) if n == races.THREADS - 1 else f"{9000 + n:04d}"
        return (
            Client("merchant")
            .post("/api/merchant/terminal/bind", {"terminal_id": terminal_id, "password": password})
            .code
        )

    answers = races.race(guess)

    # Then one guess at most was compared: a burst of 8 (or of 10,000) gets no more than the lock allows.
    assert held.compare_digest.calls <= 1, f"{held.compare_digest.calls} compared with one try left: {answers}"
    record = terminals.get(rt.db, terminal_id, consistent=True)
    assert record is not None
    assert terminals.setup_locked(record) or None in answers, record
