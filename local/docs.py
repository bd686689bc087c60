"""Writes the generated parts of docs/permissions.md (`make docs`): the route table, and what each
function's IAM role is granted (infra/table_access.py, infra/service_access.py).

A unit test fails when the file is out of date, so the tables can be trusted.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from local.stack import ROOT

# isort: split
# local.stack has put the shared layer on sys.path (`make docs` runs without PYTHONPATH), which infra needs.
from infra import service_access, table_access
from shoken import routes
from shoken.roles import Role
from shoken.routes import Gate

BEGIN = "<!-- generated: route x role (make docs) -->"
GRANTS_BEGIN = "<!-- generated: function x AWS resource (make docs) -->"
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


def _codes(values: Iterable[str]) -> str:
    listed = sorted(values)
    return " ".join(f"`{v}`" for v in listed) if listed else "—"


def _items(actions: tuple[str, ...], prefixes: tuple[str, ...]) -> str:
    if not actions or not prefixes:
        return "—"
    return ", ".join(a.removeprefix("dynamodb:") for a in actions) + " on " + _codes(f"{p}*" for p in prefixes)


def grants() -> str:
    """One row a function: its table actions and key kinds, the indexes it queries, S3 objects and mail."""
    head = "| function | table reads | table writes | indexes | S3 | mail |"
    rule = "|" + "---|" * 6
    rows = []
    for function in table_access.FUNCTIONS:
        access = table_access.ACCESS[function]
        objects = [
            f"{use.action.removeprefix('s3:')} `{use.bucket}/{use.keys}`"
            for use in service_access.OBJECT_USES
            if use.function == function
        ]
        mail = service_access.SEND_EMAIL.removeprefix("ses:") if function in service_access.MAIL_SENDERS else "—"
        rows.append(
            f"| {function} | {_items(access.read_actions, access.read_prefixes)} "
            f"| {_items(access.write_actions, access.write_prefixes)} | {_codes(access.indexes)} "
            f"| {'<br>'.join(objects) or '—'} | {mail} |"
        )
    return "\n".join([head, rule, *rows])


def _replace(current: str, begin: str, body: str) -> str:
    before, found, rest = current.partition(begin)
    if not found:
        raise ValueError(f"docs/permissions.md has lost its marker {begin}")
    _, _, after = rest.partition(END)
    return f"{before}{begin}\n{body}\n{END}{after}"


def render(current: str) -> str:
    return _replace(_replace(current, BEGIN, table()), GRANTS_BEGIN, grants())


def main() -> None:
    path = Path(ROOT) / "docs" / "permissions.md"
    path.write_text(render(path.read_text()))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
