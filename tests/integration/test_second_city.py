"""A second city on one deployment (issue 12.8): a system admin registers a committee, which gets
its own programme, company, store and admin; nothing of one city is visible or writable from the
other."""

from __future__ import annotations

from shoken.db import committees
from shoken.roles import Role
from tests.integration.conftest import City, console_login, wallet_login
from tests.support import mailbox
from tests.support.world import World

NAKATSU = {
    "name": "中津川市商品券実行委員会",
    "city": "中津川市",
    "wallet_service_id": "nakatsugawa",
    "wallet_service_name": "中津川市プレミアム付き電子商品券",
    "contact_phone": "0573-66-1111",
    "contact_hours": "平日9:00~17:00",
}
PROGRAMME = {
    "name": "中津川 令和8年", "unit_price": 10_000, "unit_value": 12_000, "common_share": 6_000, "dedicated_share": 6_000,
    "sale_start": "2026-11-01", "sale_end": "2026-12-31", "use_start": "2026-11-15", "use_end": "2027-04-30", "limit_units": 3,
}  # fmt: skip


def test_a_system_admin_registers_a_city_that_lives_apart(city: City, world: World) -> None:
    system = console_login("sysadmin01")
    ena = console_login("ena-0001")
    # A committee admin may not register a city; the system admin may, once per wallet service
    assert ena.post("/api/admin/committees", NAKATSU).status == 403
    created = system.post("/api/admin/committees", NAKATSU)
    assert created.status == 200, created
    committee_id = created.json["committee_id"]
    assert committee_id not in (city.committee["committee_id"], city.other_committee["committee_id"])
    twice = system.post("/api/admin/committees", {**NAKATSU, "name": "別"})
    assert twice.status == 409 and twice.json["error"]["details"][0]["field"] == "wallet_service_id", twice
    taken = system.post("/api/admin/committees", {**NAKATSU, "wallet_service_id": "enacity"})
    assert taken.status == 409, taken

    # Its own programme, company, store and admin, registered by the system admin
    programme = system.post("/api/admin/programmes", {**PROGRAMME, "committee_id": committee_id})
    assert programme.status == 200 and programme.json["committee_id"] == committee_id, programme
    company = system.post("/api/admin/companies", {"committee_id": committee_id, "name": "中津川商店"})
    assert company.status == 200, company
    company_id = company.json["company_id"]
    store = system.post("/api/admin/stores", {"company_id": company_id, "name": "中津川本店", "phone": "0573-66-2222"})
    assert store.status == 200 and store.json["committee_id"] == committee_id, store
    admin = system.post(
        "/api/admin/users",
        {"role": "committee_admin", "committee_id": committee_id, "name": "中津 委員",
         "login_id": "nkt-0001", "email": "nkt-0001@example.jp"},
    )  # fmt: skip
    assert admin.status == 200 and admin.json["committee_id"] == committee_id, admin
    record = committees.get(world.rt.db, committee_id)
    assert record is not None
    world.user(Role.COMMITTEE_ADMIN, "nkt-0002", committee=record, password="nkt-0002-Pass1")
    nakatsu = console_login("nkt-0002")

    # Nothing of Ena is visible from Nakatsugawa, and the reverse
    for path in ("/api/admin/companies", "/api/admin/stores", "/api/admin/programmes", "/api/admin/users"):
        theirs = nakatsu.get(path).json["items"]
        assert theirs and all(i.get("committee_id", committee_id) == committee_id for i in theirs), (path, theirs)
        ours = ena.get(path).json["items"]
        assert all(i.get("committee_id") != committee_id for i in ours), (path, ours)
    assert [c["committee_id"] for c in nakatsu.get("/api/admin/committees").json["items"]] == [committee_id]
    assert ena.get(f"/api/admin/companies/{company_id}").status == 404
    assert ena.get(f"/api/admin/stores/{store.json['store_id']}").status == 404
    assert ena.get(f"/api/admin/programmes/{programme.json['programme_id']}").status == 404
    assert ena.get(f"/api/admin/committees/{committee_id}").status == 404
    # ... nor writable: no store under its company, no change to the committee
    foreign_store = ena.post("/api/admin/stores", {"company_id": company_id, "name": "侵入", "phone": "0573-00-0000"})
    assert foreign_store.status == 400 and foreign_store.json["error"]["details"][0]["field"] == "company_id"
    assert ena.put(f"/api/admin/committees/{committee_id}", {**NAKATSU, "name": "乗っ取り"}).status == 404
    assert (
        nakatsu.put(f"/api/admin/stores/{city.store['store_id']}", {"name": "x", "phone": "0573-00-0000"}).status == 404
    )
    # A resident of the new city signs in to its own wallet service
    resident = wallet_login("resident@nakatsugawa.example", service_id="nakatsugawa")
    assert resident.get("/api/auth/me").json["wallet_service_name"] == NAKATSU["wallet_service_name"]
    assert "中津川市プレミアム付き電子商品券" in mailbox.last_to("resident@nakatsugawa.example")["subject"]
    # And the audit log of the system admin names the registration
    audit = system.get(
        f"/api/admin/audit?date_from=2026-11-01&date_to=2026-12-31&action=committee_created&committee_id={committee_id}"
    )
    assert audit.status == 200 and audit.json["items"][0]["target_id"] == committee_id


def test_a_committee_admin_corrects_its_contact_details_only(city: City) -> None:
    ena = console_login("ena-0001")
    mine = ena.get(f"/api/admin/committees/{city.committee['committee_id']}").json
    fields = {k: mine[k] for k in ("name", "city", "issuer_name", "wallet_service_name")}
    changed = ena.put(
        f"/api/admin/committees/{city.committee['committee_id']}", {**fields, "contact_phone": "0573-26-2111"}
    )
    assert changed.status == 200 and changed.json["contact_phone"] == "0573-26-2111", changed
    assert changed.json["wallet_service_id"] == mine["wallet_service_id"]  # not changeable
    other = ena.put(f"/api/admin/committees/{city.other_committee['committee_id']}", fields)
    assert other.status == 404
