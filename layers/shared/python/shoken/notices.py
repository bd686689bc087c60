"""お知らせ as their readers see them: which notices a resident or a store is shown, and read-marks.

Audience rules (SPEC §12): "residents" reach every wallet of the committee; "programme" the wallets
that hold value of that programme; "merchants" every store's staff; "area" the staff of stores in that
store area (地区). A notice shows from its start day to its end day (JST, both included).
"""

from __future__ import annotations

from datetime import timedelta

from shoken.clock import epoch, iso, jst_date
from shoken.db import notices, stores, wallets
from shoken.db.dynamo import Item
from shoken.errors import NotFound, NoticeNotFound
from shoken.principal import Principal
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.status import Status
from shoken.validation import Schema

# A read-mark outlives any display period (at most a year), then the table forgets it.
READ_MARK_DAYS = 400


class NoticeItem(Schema):
    notice_id: str
    title: str
    body: str
    start_date: str
    end_date: str
    unread: bool


class NoticeList(Schema):
    items: list[NoticeItem]
    unread_count: int


class NoticeRead(Schema):
    notice_id: str
    unread: bool


def audiences_of(rt: Runtime, caller: Principal) -> tuple[str, list[str]]:
    """The caller's committee and the audience lists that reach them."""
    if caller.role is Role.CITIZEN:
        wallet = wallets.get(rt.db, caller.user_id)
        if wallet is None:
            raise NotFound()
        held = sorted({b.programme_id for b in wallet.buckets})
        return wallet.committee_id, ["residents", *(f"programme#{p}" for p in held if p)]
    store = stores.get(rt.db, str(caller.store_id)) if caller.store_id else None
    if store is None:
        raise NotFound()
    return store.committee_id, ["merchants", *([f"area#{store.area}"] if store.area else [])]


def _shown(rt: Runtime, caller: Principal) -> list[Item]:
    today = jst_date(rt.clock.now())
    committee_id, audiences = audiences_of(rt, caller)
    found: dict[str, Item] = {}
    for audience in audiences:
        for record in notices.live(rt.db, committee_id, audience, today):
            if record.get("status") == Status.ACTIVE and str(record["start_date"]) <= today <= str(record["end_date"]):
                found[str(record["notice_id"])] = record
    return sorted(found.values(), key=lambda r: (str(r["start_date"]), str(r["created_at"])), reverse=True)


def list_for(rt: Runtime, caller: Principal) -> NoticeList:
    shown = _shown(rt, caller)
    read = notices.read_marks(rt.db, caller.user_id, [str(r["notice_id"]) for r in shown])
    items = [
        NoticeItem(
            notice_id=str(r["notice_id"]),
            title=str(r["title"]),
            body=str(r["body"]),
            start_date=str(r["start_date"]),
            end_date=str(r["end_date"]),
            unread=str(r["notice_id"]) not in read,
        )
        for r in shown
    ]
    return NoticeList(items=items, unread_count=sum(1 for i in items if i.unread))


def mark_read(rt: Runtime, caller: Principal, notice_id: str) -> NoticeRead:
    """Marks a notice the caller is shown as read; one they are not shown is "not found"."""
    if not any(str(r["notice_id"]) == notice_id for r in _shown(rt, caller)):
        raise NoticeNotFound()
    now = rt.clock.now()
    notices.mark_read(
        rt.db, caller.user_id, notice_id, now=iso(now), expires_at_epoch=epoch(now + timedelta(days=READ_MARK_DAYS))
    )
    return NoticeRead(notice_id=notice_id, unread=False)
