"""パスワード再設定 reveals nothing (issue 12.3): for an existing, a locked, a suspended and an unknown
login ID the answers (status and body, try after try) are the same, and so is the work done — the
same DynamoDB and SES calls in the same order, which is what makes the timing the same (measured
statistically by `make bench-reset`, never by a timed test)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shoken.db import users
from shoken.runtime import Runtime
from tests.integration.conftest import City
from tests.support import mailbox
from tests.support.client import Client

KNOWN, UNKNOWN = "ena-0001", "nobody-here"


def request(login_id: str, source_ip: str = "127.0.0.1") -> tuple[int, Any]:
    reply = Client("admin", source_ip=source_ip).post("/api/auth/password-reset", {"login_id": login_id})
    return reply.status, reply.json


@contextmanager
def calls(rt: Runtime) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(event_name: str, **_: Any) -> None:
        service, operation = event_name.split(".")[-2:]
        seen.append(f"{service}:{operation}")

    clients = (rt.db.client, rt.ses)
    for client in clients:
        client.meta.events.register("before-call.*", count)
    try:
        yield seen
    finally:
        for client in clients:
            client.meta.events.unregister("before-call.*", count)


def test_known_and_unknown_ids_get_the_same_answers_try_after_try(city: City) -> None:
    # When both are asked for six times in a row (from different clients, so only the ID's own limit applies)
    known = [request(KNOWN, f"198.51.100.{n}") for n in range(6)]
    unknown = [request(UNKNOWN, f"198.51.100.{n + 50}") for n in range(6)]
    # Then the status sequences and the bodies are the same: 200 × 3, then 429 saying when
    assert [s for s, _ in known] == [s for s, _ in unknown] == [200, 200, 200, 429, 429, 429]
    assert known == unknown
    assert "分後にもう一度" in known[3][1]["error"]["message"]
    # And only the real user got mail (three links)
    assert sum(1 for m in mailbox.sent() if "ena-0001@example.jp" in m["to"]) == 3


def test_every_kind_of_login_id_does_the_same_work(city: City, rt: Runtime) -> None:
    users.set_fields(rt.db, str(city.users["company_staff"]["user_id"]), {"locked": True})
    users.set_fields(rt.db, str(city.users["company_admin"]["user_id"]), {"status": "suspended"})
    work = {}
    for login_id in (KNOWN, UNKNOWN, "ena-0003", "ena-0002"):  # active, unknown, locked, suspended
        with calls(rt) as seen:
            status, _ = request(login_id)
        assert status == 200
        work[login_id] = seen
    assert work[KNOWN] == work[UNKNOWN] == work["ena-0003"] == work["ena-0002"], work
    assert work[KNOWN].count("ses:SendEmail") == 1


def test_one_client_is_limited_whatever_ids_it_tries(city: City) -> None:
    answers = [request(f"guess-{n:03d}", "203.0.113.9")[0] for n in range(32)]
    assert answers[:30] == [200] * 30 and answers[30:] == [429, 429]


def test_the_reset_link_still_works_for_the_real_user(city: City) -> None:
    assert request(KNOWN)[0] == 200
    link = mailbox.LINK.search(mailbox.last_to("ena-0001@example.jp")["body"])
    assert link
    token = link.group(1).split("token=")[1]
    reply = Client("admin").post(
        "/api/auth/password-reset/confirm",
        {"token": token, "new_password": "Ena-kuri-2026", "confirm_password": "Ena-kuri-2026"},
    )
    assert reply.status == 200, reply
    # The token an unknown ID's request made up opens nothing
    assert request(UNKNOWN)[0] == 200
    decoy = Client("admin").post(
        "/api/auth/password-reset/confirm",
        {"token": "decoy" * 5, "new_password": "Ena-kuri-2027", "confirm_password": "Ena-kuri-2027"},
    )
    assert decoy.code == "reset_link_invalid"
