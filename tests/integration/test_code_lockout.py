"""Sign-in codes cannot be used to lock someone out (issue 12.2): a refused resend counts nowhere,
one client's share of an address is bounded, a burst from an attacker leaves the real person able
to sign in, and every throttled answer says when to try again."""

from __future__ import annotations

from typing import Any

from auth import signin
from shoken import codes
from shoken.clock import FrozenClock
from shoken.db import attempts, throttle
from shoken.runtime import Runtime
from tests.integration.conftest import City
from tests.support import mailbox
from tests.support.client import Client

VICTIM = "victim@example.jp"
ATTACKER_IP = "203.0.113.7"
VICTIM_IP = "198.51.100.2"


def start(client: Client, email: str = VICTIM) -> int:
    return client.post("/api/wallet/auth/start", {"email": email, "service_id": "enacity"}).status


def retry_after(reply: Any) -> int:
    return int({k.lower(): v for k, v in reply.headers.items()}["retry-after"])


def address_uses(rt: Runtime, email: str = VICTIM) -> int:
    fingerprint = codes.fingerprint(rt.session_key, email)
    return throttle.used(rt.db, f"mail#{fingerprint}", window_seconds=3600, now=rt.clock.now())


def test_refused_resends_spend_no_quota(city: City, rt: Runtime, clock: FrozenClock) -> None:
    # Given a wallet sign-in that has just sent its code
    client = Client("wallet")
    assert start(client) == 200
    assert address_uses(rt) == 1
    # When the client presses 再送信 ten times within the minute
    for _ in range(10):
        reply = client.post("/api/auth/resend")
        # Then each is refused, saying when a resend is possible (header and words)
        assert reply.status == 429 and reply.code == "resend_throttled", reply
        assert 1 <= retry_after(reply) <= 60
        assert "後から再送信できます" in reply.json["error"]["message"]
    # And none of them counted against the address: a new sign-in still gets its code
    assert address_uses(rt) == 1
    clock.advance(seconds=61)
    assert client.post("/api/auth/resend").status == 200
    assert address_uses(rt) == 2


def test_an_attackers_burst_leaves_the_real_person_able_to_sign_in(city: City, rt: Runtime) -> None:
    # Given an attacker who starts sign-ins for the victim's address as fast as they can
    attacker = Client("wallet", source_ip=ATTACKER_IP)
    answers = [start(attacker) for _ in range(40)]
    # Then only their share of the address is sent; the rest is refused with when to try again
    assert answers.count(200) == signin.CODE_MAILS_PER_ADDRESS_SOURCE
    assert set(answers[signin.CODE_MAILS_PER_ADDRESS_SOURCE :]) == {429}
    refused = attacker.post("/api/wallet/auth/start", {"email": VICTIM, "service_id": "enacity"})
    assert 0 < retry_after(refused) <= 3600 and "分後にもう一度" in refused.json["error"]["message"]
    # And the refusals were not counted: the address is not used up
    assert address_uses(rt) == signin.CODE_MAILS_PER_ADDRESS_SOURCE < signin.CODE_MAILS_PER_ADDRESS
    # When the real person signs in from their own phone, they get a code and are signed in
    victim = Client("wallet", source_ip=VICTIM_IP)
    assert start(victim) == 200
    reply = victim.post("/api/auth/verify", {"code": mailbox.last_code(VICTIM)})
    assert reply.status == 200 and reply.json["next"] == "done", reply


def test_one_source_cannot_spray_codes_to_every_address(city: City) -> None:
    sprayer = Client("wallet", source_ip=ATTACKER_IP)
    answers = [start(sprayer, f"user{n}@example.jp") for n in range(signin.CODE_MAILS_PER_SOURCE + 3)]
    assert answers.count(200) == signin.CODE_MAILS_PER_SOURCE and answers[-1] == 429
    # A refused start writes no sign-in attempt: it left no pending cookie behind
    assert start(Client("wallet", source_ip=VICTIM_IP), "user1@example.jp") == 200


def test_one_sign_in_meets_its_own_limits_first(city: City, clock: FrozenClock) -> None:
    client = Client("wallet")
    assert start(client) == 200
    for _ in range(attempts.MAX_SENDS - 1):
        clock.advance(seconds=61)
        assert client.post("/api/auth/resend").status == 200
    clock.advance(seconds=61)
    reply = client.post("/api/auth/resend")
    assert reply.status == 429 and reply.code == "resend_limit", reply
