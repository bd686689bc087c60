"""Mail jobs (失効お知らせ, 抽選結果): each mail once, under a marker, at one sending rate shared by all.

Each mail is sent once per marker: before sending, the marker is put on the condition that none
exists (or that an earlier try failed, or that its lease passed), as "sending" until `lease_until`,
then turned into "sent" after SES accepted the mail; a run that dies between the two is taken over
once the lease has passed, so a crash can at worst repeat one mail, never lose one. A mail SES
refuses is marked failed and counted; running the job again retries those and nobody else.

SES's sending rate belongs to the account, so jobs that send at the same time (a reminder day and a
draw's results) share it: each send takes the next slot of one rate item in the table (a conditioned
update, shoken.db.jobs.reserve_slot), whichever Lambda runs it. A token bucket in the table was chosen
over running mail jobs one at a time: two jobs still both make progress, and a job that dies holds
nothing another must wait out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from shoken import mail
from shoken.clock import epoch, iso
from shoken.config import WorkerConfig
from shoken.db import jobs as job_items
from shoken.db.dynamo import ConditionFailed, Expr, Key
from shoken.observability import logger
from shoken.runtime import Runtime
from shoken.status import MailState

LEASE = timedelta(minutes=15)
MARK_KEEP = timedelta(days=400)
SES_RATE = "ses"  # the one rate item every mail job takes its slots from


SKIPPED = "skipped"  # what send_once says of a mail sent already, or being sent by another run now


class Paces(Protocol):
    def wait(self) -> None: ...


class Pacer:
    """At most `rate` sends a second within this process, sleeping between sends as needed."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self.clock, self.sleep = clock, sleep
        self.next_at = 0.0

    def wait(self) -> None:
        now = self.clock()
        if now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


class SharedPacer:
    """At most `rate` sends a second over every job and Lambda that paces by the same rate item."""

    def __init__(
        self,
        rt: Runtime,
        rate: float,
        *,
        name: str = SES_RATE,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rt, self.name = rt, name
        self.interval_us = max(1, round(1_000_000 / rate))
        self.clock, self.sleep = clock, sleep

    def wait(self) -> None:
        now_us = round(self.clock() * 1_000_000)
        slot = job_items.reserve_slot(self.rt.db, self.name, now_us, self.interval_us)
        if slot > now_us:
            self.sleep((slot - now_us) / 1_000_000)


def pacer_for(rt: Runtime) -> Paces:
    return SharedPacer(rt, rt.require(WorkerConfig).reminder_send_rate)


def claim(rt: Runtime, key: Key, kind: str, job_id: str, **fields: Any) -> bool:
    """Put the once-only marker; False if another run holds it (sent, or being sent under a live lease)."""
    now = rt.clock.now()
    expr = Expr()
    condition = (
        f"attribute_not_exists(PK) OR {expr.n('state')} = {expr.v(MailState.FAILED)} OR ({expr.n('state')} = "
        f"{expr.v(MailState.SENDING)} AND {expr.n('lease_until')} < {expr.v(iso(now))})"
    )
    record = {
        "PK": key[0],
        "SK": key[1],
        "kind": kind,
        "state": MailState.SENDING.value,
        "lease_until": iso(now + LEASE),
        "job_id": job_id,
        "expires_at_epoch": epoch(now + MARK_KEEP),
        **fields,
    }
    try:
        rt.db.put(record, condition=condition, expr=expr)
    except ConditionFailed:
        return False
    return True


def mark(rt: Runtime, key: Key, state: MailState, reason: str | None = None) -> None:
    expr = Expr()
    sets = f"SET {expr.n('state')} = {expr.v(state)}, {expr.n('at')} = {expr.v(iso(rt.clock.now()))}"
    if reason:
        sets += f", {expr.n('reason')} = {expr.v(reason)}"
    rt.db.update(key, sets, expr)


def failure_code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", "ClientError"))
    return type(error).__name__


def send_once(
    rt: Runtime, key: Key, kind: str, job_id: str, message: Callable[[], mail.Mail], pacer: Paces, **fields: Any
) -> str:
    """Claim the marker, wait for a slot of the rate, send, mark: the mail is built only once claimed.
    Returns what became of it, as the job counts it: sent, failed or skipped."""
    if not claim(rt, key, kind, job_id, **fields):
        return SKIPPED
    built = message()
    pacer.wait()
    try:
        mail.send(rt, built)
    except (ClientError, BotoCoreError) as error:
        # Only the error's code: SES's messages can name the recipient's address.
        reason = failure_code(error)
        logger.warning("mail not sent", extra={"job_id": job_id, "kind": kind, "reason": reason})
        mark(rt, key, MailState.FAILED, reason)
        return MailState.FAILED
    mark(rt, key, MailState.SENT)
    return MailState.SENT
