"""Server-side session records: one item per session in the owner's partition, so revoking all of a
user's sessions is one strongly consistent Query plus deletes, and checking one is one GetItem."""

from __future__ import annotations

from datetime import datetime

from shoken.clock import epoch, iso
from shoken.db import keys
from shoken.db.dynamo import Dynamo, Item
from shoken.db.records import Session, optional


def record(
    home_pk: str, session_id: str, *, role: str, app: str, now: datetime, ends: datetime, **extra: str | None
) -> Item:
    pk, sk = keys.session(home_pk, session_id)
    return {
        "PK": pk,
        "SK": sk,
        "kind": "session",
        "role": role,
        "app": app,
        "created_at": iso(now),
        "expires_at_epoch": epoch(ends),
        **{k: v for k, v in extra.items() if v is not None},
    }


def create(db: Dynamo, item: Item) -> None:
    db.put(item)


def is_live(session: Session | None, now: datetime) -> bool:
    return session is not None and session.live(epoch(now))


def get(db: Dynamo, home_pk: str, session_id: str) -> Session | None:
    return optional(Session, db.get(keys.session(home_pk, session_id)))


def revoke(db: Dynamo, home_pk: str, session_id: str) -> None:
    db.delete(keys.session(home_pk, session_id))


def revoke_all(db: Dynamo, home_pk: str) -> int:
    """End every session of one user or wallet (logout everywhere, lock, suspension, password change)."""
    count = 0
    for item in db.query_all(pk_name="PK", pk=home_pk, sk_name="SK", sk_begins="SESSION#", consistent=True):
        db.delete((item["PK"], item["SK"]))
        count += 1
    return count
