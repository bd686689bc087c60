"""アクワイアラ (committees): a system admin registers a second city on the same deployment.

A committee is the root of a city's data: its programmes, companies, stores, terminals, admin users
and wallets all carry its committee_id, and every route checks that id against the caller's scope,
so nothing of one city is visible or writable from another. Identifiers (企業ID, 店舗ID, 端末ID,
取引番号) stay unique across the deployment: they are keys of the one table and appear on printed
QR codes and receipts, so two cities never share a number.
"""

from __future__ import annotations

from admin.errors import CommitteeAdminOnly, ServiceIdTaken, SystemAdminOnly
from admin.schemas import CommitteeCreate, CommitteeFields, CommitteeList, CommitteeView
from shoken import api
from shoken.db import committees, guards, keys, sequences
from shoken.db.dynamo import Expr, Item
from shoken.errors import AlreadyExists, CommitteeNotFound, Conflict, ExistsRefused, field_problem
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime


def view(record: Item) -> CommitteeView:
    return CommitteeView(**{**record, "issuer_name": record.get("issuer_name") or record["name"]})


def search(rt: Runtime, caller: Principal) -> CommitteeList:
    return CommitteeList(items=[view(c) for c in committees.list_all(rt.db) if caller.in_committee(c["committee_id"])])


def get(rt: Runtime, caller: Principal, committee_id: str) -> CommitteeView:
    return view(_visible(rt, caller, committee_id))


def create(rt: Runtime, caller: Principal, body: CommitteeCreate) -> CommitteeView:
    if caller.role is not Role.SYSTEM_ADMIN:
        raise SystemAdminOnly()
    service_id = body.wallet_service_id
    if any(c.get("wallet_service_id") == service_id for c in committees.list_all(rt.db)):
        raise _service_taken()
    values = body.model_dump()
    values["issuer_name"] = values.get("issuer_name") or body.name
    for _ in range(20):  # numbers given out before the counter existed (the seed's, imported data) are skipped
        committee_id = str(sequences.next_value(rt.db, "committee"))
        record = committees.item(committee_id, **values)
        record = {k: v for k, v in record.items() if v is not None}
        action = rt.db.tx_put(record, condition="attribute_not_exists(PK)")
        try:
            guards.save(
                rt.db,
                action,
                committee_id,
                guards.changes("committee", None, record),
                exists_error=_NumberTaken(),
            )
        except _NumberTaken:
            continue
        except AlreadyExists as taken:
            raise _service_taken() from taken
        api.audit_event(
            "committee_created",
            scope=Scope(committee_id),
            target_type="committee",
            target_id=committee_id,
            name=body.name,
            wallet_service_id=service_id,
        )
        return view(record)
    raise Conflict()


def update(rt: Runtime, caller: Principal, committee_id: str, body: CommitteeFields) -> CommitteeView:
    """The one place a committee's details change, its お問い合わせ先 (name, phone, hours) included: one
    route, one screen (アクワイアラ詳細, which the menu's お問い合わせ先 opens), one audit entry naming
    what changed."""
    current = _visible(rt, caller, committee_id)
    if caller.role not in (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN):
        raise CommitteeAdminOnly()
    values = body.model_dump()
    values["issuer_name"] = values.get("issuer_name") or body.name
    changed_fields = [k for k, v in values.items() if (current.get(k) or None) != v]
    expr = Expr()
    sets = [f"{expr.n(k)} = {expr.v(v)}" for k, v in values.items() if v is not None]
    removes = [expr.n(k) for k, v in values.items() if v is None]
    update_text = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    changed = rt.db.update(
        keys.committee(committee_id), update_text, expr, condition=f"attribute_exists({expr.n('PK')})"
    )
    api.audit_event(
        "committee_updated",
        scope=Scope(committee_id),
        target_type="committee",
        target_id=committee_id,
        fields=changed_fields,
    )
    return view(changed)  # the item as written (ALL_NEW): a cleared phone is gone from the reply too


class _NumberTaken(Exception):
    pass


def _service_taken() -> ExistsRefused:
    return ServiceIdTaken(details=[field_problem("wallet_service_id", "duplicate", "registered")])


def _visible(rt: Runtime, caller: Principal, committee_id: str) -> Item:
    record = committees.get(rt.db, committee_id)
    if record is None or not caller.in_committee(str(record["committee_id"])):
        raise CommitteeNotFound()
    return record
