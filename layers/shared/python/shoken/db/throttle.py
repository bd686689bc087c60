"""Fixed-window rate limits kept in the table (e.g. code emails per address per hour)."""

from __future__ import annotations

from datetime import datetime

from shoken.clock import epoch
from shoken.db.dynamo import ConditionFailed, Dynamo, Expr
from shoken.errors import TooManyRequests


def hit(db: Dynamo, name: str, *, limit: int, window_seconds: int, now: datetime) -> None:
    window = epoch(now) // window_seconds
    expr = Expr()
    update = (
        f"ADD {expr.n('hits')} {expr.v(1)} SET {expr.n('expires_at_epoch')} = {expr.v((window + 2) * window_seconds)}"
    )
    condition = f"attribute_not_exists({expr.n('hits')}) OR {expr.n('hits')} < {expr.v(limit)}"
    try:
        db.update((f"THROTTLE#{name}#{window}", "THROTTLE"), update, expr, condition=condition)
    except ConditionFailed as failed:
        raise TooManyRequests() from failed
