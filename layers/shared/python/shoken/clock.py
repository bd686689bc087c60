"""The clock every piece of logic asks for the time, so tests can move it."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta, timezone
from typing import Protocol

# Japan has no daylight saving time: a fixed offset is exact and needs no tz database in Lambda.
JST = timezone(timedelta(hours=9), "JST")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to (tests, benchmarks, the expiry command's --at)."""

    def __init__(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)


# One request writes the same instant several times (a payment: its transaction, receipt, record and
# wallet update, each with iso(now)); equal datetimes are the same instant, so the text is the same.
@functools.lru_cache(maxsize=64)
def iso(at: datetime) -> str:
    """UTC timestamp with microseconds: fixed width, so it sorts as text in DynamoDB keys."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def epoch(at: datetime) -> int:
    return int(at.timestamp())


@functools.lru_cache(maxsize=64)
def jst_date(at: datetime) -> str:
    return at.astimezone(JST).strftime("%Y-%m-%d")


def jst_month(at: datetime) -> str:
    return at.astimezone(JST).strftime("%Y-%m")


def jst_display(at: datetime) -> str:
    """The manual's date-time format: 2023/10/23 19:35:12."""
    return at.astimezone(JST).strftime("%Y/%m/%d %H:%M:%S")
