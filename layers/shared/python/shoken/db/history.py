"""Reading transactions back by scope and period (the history indexes of docs/data-model.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from shoken.clock import JST, jst_month
from shoken.db.dynamo import Dynamo, Item


def months_back(now: datetime, count: int) -> list[str]:
    """The JST months from `now` backwards, newest first."""
    months: list[str] = []
    cursor = now.astimezone(JST).replace(day=1)
    while len(months) < count:
        months.append(jst_month(cursor))
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    return months


def recent_for_wallet(db: Dynamo, wallet_id: str, now: datetime, *, limit: int = 20, months: int = 3) -> list[Item]:
    found: list[Item] = []
    for month in months_back(now, months):
        page = db.query(
            index="by_wallet",
            pk_name="hist_wallet",
            pk=f"W#{wallet_id}#{month}",
            newest_first=True,
            limit=limit - len(found),
        )
        found += page.items
        if len(found) >= limit:
            break
    return found
