"""Issue 18: the committee's contact and the stage badge on every screen, notices, expiry reminders."""

from __future__ import annotations

from collections.abc import Callable

from shoken.clock import jst_date
from shoken.runtime import Runtime
from tests.integration.conftest import City
from tests.support.client import Client


def audited(rt: Runtime, client: Client, action: str) -> list[dict]:
    today = jst_date(rt.clock.now())
    return list(client.get(f"/api/admin/audit?date_from={today}&date_to={today}&action={action}").json["items"])


# --- contact and stage --------------------------------------------------------------------------------
def test_site_names_the_stage_and_each_committees_contact_which_its_admin_edits(
    rt: Runtime, city: City, as_console: Callable[[str], Client]
) -> None:
    # Given the committee admin of city 1
    admin = as_console("ena-0001")
    # When they set the contact
    path = f"/api/admin/committees/{city.committee['committee_id']}/contact"
    reply = admin.put(
        path, {"name": "恵那市商品券事業実行委員会", "contact_phone": "0573-54-2902", "contact_hours": "平日8:30~17:00"}
    )
    assert reply.status == 200, reply
    # Then every sign-in screen's /api/site carries it, with the stage badge (not prod)
    site = Client("wallet").get("/api/site").json
    assert site["stage"] == "local" and site["stage_label"] == "ローカル"
    ena = next(c for c in site["committees"] if c["committee_id"] == city.committee["committee_id"])
    assert (ena["name"], ena["contact_phone"], ena["contact_hours"]) == (
        "恵那市商品券事業実行委員会",
        "0573-54-2902",
        "平日8:30~17:00",
    )
    assert admin.get(path).json["contact_phone"] == "0573-54-2902"
    assert [e["target_id"] for e in audited(rt, admin, "committee_contact_updated")] == [city.committee["committee_id"]]
    # A bad phone number or an empty name is refused in Japanese and nothing is written
    bad = admin.put(path, {"name": "", "contact_phone": "call me<script>"})
    assert bad.status == 400 and {d["field"].split(".")[-1] for d in bad.json["error"]["details"]} >= {
        "name",
        "contact_phone",
    }
    assert all(d["reason_ja"] for d in bad.json["error"]["details"])
    assert admin.get(path).json["name"] == "恵那市商品券事業実行委員会"
    # Another committee's admin cannot read or change it; a company admin reads but cannot change
    other = as_console("oth-0001")
    assert other.get(path).status == 404 and other.put(path, {"name": "乗っ取り"}).status == 404
    company = as_console("ena-0002")
    assert company.get(path).status == 200 and company.put(path, {"name": "x"}).status == 403


def test_prod_shows_no_stage_badge() -> None:
    from auth.site import stage_label

    assert stage_label("prod") is None
    assert stage_label("dev") == "開発" and stage_label("local") == "ローカル"
