"""The settlement calendar (精算カレンダー): cut-off days (締め日) and the payment day (支払日).

Pure date rules, no I/O. A period runs from the day after one cut-off to the next cut-off, inclusive,
in JST. The payment day is N bank business days after the cut-off: not a Saturday or Sunday, not a
Japanese public holiday (jpholiday) and not 12/31-1/3, when Japanese banks are closed.
"""

from __future__ import annotations

import calendar as cal
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import Field, field_validator

from shoken.validation import BodyInt, Schema

MONTH_END = 31  # a cut-off day of 31 means the last day of every month (末日)
# A period is closed for a run this long after its last day ends, so that a payment stamped a moment
# before midnight has been written before anything reads the period.
CLOSE_GRACE_MINUTES = 10


class CalendarSettings(Schema):
    cutoff_days: list[BodyInt] = Field(default=[15, MONTH_END], min_length=1, max_length=4)
    pay_after_days: BodyInt = Field(default=5, ge=1, le=20)  # bank business days after the cut-off
    fee_bps: BodyInt = Field(default=0, ge=0, le=1000)  # fee in 1/100 % of the amount (0-10 %), rounded down

    @field_validator("cutoff_days")
    @classmethod
    def _days(cls, days: list[int]) -> list[int]:
        if any(d < 1 or d > MONTH_END for d in days):
            raise ValueError("締め日は1から31(末日)の日付で指定してください。")
        if len(set(days)) != len(days):
            raise ValueError("締め日が重複しています。")
        return sorted(days)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the cut-off day, inclusive
    pay_date: date

    @property
    def label(self) -> str:
        return f"{self.start:%Y/%m/%d}～{self.end:%Y/%m/%d}"


def cutoff_label(day: int) -> str:
    return "末日" if day == MONTH_END else f"{day}日"


def is_bank_holiday(day: date) -> bool:
    if day.weekday() >= 5:
        return True
    if (day.month, day.day) in ((12, 31), (1, 1), (1, 2), (1, 3)):
        return True
    import jpholiday  # here, not at import: the admin function's cold start (issue 19)

    return bool(jpholiday.is_holiday(day))


def pay_date(cutoff: date, business_days: int) -> date:
    day, left = cutoff, business_days
    while left:
        day += timedelta(days=1)
        if not is_bank_holiday(day):
            left -= 1
    return day


def _cutoffs_of_month(settings: CalendarSettings, year: int, month: int) -> list[date]:
    last = cal.monthrange(year, month)[1]
    return sorted({date(year, month, min(d, last)) for d in settings.cutoff_days})


def is_cutoff(settings: CalendarSettings, day: date) -> bool:
    return day in _cutoffs_of_month(settings, day.year, day.month)


def next_cutoff(settings: CalendarSettings, on_or_after: date) -> date:
    year, month = on_or_after.year, on_or_after.month
    while True:
        for cutoff in _cutoffs_of_month(settings, year, month):
            if cutoff >= on_or_after:
                return cutoff
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def previous_cutoff(settings: CalendarSettings, before: date) -> date:
    year, month = before.year, before.month
    while True:
        for cutoff in reversed(_cutoffs_of_month(settings, year, month)):
            if cutoff < before:
                return cutoff
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)


def period_ending(settings: CalendarSettings, end: date, start: date | None = None) -> Period:
    """The period that ends on the cut-off `end`; it starts after the previous cut-off unless `start`
    (the day after the last frozen period) says otherwise."""
    first = start or previous_cutoff(settings, end) + timedelta(days=1)
    return Period(first, end, pay_date(end, settings.pay_after_days))


def periods_from(settings: CalendarSettings, start: date, count: int) -> list[Period]:
    out = []
    for _ in range(count):
        end = next_cutoff(settings, start)
        out.append(Period(start, end, pay_date(end, settings.pay_after_days)))
        start = end + timedelta(days=1)
    return out


def fee(amount: int, fee_bps: int) -> int:
    """The programme's fee on a payee's amount: amount × bps / 10,000, yen below 1 rounded down
    (切り捨て, in the payee's favour); none on an amount that is not positive."""
    return amount * fee_bps // 10_000 if amount > 0 else 0
