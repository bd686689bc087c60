"""Terminals (端末): a merchant-app device slot of a store, set up with its 12-digit ID and 4-digit password."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shoken.db import keys
from shoken.db.dynamo import ConditionFailed, Dynamo, Expr, Item
from shoken.db.records import Terminal, optional
from shoken.status import Status

USE_TYPE_MERCHANT_APP = "加盟店アプリ"


def store_list_pk(store_id: str) -> str:
    return f"TERMS#ST#{store_id}"


def committee_list_pk(committee_id: str) -> str:
    return f"TERMS#{committee_id}"


# Wrong terminal passwords before the terminal refuses setup until its password is re-issued.
MAX_SETUP_FAILURES = 5


def setup_locked(record: Terminal | Item) -> bool:
    failures = record.failed_setups if isinstance(record, Terminal) else int(record.get("failed_setups", 0))
    return failures >= MAX_SETUP_FAILURES


class NoSetupTryLeft(Exception):
    """The terminal's setup is locked: five wrong passwords since its password was last issued."""


def spend_setup_try(db: Dynamo, terminal_id: str) -> Terminal | None:
    """Count a setup try before the password is compared, and return the terminal as that write left
    it (its password is the one to compare: no read before, so none can go stale). None if there is no
    such terminal; NoSetupTryLeft if its setup is locked."""
    expr = Expr()
    failures = expr.n("failed_setups")
    left = f"attribute_not_exists({failures}) OR {failures} < {expr.v(MAX_SETUP_FAILURES)}"
    condition = f"attribute_exists({expr.n('PK')}) AND ({left})"
    try:
        return Terminal(db.update(keys.terminal(terminal_id), f"ADD {failures} {expr.v(1)}", expr, condition=condition))
    except ConditionFailed as refused:
        if refused.item is None:
            return None
        raise NoSetupTryLeft() from refused


def give_back_setup_try(db: Dynamo, terminal_id: str) -> None:
    """The password was right: the try spend_setup_try counted does not count. Conditioned on a try
    being counted, so a reset in between (a new password, a binding) is never driven below zero."""
    db.take_back(keys.terminal(terminal_id), "failed_setups")


def item(
    terminal_id: str,
    *,
    committee_id: str,
    company_id: str,
    store_id: str,
    password: str,
    now: str,
    **fields: Any,
) -> Item:
    pk, sk = keys.terminal(terminal_id)
    return {
        "PK": pk,
        "SK": sk,
        "kind": "terminal",
        "terminal_id": terminal_id,
        "committee_id": committee_id,
        "company_id": company_id,
        "store_id": store_id,
        # Shown to admins on 端末詳細 as the manual does; guessing is stopped by the setup lock-out.
        "password": password,
        "use_type": USE_TYPE_MERCHANT_APP,
        "status": Status.ACTIVE,
        "failed_setups": 0,
        "created_at": now,
        "updated_at": now,
        "L1PK": store_list_pk(store_id),
        "L1SK": terminal_id,
        "L2PK": committee_list_pk(committee_id),
        "L2SK": terminal_id,
        **{k: v for k, v in fields.items() if v is not None},
    }


def under(store: Item, terminal_id: str, *, password: str, now: str, **fields: Any) -> Item:
    """A new terminal of `store` (the console's form and マスタ一括登録 alike)."""
    return item(
        terminal_id,
        committee_id=str(store["committee_id"]),
        company_id=str(store["company_id"]),
        store_id=str(store["store_id"]),
        password=password,
        now=now,
        **fields,
    )


def external_key(fields: Mapping[str, Any]) -> str | None:
    """External terminal ids are unique within their external service (e.g. enacity)."""
    external = fields.get("external_terminal_id")
    return f"{fields.get('external_service_name') or '-'}#{external}" if external else None


def get(db: Dynamo, terminal_id: str, *, consistent: bool = False) -> Terminal | None:
    return optional(Terminal, db.get(keys.terminal(terminal_id), consistent=consistent))
