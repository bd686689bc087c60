"""A refused write is a clear error, never a 500 (issue 12.6): the demo seed holds the same
external-ID guards as records made on the console, and a guard that cannot move is a 409 naming
the field."""

from __future__ import annotations

from typing import Any

from local import seed
from shoken.db import committees, guards, stores, terminals
from shoken.roles import Role
from shoken.runtime import Runtime
from tests.integration.conftest import console_login
from tests.support.world import World

STORE_ID = "9000001"
TERMINAL_ID = "000000358001"


def store_form(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    fields = ("name", "phone", "address", "area", "large", "external_store_id", "external_service_name", "status")
    return {**{f: record.get(f) for f in fields}, "large": bool(record.get("large")), **changes}


def terminal_form(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    fields = ("device_name", "external_terminal_id", "external_service_name", "status")
    return {**{f: record.get(f) for f in fields}, **changes}


def test_seeded_stores_and_terminals_change_and_clear_their_external_ids(rt: Runtime, world: World) -> None:
    # Given the demo city, and a committee admin of it
    seed.seed(rt, payments=0)
    committee = committees.get(rt.db, seed.COMMITTEE_ID)
    assert committee is not None
    world.user(Role.COMMITTEE_ADMIN, "tst-0001", committee=committee, password="tst-0001-Pass1")
    admin = console_login("tst-0001")
    store = stores.get(rt.db, STORE_ID)
    assert store is not None and guards.owner_of(rt.db, "store", str(store.external_store_id)) == STORE_ID

    # When its seeded store's external ID is changed, then cleared: both succeed and the guard follows
    changed = admin.put(f"/api/admin/stores/{STORE_ID}", store_form(store.item, external_store_id="NEW-1"))
    assert changed.status == 200, changed
    assert guards.owner_of(rt.db, "store", str(store.external_store_id)) is None
    assert guards.owner_of(rt.db, "store", "NEW-1") == STORE_ID
    cleared = admin.put(f"/api/admin/stores/{STORE_ID}", store_form(store.item, external_store_id=""))
    assert cleared.status == 200 and cleared.json["external_store_id"] is None, cleared

    # And another store cannot take a seeded store's external ID: 409 naming the field, nothing written
    second = stores.get(rt.db, "9000002")
    assert second is not None
    taken = admin.put("/api/admin/stores/9000003", store_form(second.item, external_store_id=second.external_store_id))
    assert taken.status == 409 and taken.code == "already_exists", taken
    assert taken.json["error"]["details"][0]["field"] == "external_store_id"
    third = stores.get(rt.db, "9000003")
    assert third is not None and third.name != second.name

    # The same for a seeded terminal
    terminal = terminals.get(rt.db, TERMINAL_ID)
    assert terminal is not None
    moved = admin.put(f"/api/admin/terminals/{TERMINAL_ID}", terminal_form(terminal.item, external_terminal_id="T-NEW"))
    assert moved.status == 200, moved
    gone = admin.put(f"/api/admin/terminals/{TERMINAL_ID}", terminal_form(terminal.item, external_terminal_id=""))
    assert gone.status == 200, gone
    clash = admin.put(
        "/api/admin/terminals/000000358002", terminal_form(terminal.item, external_terminal_id="99999903")
    )
    assert clash.status == 409 and clash.json["error"]["details"][0]["field"] == "external_terminal_id", clash


def test_a_guard_held_by_another_record_is_a_409_naming_the_field(rt: Runtime, world: World) -> None:
    # Given a store whose recorded external ID's guard belongs to another store (damaged data)
    committee = world.committee()
    company = world.company(committee)
    store = world.store(company)
    world.user(Role.COMMITTEE_ADMIN, "tst-0001", committee=committee, password="tst-0001-Pass1")
    rt.db.batch_put([{**store, "external_store_id": "X-1"}, guards.item("store", "X-1", "9999999")])
    admin = console_login("tst-0001")
    # When its external ID is changed
    reply = admin.put(f"/api/admin/stores/{store['store_id']}", store_form(store, external_store_id="X-2"))
    # Then a conflict naming the field, the other store keeps its guard and nothing moved
    assert reply.status == 409 and reply.code == "conflict", reply
    assert reply.json["error"]["details"][0]["field"] == "external_store_id"
    assert guards.owner_of(rt.db, "store", "X-1") == "9999999"
    assert guards.owner_of(rt.db, "store", "X-2") is None
    kept = stores.get(rt.db, str(store["store_id"]))
    assert kept is not None and kept.external_store_id == "X-1"
