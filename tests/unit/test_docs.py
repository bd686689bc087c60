"""Generated documentation matches the code it is generated from."""

from __future__ import annotations

from pathlib import Path

from local import docs


def test_permissions_table_is_current() -> None:
    path = Path(docs.ROOT) / "docs" / "permissions.md"
    assert path.read_text() == docs.render(path.read_text()), "run `make docs` and commit docs/permissions.md"
