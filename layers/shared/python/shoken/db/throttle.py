"""Fixed-window rate limits kept in the table (e.g. code emails per address per hour)."""

from __future__ import annotations

from datetime import datetime

from shoken.clock import epoch
from shoken.db.dynamo import ConditionFailed, Dynamo, Expr
from shoken.errors import throttled


def hit(db: Dynamo, name: str, *, limit: int, window_seconds: int, now: datetime, what: str | None = None) -> None:
    """Count one use of `name` in the current window; past `limit`, 429 saying when the window ends.
    A refused use is not counted (the condition fails before the ADD)."""
    window = epoch(now) // window_seconds
    expr = Expr()
    update = (
        f"ADD {expr.n('hits')} {expr.v(1)} SET {expr.n('expires_at_epoch')} = {expr.v((window + 2) * window_seconds)}"
    )
    condition = f"attribute_not_exists({expr.n('hits')}) OR {expr.n('hits')} < {expr.v(limit)}"
    try:
        db.update((f"THROTTLE#{name}#{window}", "THROTTLE"), update, expr, condition=condition)
    except ConditionFailed as failed:
        raise throttled((window + 1) * window_seconds - epoch(now), what) from failed


def undo(db: Dynamo, name: str, *, window_seconds: int, now: datetime) -> None:
    """Take back one use counted by hit() in this window (the request it admitted was refused later)."""
    db.take_back((f"THROTTLE#{name}#{epoch(now) // window_seconds}", "THROTTLE"), "hits")


def used(db: Dynamo, name: str, *, window_seconds: int, now: datetime) -> int:
    """How many uses of `name` the current window has counted (for tests and the bench)."""
    found = db.get((f"THROTTLE#{name}#{epoch(now) // window_seconds}", "THROTTLE"))
    return int(found["hits"]) if found else 0
