"""A 抽選販売 (issue 15) ready for applications, and residents applying: the set-up the sale, privacy
and draw tests share. P1's resident list has three people; TARO and HANAKO apply in wallets, JIRO
is the one the committee keys in on paper."""

from __future__ import annotations

from typing import Any

from local.streams import Stream
from tests.integration.conftest import City, console_login, wallet_login
from tests.support.client import Client
from tests.support.uploads import upload_and_run
from tests.support.world import World

LIST = "住民番号,氏名カナ,生年月日\nA-1,ヤマダ タロウ,1980-04-01\nA-2,スズキ ハナコ,1975-12-03\nA-3,サトウ ジロウ,1992-02-29\n"
TARO = {"resident_key": "A-1", "name_kana": "やまだ たろう", "birth_date": "1980-04-01"}
HANAKO = {"resident_key": "A-2", "name_kana": "スズキ ハナコ", "birth_date": "1975-12-03"}
JIRO = {"resident_key": "A-3", "name_kana": "サトウ ジロウ", "birth_date": "1992-02-29"}
WINDOW = {"apply_start": "2026-11-20", "apply_end": "2026-12-10", "units_on_sale": 1000}  # today is 2026-11-29


def upload_residents(client: Client, programme_id: str, data: bytes, stream: Stream) -> dict[str, Any]:
    """The programme's 住民名簿 uploaded from the console and its job run: the job as the console reads it."""
    programme = f"/api/admin/programmes/{programme_id}"
    return upload_and_run(
        client, f"{programme}/residents", data, "residents.csv", stream, f"{programme}/resident-uploads"
    )


def open_sale(
    committee: Client, stream: Stream, window: dict[str, Any], residents: str = LIST, programme_id: str = "P1"
) -> None:
    """The programme takes applications: `residents` taken in as its resident list, the window set."""
    assert upload_residents(committee, programme_id, residents.encode(), stream)["state"] == "done"
    reply = committee.put(f"/api/admin/programmes/{programme_id}/sale", window)
    assert reply.status == 200, reply


def committee_with_open_sale(city: City, world: World, stream: Stream) -> Client:
    """P1 (5 units a person at most) open for applications in WINDOW; ena-0001 signed in to the console."""
    world.programme(city.committee, limit_units=5)
    committee = console_login("ena-0001")
    open_sale(committee, stream, WINDOW)
    return committee


def applied(email: str, person: dict[str, str], units: int, programme_id: str = "P1") -> tuple[Client, str]:
    """A resident signs in to the wallet, is found on the list and applies: the wallet and its id."""
    resident = wallet_login(email)
    assert resident.post(f"/api/wallet/sale/{programme_id}/eligibility", person).status == 200
    assert resident.put(f"/api/wallet/sale/{programme_id}/application", {"units": units}).status == 200
    return resident, str(resident.get("/api/auth/me").json["user_id"])
