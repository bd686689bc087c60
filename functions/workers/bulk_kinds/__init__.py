"""マスタ一括登録's entity kinds behind one interface: where a row's record goes, which values it must
not share, the record it writes and what follows the write. One module a kind; KINDS names them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from pydantic import BaseModel

from shoken.db import keys
from shoken.db.dynamo import Item
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime

References = dict[tuple[str, str], Item]


class Unique(NamedTuple):
    """A value no two rows may share: `column` names it in an error; `guard` is the kind of guard item
    that claims it across the table ("login", "company", …), or "" when only the file must not repeat it."""

    column: str
    guard: str
    value: str


@dataclass(frozen=True)
class Lap:
    """What every record of one lap is built from (the same on every lap: ids and passwords are derived)."""

    now: str
    seed: bytes
    uploader: Principal
    refs: References


def named(refs: References, data: dict[str, Any]) -> tuple[Item | None, Item | None, Item | None]:
    """The committee, company and store a row names (None where it names none, or one that is not there)."""

    def one(key: Any, field: str) -> Item | None:
        return refs.get(key(str(data[field]))) if data.get(field) else None

    return one(keys.committee, "committee_id"), one(keys.company, "company_id"), one(keys.store, "store_id")


class Kind:
    """One entity kind. `id_field` is the new ID 登録結果 lists beside its row (None: rows update records)."""

    id_field: str | None = None

    def home(self, uploader: Principal, data: dict[str, Any], refs: References) -> Scope:
        """Where the row's record goes, by the rules of the console's own form (shoken.entities)."""
        raise NotImplementedError

    def problem(self, model: BaseModel) -> tuple[str, str] | None:
        """The column and reason the form would refuse the row for beyond its home; None if none."""
        return None

    def unique(self, model: BaseModel) -> list[Unique]:
        return []

    def record(self, n: int, model: BaseModel, data: dict[str, Any], home: Scope, lap: Lap) -> Item:
        """The record of the row numbered `n` of the file's valid rows (`data`: its fields, references dropped)."""
        raise NotImplementedError

    def finish(self, rt: Runtime, job: Item, records: list[Item]) -> None:
        """What follows once every record is written."""


def kind_of(spec_name: str) -> Kind:
    from workers.bulk_kinds import companies, payout_accounts, stores, terminals, users

    kinds: dict[str, Kind] = {
        "companies": companies.Companies(),
        "stores": stores.Stores(),
        "terminals": terminals.Terminals(),
        "users": users.Users(),
        "payout_accounts": payout_accounts.PayoutAccounts(),
    }
    return kinds[spec_name]
