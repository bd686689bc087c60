"""Writes the generated part of docs/permissions.md from the route table (`make docs`).

A unit test fails when the file is out of date, so the table can be trusted.
"""

from __future__ import annotations

from pathlib import Path

from local.stack import ROOT
from shoken import routes
from shoken.roles import Role
from shoken.routes import Gate

BEGIN = "<!-- generated: route x role (make docs) -->"
END = "<!-- end generated -->"
COLUMNS = list(Role)
SHORT = {
    Role.SYSTEM_ADMIN: "sys",
    Role.COMMITTEE_ADMIN: "acq",
    Role.COMPANY_ADMIN: "co-adm",
    Role.COMPANY_STAFF: "co-stf",
    Role.STORE_MANAGER: "st-mgr",
    Role.STORE_STAFF: "st-stf",
    Role.CITIZEN: "citizen",
}


def table() -> str:
    head = "| method | path | function | gate | " + " | ".join(SHORT[r] for r in COLUMNS) + " |"
    rule = "|" + "---|" * (4 + len(COLUMNS))
    rows = []
    for route in routes.ROUTES:
        if route.gate is Gate.SESSION:
            cells = ["✔" if role in route.roles else "" for role in COLUMNS]
        else:
            cells = ["(" + route.gate.value + ")"] * len(COLUMNS)
        rows.append(
            f"| {route.method} | `{route.path}` | {route.area.value} | {route.gate.value} | " + " | ".join(cells) + " |"
        )
    return "\n".join([head, rule, *rows])


def render(current: str) -> str:
    before, _, rest = current.partition(BEGIN)
    _, _, after = rest.partition(END)
    return f"{before}{BEGIN}\n{table()}\n{END}{after}"


def main() -> None:
    path = Path(ROOT) / "docs" / "permissions.md"
    path.write_text(render(path.read_text()))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
