"""Counters for the ids the manual shows as numbers (company, store, terminal, admin user).

Used only when the console creates an entity: an atomic ADD hands out each number once, however many
admins create at the same time. Never used in the payment path (SPEC §8: no hot counter there).
"""

from __future__ import annotations

from shoken.db import keys
from shoken.db.dynamo import Dynamo, Expr


def next_value(db: Dynamo, name: str, *, count: int = 1) -> int:
    """Reserve `count` consecutive numbers and return the first."""
    expr = Expr()
    item = db.update(keys.sequence(name), f"ADD {expr.n('value')} {expr.v(count)}", expr)
    return int(item["value"]) - count + 1
