"""schemathesis against the local API's own OpenAPI document, for every route, signed in as each role
the route admits (and not signed in at all): no 5xx, and no response outside the documented schema
(status codes, content types and bodies, including every error body)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis import checks

from shoken import routes
from shoken.roles import Role
from shoken.routes import Gate
from tests.e2e.conftest import LocalServer, last_code, start_server
from tests.support.client import Client, over_http

# Every operation gets at least this many cases, shared among the callers it admits; an operation
# whose inputs allow fewer distinct cases (no parameters) is fuzzed again with another seed.
MIN_CASES = 25
MAX_ROUNDS = MIN_CASES  # a route without parameters and one caller gives one case a round
# The properties asked of every response. (positive_data_acceptance is left out: schema-valid data
# is still refused by business rules — an expired reset link, an unknown programme — with a 4xx.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
# Fuzzing these would end the very session the fuzzer signs in with.
SKIP = {"POST /api/auth/logout"}
APP_OF = {
    Role.SYSTEM_ADMIN: "admin", Role.COMMITTEE_ADMIN: "admin", Role.COMPANY_ADMIN: "admin", Role.COMPANY_STAFF: "admin",
    Role.STORE_MANAGER: "merchant", Role.STORE_STAFF: "merchant", Role.CITIZEN: "wallet",
}  # fmt: skip


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A server of its own: what the fuzzer creates or changes must not disturb the other tests."""
    running = start_server(tmp_path_factory.mktemp("fuzz") / "state")
    yield running
    running.process.terminate()
    running.process.wait(timeout=20)


def own_terminal(company_admin: Client, store_name: str) -> tuple[str, str]:
    """A terminal of its own for a second till of the store: binding one device unbinds the previous one."""
    store = company_admin.get(f"/api/admin/stores?name={quote(store_name)}").json["items"][0]
    made = company_admin.post("/api/admin/terminals", {"store_id": store["store_id"], "device_name": "fuzz"}).json
    return made["terminal_id"], made["password"]


def sign_in(server: LocalServer, role: Role, signed_in: dict[Role, Client]) -> Client:
    http = over_http(server.base_url)
    if role is Role.CITIZEN:
        client = Client("wallet", http)
        client.post("/api/wallet/auth/start", {"email": "fuzz@example.jp"})
        client.post("/api/auth/verify", {"code": last_code(server, "fuzz@example.jp")})
        return client
    if role in (Role.STORE_MANAGER, Role.STORE_STAFF):
        login = {Role.STORE_MANAGER: "shopuser01", Role.STORE_STAFF: "shopstaff01"}[role]
        if role is Role.STORE_MANAGER:
            terminal_id, password = server.terminal("エーナ食堂 本店")
        else:
            terminal_id, password = own_terminal(signed_in[Role.COMPANY_ADMIN], "エーナ食堂 本店")
        client = Client("merchant", http)
        client.post("/api/merchant/terminal/bind", {"terminal_id": terminal_id, "password": password})
        client.post("/api/merchant/login", {"login_id": login, "password": login})
        client.post(
            "/api/auth/initial-password",
            {"new_password": f"{login}-Fuzz-2026", "confirm_password": f"{login}-Fuzz-2026"},
        )
        return client
    login = {
        Role.SYSTEM_ADMIN: "sysadmin01",
        Role.COMMITTEE_ADMIN: "ena-0001",
        Role.COMPANY_ADMIN: "ena-0002",
        Role.COMPANY_STAFF: "ena-0003",
    }[role]
    client = Client("admin", http)
    step = client.post("/api/auth/login", {"login_id": login, "password": login}).json
    if step["next"] == "change_password":
        client.post(
            "/api/auth/initial-password", {"new_password": f"{login}-Fuzz2026", "confirm_password": f"{login}-Fuzz2026"}
        )
    client.post("/api/auth/verify", {"code": last_code(server, f"{login.replace('-', '')}@shoken.example")})
    return client


def auth_headers(client: Client | None, app: str) -> dict[str, str]:
    headers = {"X-Shoken-App": app}
    if client is not None:
        if client.csrf:
            headers["X-CSRF-Token"] = client.csrf
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return headers


def test_every_route_as_every_admitted_role(fuzz_server: LocalServer, tmp_path: Path) -> None:
    import api_document

    schema = schemathesis.openapi.from_dict(api_document.build())
    clients: dict[Role, Client] = {}
    for role in Role:  # in order: the company admin is signed in before the store staff needs it
        clients[role] = sign_in(fuzz_server, role, clients)
        assert clients[role].get("/api/auth/me", headers={"X-Shoken-App": APP_OF[role]}).status == 200, role
    session = requests.Session()
    by_key = {r.key: r for r in routes.ROUTES}
    tried = {"operations": 0, "cases": 0}
    per_operation: dict[str, int] = {}
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        route = by_key[f"{operation.method.upper()} {operation.path}"]
        if route.key in SKIP:
            continue
        callers: list[tuple[str, Client | None, str]] = [("anonymous", None, "admin")]
        if route.gate is Gate.SESSION:
            callers += [(role.value, clients[role], APP_OF[role]) for role in Role if role in route.roles]
        tried["operations"] += 1
        per_operation[route.key] = 0
        examples = max(4, -(-MIN_CASES // len(callers)))
        for round_number in range(MAX_ROUNDS):
            if per_operation[route.key] >= MIN_CASES or any(f.startswith(f"{route.key} as") for f in failures):
                break
            for label, client, app in callers:
                headers = auth_headers(client, app)

                @seed(round_number)
                @settings(
                    max_examples=examples,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=operation.as_strategy())
                def fuzz(case: Any) -> None:
                    tried["cases"] += 1
                    per_operation[route.key] += 1  # noqa: B023
                    try:
                        # fuzz() runs within this loop iteration, so the loop variables are the current ones.
                        sent = headers  # noqa: B023
                        case.call_and_validate(
                            base_url=fuzz_server.base_url, session=session, headers=sent, checks=CHECKS
                        )
                    except Exception as error:  # collected, so one run reports every route that fails
                        failures.append(f"{route.key} as {label}: {str(error).splitlines()[0][:300]}")  # noqa: B023
                        raise

                try:
                    fuzz()
                except BaseException as error:  # recorded above; go on with the next route
                    if isinstance(error, KeyboardInterrupt):
                        raise
                    continue
    fewest = min(per_operation.values())
    print(f"schemathesis: fewest cases for one operation: {fewest}")
    short = {key: n for key, n in per_operation.items() if n < MIN_CASES}
    assert not short or failures, f"operations fuzzed fewer than {MIN_CASES} times: {short}"
    print(f"schemathesis: {tried['operations']} operations, {tried['cases']} cases")
    assert not failures, "\n".join(failures[:40])
