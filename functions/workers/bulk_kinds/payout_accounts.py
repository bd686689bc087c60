"""振込先口座 rows: the account of an existing store or company in the uploader's scope (one row each),
checked as on 店舗詳細 / 企業詳細 and written to the audit log of its company as a form change is."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shoken import audit, bank, payout_account
from shoken.db import payout_accounts
from shoken.db.dynamo import Item
from shoken.entities import HomeFieldRefused
from shoken.errors import ShokenError
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime
from workers.bulk_kinds import Kind, Lap, References, Unique, named


class PayoutAccounts(Kind):
    def home(self, uploader: Principal, data: dict[str, Any], refs: References) -> Scope:
        _, company, store = named(refs, data)
        field_name = "store_id" if data.get("store_id") else "company_id"
        target = store if field_name == "store_id" else company
        if target is None or not uploader.covers(Scope.of(target)):
            problem = "store_unknown" if field_name == "store_id" else "company_unknown"
            raise HomeFieldRefused(field_name, "unknown", problem)
        return Scope.of(target)

    def problem(self, model: BaseModel) -> tuple[str, str] | None:
        try:
            payout_account.checked(model)  # type: ignore[arg-type]
        except ShokenError as error:
            return (payout_account.ERROR_COLUMNS.get(error.code, ""), error.text)
        return None

    def unique(self, model: BaseModel) -> list[Unique]:
        assert isinstance(model, payout_account.PayoutAccountRow)
        # One account a payee, within the file; an existing account is replaced, so nothing is claimed.
        return [Unique("店舗ID" if model.store_id else "企業ID", "", model.owner)]

    def record(self, n: int, model: BaseModel, data: dict[str, Any], home: Scope, lap: Lap) -> Item:
        assert isinstance(model, payout_account.PayoutAccountRow)
        return payout_accounts.item(
            model.owner,
            scope={"committee_id": home.committee_id, "company_id": home.company_id, "store_id": home.store_id},
            account=payout_account.checked(model),
            now=lap.now,
            by=lap.uploader.user_id,
        )

    def finish(self, rt: Runtime, job: Item, records: list[Item]) -> None:
        for record in records:
            owner_type, owner_id = str(record["owner"]).split("#", 1)
            audit.record(
                rt,
                "payout_account_registered",
                actor=dict(job["owner"]),
                scope=Scope.of(record),
                target_type="store" if owner_type == "ST" else "company",
                target_id=owner_id,
                bank=f"{record['bank_code']}-{record['branch_code']}",
                account=bank.masked(str(record["account_number"])),
                holder=record["holder_kana"],
                via=str(job["job_id"]),
            )
