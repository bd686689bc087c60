"""抽選 (issue 15.3): who wins how many units, as a pure function of (applications, rule, seed).

Anyone holding the applications and the seed (written to the audit log before the draw) can
recompute the result; the input's order does not matter, only its contents.

Rules:
- ``lot`` (抽選のみ): applicants are put in a random order drawn from the seed; each in turn gets what
  they asked for while units remain (the last one served may get fewer).
- ``equal_then_lot`` (均等配分のうえ抽選): every applicant gets one unit per round, round after round,
  while a whole round can be served; the units left over (fewer than the applicants still wanting
  more) go one each to applicants in the seed's random order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from enum import StrEnum


class Rule(StrEnum):
    LOT = "lot"
    EQUAL_THEN_LOT = "equal_then_lot"


def lot_order(applicants: list[str], seed: str) -> list[str]:
    """The seed's random order of the applicants: sorted by SHA-256(seed, applicant)."""
    return sorted(applicants, key=lambda a: (hashlib.sha256(f"{seed}\x1f{a}".encode()).digest(), a))


def allocate(applications: Mapping[str, int], units_on_sale: int, rule: Rule, seed: str) -> dict[str, int]:
    """Units won by each applicant (0 for those who won nothing); the sum never exceeds units_on_sale."""
    if units_on_sale < 0 or any(units < 1 for units in applications.values()):
        raise ValueError("units must be positive")
    won = dict.fromkeys(applications, 0)
    left = units_on_sale
    order = lot_order(list(applications), seed)
    if rule is Rule.EQUAL_THEN_LOT:
        while True:
            wanting = [a for a in order if won[a] < applications[a]]
            if not wanting or left < len(wanting):
                break
            for applicant in wanting:
                won[applicant] += 1
            left -= len(wanting)
        for applicant in order:
            if left == 0:
                break
            if won[applicant] < applications[applicant]:
                won[applicant] += 1
                left -= 1
        return won
    for applicant in order:
        if left == 0:
            break
        won[applicant] = min(applications[applicant], left)
        left -= won[applicant]
    return won
