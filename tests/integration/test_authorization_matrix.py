"""Every route × every role × own / other / other-committee scope, generated from the route table
(issues 9 and 12.8).

For each route: a role the route does not name is refused (403; 401 when not signed in at all);
a role it names gets past admission; and for routes about one object, an object outside the
caller's scope is "not found" (404) while one inside is not, and so is the object of another
committee (a second city on the same deployment). Routes about no one object are checked for the
other committee too: a list or search shows nothing of it, and a write that names its records is
refused. A new route is covered as soon as it is in shoken.routes; a route about a new kind of
object fails here until an own/other/other-committee triple is added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from shoken import routes, sale
from shoken.db import notices, transactions
from shoken.roles import Role
from shoken.routes import Gate, Route
from shoken.txn_types import TxnType
from tests.integration.conftest import City, console_login, key, merchant_login, wallet_login
from tests.support.client import Client
from tests.support.world import World

PROGRAMME = {
    "name": "事業", "unit_price": 10_000, "unit_value": 13_000, "common_share": 6_500, "dedicated_share": 6_500,
    "sale_start": "2026-11-01", "sale_end": "2026-12-31", "use_start": "2026-11-15", "use_end": "2027-04-30", "limit_units": 5,
}  # fmt: skip
# Bodies that pass validation, so the object is looked up (and found or not) by the route's logic.
_ACCOUNT = {"bank_code": "0001", "branch_code": "001", "account_number": "1234567", "holder_name": "ﾃｽﾄ"}
BODIES: dict[str, Any] = {
    "PUT /api/admin/users/{user_id}": {"name": "テスト"},
    "POST /api/admin/users/{user_id}/email": {"email": "matrix@example.jp", "current_password": "not-the-password"},
    "POST /api/admin/users/{user_id}/email/confirm": {"code": "000000"},
    "PUT /api/admin/stores/{store_id}/payout-account": _ACCOUNT,
    "PUT /api/admin/companies/{company_id}/payout-account": _ACCOUNT,
    "PUT /api/admin/companies/{company_id}/payout-by": {"payout_by": "store"},
    "PUT /api/admin/committees/{committee_id}/payout-settings": {
        **_ACCOUNT,
        "consignor_code": "1234567890",
        "consignor_name": "ｲｲﾝｶｲ",
    },
    "POST /api/admin/payout-runs/{run_id}/paid": {"paid_on": "2026-11-29"},
    "PUT /api/admin/companies/{company_id}": {"name": "企業"},
    "PUT /api/admin/committees/{committee_id}": {"name": "委員会", "city": "市", "wallet_service_name": "電子商品券"},
    "POST /api/admin/committees": {
        "name": "委員会",
        "city": "市",
        "wallet_service_id": "matrix",
        "wallet_service_name": "券",
    },
    "PUT /api/admin/stores/{store_id}": {"name": "店舗", "phone": "0573-00-0000"},
    "PUT /api/admin/stores/{store_id}/details": {"phone": "0573-00-0000"},
    "PUT /api/admin/terminals/{terminal_id}": {},
    "PUT /api/admin/programmes/{programme_id}": PROGRAMME,
    "POST /api/wallet/mpm/{request_id}/pay": {"idempotency_key": "matrix-000000000001"},
    "POST /api/admin/programmes/{programme_id}/residents/search": {
        "resident_key": "A-1", "name_kana": "ヤマダ", "birth_date": "1980-04-01", "reason": "counter_identity",
    },
    "PUT /api/admin/programmes/{programme_id}/sale": {
        "apply_start": "2026-11-20", "apply_end": "2026-12-10", "units_on_sale": 1000,
    },
    "POST /api/admin/programmes/{programme_id}/applications": {
        "resident_key": "A-1", "name_kana": "ヤマダ", "birth_date": "1980-04-01", "units": 1,
    },
    "POST /api/wallet/sale/{programme_id}/eligibility": {
        "resident_key": "A-1", "name_kana": "ヤマダ", "birth_date": "1980-04-01",
    },
    "PUT /api/wallet/sale/{programme_id}/application": {"units": 1},
    "POST /api/admin/programmes/{programme_id}/draw": {"rule": "lot"},
    "POST /api/wallet/sale/{programme_id}/redeem": {"code": "2222-3333-4444"},
    "POST /api/admin/programmes/{programme_id}/second-round": {"purchase_end": "2026-12-20"},
    "PUT /api/admin/notices/{notice_id}": {
        "title": "件名", "body": "本文", "start_date": "2026-11-29", "end_date": "2026-12-31", "audience": "residents",
    },
    # (issue 23)
    "POST /api/admin/app-users/{wallet_id}/personal": {"reason": "inquiry"},
    "POST /api/admin/app-users/{wallet_id}/disclosure": {"reason": "disclosure"},
    "POST /api/admin/app-users/{wallet_id}/erase": {"reason": "disclosure"},
    "PUT /api/admin/programmes/{programme_id}/retention": {"retention_days": 365},
}  # fmt: skip
# the card routes' bodies (the move's target wallet is set by the fixture)
BODIES["PUT /api/admin/committees/{committee_id}/card-settings"] = {"daily_limit": 30_000}


@dataclass
class Matrix:
    clients: dict[str, Client]
    # "route key:parameter" or "parameter" → role → (an object in the role's scope, one outside it)
    objects: dict[str, Callable[[str], tuple[str, str]]]
    # "route key:parameter" or "parameter" → an object of the other committee (the same for every role)
    foreign: dict[str, str]
    # Words that only the other committee's records contain (names, login ID, email)
    markers: tuple[str, ...]
    # Writes about no one object, with bodies naming the other committee's records
    foreign_writes: dict[str, Any]

    def pair(self, route: Route, name: str, role: str) -> tuple[str, str]:
        return (self.objects.get(f"{route.key}:{name}") or self.objects[name])(role)

    def elsewhere(self, route: Route, name: str) -> str:
        return self.foreign.get(f"{route.key}:{name}") or self.foreign[name]


@pytest.fixture
def matrix(world: World, city: City) -> Matrix:
    other_company = world.company(city.other_committee, "他市の企業")
    other_store = world.store(other_company, name="他市の店舗")
    other_terminal = world.terminal(other_store, password="9999")
    second_terminal = world.terminal(city.store, password="2222")
    spare_terminal = world.terminal(city.store, password="3333")  # unbinding it ends no client's session
    spare_wallet = world.wallet(city.committee, "spare@example.jp")  # suspending it neither
    own_programme = world.programme(city.committee, "P1")
    other_programme = world.programme(city.other_committee, "P2")
    for programme in (own_programme, other_programme):  # 申込 is open for both
        world.put(sale.settings_item(programme["programme_id"], apply_start="2026-11-20", apply_end="2026-12-10",
                                     units_on_sale=1000, now=world.now))  # fmt: skip
    clients = {
        "system_admin": console_login("sysadmin01"),
        "committee_admin": console_login("ena-0001"),
        "company_admin": console_login("ena-0002"),
        "company_staff": console_login("ena-0003"),
        "store_manager": merchant_login(city.terminal, "shopuser01"),
        "store_staff": merchant_login(second_terminal, "shopstaff01"),
        "citizen": wallet_login("resident@example.jp"),
    }
    other_citizen = wallet_login("elsewhere@example.jp", service_id="othercity")
    own_wallet = clients["citizen"].get("/api/auth/me").json["user_id"]
    other_wallet = other_citizen.get("/api/auth/me").json["user_id"]
    own_poll = clients["citizen"].post("/api/wallet/qr").json["poll_id"]
    other_poll = other_citizen.post("/api/wallet/qr").json["poll_id"]

    def charge_at(store: dict[str, Any], committee: dict[str, Any], n: int) -> str:
        # A transaction that is not a payment: cancelling it is refused as "not cancellable" (409),
        # so the matrix can call the cancel route on it as often as it likes.
        txn = transactions.item(
            f"261129{n:012d}", txn_type=TxnType.STORE_CHARGE, at=world.rt.clock.now(), amount=100, committee=committee,
            wallet_id=own_wallet, buckets={}, breakdown={"prepaid": 100, "bonus": 0, "grant": 0, "common": 100, "dedicated": 0},
            bucket_info={}, store=store, terminal_id=None,
        )  # fmt: skip
        world.put(txn)
        return str(txn["number"])

    own_number, other_number = charge_at(city.store, city.committee, 1), charge_at(other_store, city.other_committee, 2)
    own_mpm = {
        role: clients[role].post("/api/merchant/mpm", {"amount": 100}).json["request_id"]
        for role in ("store_manager", "store_staff")
    }
    world.user(Role.STORE_MANAGER, "othshop001", store=other_store, password="othshop001-Pass1")
    other_mpm = (
        merchant_login(other_terminal, "othshop001").post("/api/merchant/mpm", {"amount": 100}).json["request_id"]
    )
    other_admin = console_login("oth-0001")
    other_staff = world.user(Role.COMPANY_STAFF, "othstaff01", company=other_company, password="othstaff01-Pass1")
    other_job = other_admin.request(
        "POST", "/api/admin/bulk-uploads?spec=terminals", raw=b"x", content_type="application/octet-stream"
    ).json["job_id"]
    other_export = other_admin.post("/api/exports", {}).json["job_id"]
    jobs = {}
    for role, client in clients.items():
        reply = client.request(
            "POST", "/api/admin/bulk-uploads?spec=terminals", raw=b"x", content_type="application/octet-stream"
        )
        jobs[role] = reply.json.get("job_id", "none") if reply.status == 200 else "none"
    exports = {role: (c.post("/api/exports", {}).json or {}).get("job_id", "none") for role, c in clients.items()}
    # Users below each role that no client signs in as (suspending them ends nobody's session here).
    user_of = {
        "system_admin": city.users["other_company_admin"]["user_id"],
        "committee_admin": city.users["other_company_admin"]["user_id"],
        "company_admin": city.users["other_store_manager"]["user_id"],
        "company_staff": city.users["other_store_manager"]["user_id"],
    }
    objects: dict[str, Callable[[str], tuple[str, str]]] = {
        "user_id": lambda role: (user_of.get(role, "00000000"), city.users["other_committee"]["user_id"]),
        "company_id": lambda role: (city.company["company_id"], other_company["company_id"]),
        "store_id": lambda role: (city.store["store_id"], other_store["store_id"]),
        "terminal_id": lambda role: (spare_terminal["terminal_id"], other_terminal["terminal_id"]),
        "wallet_id": lambda role: (spare_wallet["wallet_id"], other_wallet),
        "number": lambda role: (own_number, other_number),
        # Jobs belong to whoever queued them: a bulk upload (or, where a role has none, an export).
        "job_id": lambda role: (
            jobs[role] if jobs[role] != "none" else exports[role],
            jobs["committee_admin"] if role != "committee_admin" else jobs["system_admin"],
        ),
        "programme_id": lambda role: (own_programme["programme_id"], other_programme["programme_id"]),
        "committee_id": lambda role: (city.committee["committee_id"], city.other_committee["committee_id"]),
        "poll_id": lambda role: (own_poll, other_poll),
        "request_id": lambda role: (own_mpm.get(role, own_mpm["store_manager"]), other_mpm),
        # A bulk-upload kind: one the role may upload, and one it may not (or none at all).
        "spec": lambda role: ("terminals", "companies" if role.startswith("company") else "no-such-kind"),
        "POST /api/exports/{job_id}/link:job_id": lambda role: (
            exports[role],
            exports["committee_admin" if role != "committee_admin" else "system_admin"],
        ),
    }
    # 精算: a frozen run of each committee, the own one paying the first company.
    own_run = payout_run_items(world, city.committee["committee_id"], city.company, "P1")
    other_run = payout_run_items(world, city.other_committee["committee_id"], other_company, "P2")
    objects |= {
        "bank_code": lambda role: ("0001", "0003"),  # a code on the Zengin list, one that is not
        "run_id": lambda role: (own_run, other_run),
    }

    # 住民名簿: an upload of each committee's programme
    resident_jobs = [
        clients["system_admin"]
        .request("POST", f"/api/admin/programmes/{p}/residents", raw=b"x", content_type="text/csv")
        .json["job_id"]
        for p in (own_programme["programme_id"], other_programme["programme_id"])
    ]
    objects["GET /api/admin/programmes/{programme_id}/resident-uploads/{job_id}:job_id"] = lambda role: (
        resident_jobs[0],
        resident_jobs[1],
    )

    # お知らせ: one of each committee per audience, so a reader's "own" one is one they are sent.
    def notice_of(committee: dict[str, Any], audience: str, n: int) -> str:
        fields = {"title": "件名", "body": "本文", "start_date": "2026-11-01", "end_date": "2099-12-31"}
        notice_id = f"N9{n:05d}"
        world.put(notices.item(notice_id, committee_id=committee["committee_id"], created_by="matrix", now=world.now,
                               fields=fields | {"audience": {"kind": audience.replace("console", "residents")}}))  # fmt: skip
        return notice_id

    pairs = {a: (notice_of(city.committee, a, i), notice_of(city.other_committee, a, i + 10)) for i, a in
             enumerate(("residents", "merchants", "console"))}  # fmt: skip
    objects["notice_id"] = lambda role: pairs["console"]  # the console's routes edit and withdraw it
    objects["POST /api/wallet/notices/{notice_id}/read:notice_id"] = lambda role: pairs["residents"]
    objects["POST /api/merchant/notices/{notice_id}/read:notice_id"] = lambda role: pairs["merchants"]
    # カード型: a card of each committee; the move's target is the own spare wallet.
    own_card, other_card = card_of(world, city.committee), card_of(world, city.other_committee)
    objects["card_number"] = lambda role: (own_card, other_card)
    BODIES["POST /api/admin/cards/{card_number}/link"] = {"wallet_id": spare_wallet["wallet_id"]}
    foreign = {
        "user_id": str(other_staff["user_id"]),
        "card_number": other_card,
        "company_id": str(other_company["company_id"]),
        "store_id": str(other_store["store_id"]),
        "terminal_id": str(other_terminal["terminal_id"]),
        "wallet_id": other_wallet,
        "number": other_number,
        "job_id": other_job,
        "POST /api/exports/{job_id}/link:job_id": other_export,
        "programme_id": str(other_programme["programme_id"]),
        "poll_id": other_poll,
        "request_id": other_mpm,
        "committee_id": str(city.other_committee["committee_id"]),
        "spec": "no-such-kind",  # a bulk-upload kind belongs to no committee: only an unknown one is not found
        "notice_id": pairs["console"][1],
        "POST /api/wallet/notices/{notice_id}/read:notice_id": pairs["residents"][1],
        "POST /api/merchant/notices/{notice_id}/read:notice_id": pairs["merchants"][1],
        "run_id": other_run,
        "bank_code": "0003",  # banks are one list for every city: only a code off the list is not found
    }
    markers = ("他市の企業", "他市の店舗", "他市商品券実行委員会", "oth-0001", "othstaff01", "elsewhere@example.jp")
    foreign_writes = {
        "POST /api/admin/companies": {"committee_id": city.other_committee["committee_id"], "name": "侵入企業"},
        "POST /api/admin/stores": {"company_id": other_company["company_id"], "name": "侵入店", "phone": "0573-00-0000"},
        "POST /api/admin/terminals": {"store_id": other_store["store_id"]},
        "POST /api/admin/users": {
            "role": "store_staff", "store_id": other_store["store_id"], "name": "侵入",
            "login_id": "intruder01", "email": "intruder@example.jp",
        },
        "POST /api/admin/charges": {
            "programme_id": other_programme["programme_id"], "units": 1, "wallet_id": other_wallet,
            "idempotency_key": "matrix-foreign-charge-01",
        },
        "POST /api/admin/grants": {
            "programme_id": other_programme["programme_id"], "name": "侵入付与", "amount": 100,
            "wallet_ids": [other_wallet], "idempotency_key": "matrix-foreign-grant-01",
        },
    }  # fmt: skip
    return Matrix(clients, objects, foreign, markers, foreign_writes)


def card_of(world: World, committee: dict[str, Any]) -> str:
    from shoken import cards, ids
    from shoken.db import cards as card_items
    from shoken.db import wallets

    wallet_id = ids.wallet_id()
    number = cards.number_for(wallet_id)
    now = world.rt.clock.now()
    wallet = card_items.wallet_item(wallet_id, committee=committee, number=number, now=now, buckets=None)
    card = card_items.card_item(
        number, wallet_id=wallet_id, committee_id=str(committee["committee_id"]), pin_hash="-",
        pay_digest="-", balance_digest="-", now=now,
    )  # fmt: skip
    world.put(card, wallet, wallets.listing_item(wallet))
    return number


def payout_run_items(world: World, committee_id: str, company: dict[str, Any], programme_id: str) -> str:
    run_id = f"{programme_id}-20261115-matrix"
    world.put(
        {
            "PK": f"PAYRUN#{run_id}", "SK": "PAYRUN", "run_id": run_id, "committee_id": committee_id,
            "programme_id": programme_id, "programme_name": "事業", "period_start": "2026-11-01",
            "period_end": "2026-11-15", "pay_date": "2026-11-20", "state": "created", "fee_bps": 0, "payee_count": 1,
            "transfer_count": 0, "transfer_total": 0, "fee_total": 0, "missing": [], "confirmed_at": "x",
            "company_ids": [company["company_id"]],
        }
    )  # fmt: skip
    world.put(
        {
            "PK": f"PAYRUN#{run_id}", "SK": f"PAYEE#{company['company_id']}#CO#{company['company_id']}",
            "run_id": run_id, "payee": f"CO#{company['company_id']}", "payee_type": "company",
            "payee_id": company["company_id"], "payee_name": company["name"], "company_id": company["company_id"],
            "company_name": company["name"], "stores": [], "period_net": 0, "carry_in": 0, "gross": 0, "fee": 0,
            "transfer": 0, "carry_out": 0, "status": "not_positive",
        }
    )  # fmt: skip
    return run_id


def call(client: Client, route: Route, params: dict[str, str]) -> Any:
    path = route.path
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    body = BODIES.get(route.key, {}) if route.method in ("POST", "PUT") else None
    if route.path == "/api/payments":
        body = {"token": "100000000001.AAAAAAAAAAAAAAAAAAAAAA", "amount": 1, "idempotency_key": key()}
    return client.request(route.method, path, body)


def path_params(route: Route) -> list[str]:
    import re

    return re.findall(r"\{(\w+)\}", route.path)


def test_every_route_admits_exactly_its_roles_and_keeps_objects_in_scope(matrix: Matrix) -> None:
    checked = 0
    problems: list[str] = []

    def answered(label: str, reply: Any) -> Any:
        """Every call of the matrix: a 5xx is a failure whatever the role or scope (a clear 4xx, never 500)."""
        if reply.status >= 500:
            problems.append(f"{label} → {reply.status} {reply.code}")
        return reply

    # Signing out ends the sessions the other routes need: it goes last.
    for route in sorted(routes.ROUTES, key=lambda r: r.path == "/api/auth/logout"):
        names = path_params(route)
        missing = [n for n in names if n not in matrix.objects and f"{route.key}:{n}" not in matrix.objects]
        assert not missing, f"{route.key}: add an own/other object for {missing} to this test"
        anonymous = answered(f"{route.key} anonymous", call(Client("admin"), route, dict.fromkeys(names, "x")))
        if route.gate is not Gate.PUBLIC and anonymous.status not in (401, 403):
            problems.append(f"{route.key} anonymous → {anonymous.status}")
        checked += 1
        if route.gate is not Gate.SESSION:
            continue
        for role, client in matrix.clients.items():
            allowed = Role(role) in route.roles
            if not names:
                reply = answered(f"{route.key} as {role}", call(client, route, {}))
                ok = reply.status not in (401, 403) if allowed else reply.status == 403
                checked += 1
                if not ok:
                    problems.append(f"{route.key} as {role} → {reply.status} {reply.code}")
                if allowed and role != "system_admin":
                    problems += other_committee_unseen(matrix, client, route, role, reply)
                    checked += 1
                continue
            own, other = zip(*(matrix.pair(route, n, role) for n in names), strict=True)
            outside = answered(
                f"{route.key} as {role}, other scope", call(client, route, dict(zip(names, other, strict=True)))
            )
            inside = answered(
                f"{route.key} as {role}, own scope", call(client, route, dict(zip(names, own, strict=True)))
            )
            checked += 2
            if not allowed:
                if outside.status != 403 or inside.status != 403:
                    problems.append(f"{route.key} as {role} (not allowed) → {outside.status}/{inside.status}")
                continue
            if role != "system_admin" and outside.status != 404:  # the system admin's scope has no outside
                problems.append(f"{route.key} as {role}: other scope → {outside.status} {outside.code}")
            if role != "system_admin":
                foreign = answered(
                    f"{route.key} as {role}, other committee",
                    call(client, route, {n: matrix.elsewhere(route, n) for n in names}),
                )
                checked += 1
                if foreign.status != 404:
                    problems.append(f"{route.key} as {role}: other committee → {foreign.status} {foreign.code}")
            if inside.status in (401, 403, 404) and not (
                inside.status == 403 and inside.code in LOGIC_REFUSALS.get(route.key, ())
            ):
                problems.append(f"{route.key} as {role}: own scope → {inside.status} {inside.code}")
    assert not problems, "\n".join(problems)
    print(f"authorization matrix: {len(routes.ROUTES)} routes, {checked} calls")
    assert checked > 500


def other_committee_unseen(matrix: Matrix, client: Client, route: Route, role: str, reply: Any) -> list[str]:
    """A route about no one object shows nothing of the other committee, and refuses a write naming it."""
    if route.method == "GET":
        text = reply.body.decode("utf-8", "replace")
        leaked = [m for m in matrix.markers if m in text]
        return [f"{route.key} as {role}: shows the other committee's {leaked}"] if leaked else []
    body = matrix.foreign_writes.get(route.key)
    if body is None:
        return []
    foreign = client.request(route.method, route.path, body)
    if foreign.status < 400 or foreign.status >= 500:
        return [f"{route.key} as {role}: write naming the other committee → {foreign.status} {foreign.code}"]
    return []


# Refusals an allowed role may meet on its own objects for reasons other than scope.
LOGIC_REFUSALS: dict[str, tuple[str, ...]] = {
    "PUT /api/wallet/sale/{programme_id}/application": ("not_eligible",),  # the matrix's resident has none
    # the system admin blocks, reissues or moves the own card first; the next caller meets
    # the card in its new state (blocked, replaced, moved), which is a refusal of its own.
    **{
        f"POST /api/admin/cards/{{card_number}}/{action}": ("card_blocked", "card_replaced", "card_moved")
        for action in ("block", "unblock", "unlock", "reissue", "link")
    },
}
