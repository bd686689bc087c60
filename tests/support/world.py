"""Builds small cities for tests out of the same item builders the application and the seed use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from shoken import ids, money
from shoken.clock import JST, iso
from shoken.db import committees, companies, keys, programmes, stores, terminals, users, wallets
from shoken.db.dynamo import Item
from shoken.passwords import hash_password
from shoken.roles import Role
from shoken.runtime import Runtime

# The test programme P1's terms: 10,000 yen books worth 13,000, 6,500 共通 and 6,500 専用.
PROGRAMME_TERMS = money.ProgrammeTerms(
    "P1",
    10_000,
    {money.VoucherType.COMMON: 6_500, money.VoucherType.DEDICATED: 6_500},
    "2026-11-01",
    "2027-04-30",
)


@dataclass
class World:
    rt: Runtime
    counters: dict[str, int] = field(default_factory=dict)

    def _next(self, name: str) -> int:
        """The next number of a sequence; the table's counter follows, as the seed's does."""
        self.counters[name] = self.counters.get(name, 0) + 1
        value = self.counters[name] + (100 if name == "user" else 0)
        pk, sk = keys.sequence(name)
        self.put({"PK": pk, "SK": sk, "kind": "sequence", "value": value})
        return value

    @property
    def now(self) -> str:
        return iso(self.rt.clock.now())

    def put(self, *items: Item) -> None:
        self.rt.db.batch_put(items)

    def committee(
        self, committee_id: str = "1", *, service_id: str = "enacity", name: str = "恵那市商品券事業実行委員会"
    ) -> Item:
        record = committees.item(
            committee_id,
            name=name,
            city="恵那市",
            issuer_name=name,
            wallet_service_id=service_id,
            wallet_service_name=f"{name}の電子商品券",
            external_acquirer_id=f"EXT{committee_id}",
        )
        self.put(record)
        return record

    def company(self, committee: Item, name: str = "テスト企業") -> Item:
        record = companies.item(
            ids.company_id(self._next("company")), committee_id=committee["committee_id"], name=name, now=self.now
        )
        self.put(record)
        return record

    def store(self, company: Item, *, name: str = "テスト店舗", large: bool = False, status: str = "active") -> Item:
        record = stores.item(
            ids.store_id(self._next("store")),
            committee_id=company["committee_id"],
            company_id=company["company_id"],
            company_name=company["name"],
            name=name,
            large=large,
            phone="0573-00-0000",
            area="大井町",
            now=self.now,
        )
        record["status"] = status
        self.put(record)
        return record

    def terminal(self, store: Item, *, password: str = "1234") -> Item:
        record = terminals.item(
            ids.terminal_id(self._next("terminal")),
            committee_id=store["committee_id"],
            company_id=store["company_id"],
            store_id=store["store_id"],
            password=password,
            device_name="iPhone",
            now=self.now,
        )
        self.put(record)
        return record

    def user(
        self,
        role: Role,
        login_id: str,
        *,
        committee: Item | None = None,
        company: Item | None = None,
        store: Item | None = None,
        password: str | None = None,
        email: str | None = None,
    ) -> Item:
        user_id = ids.admin_user_id(self._next("user"))
        if store is not None:
            committee_id, company_id, store_id = store["committee_id"], store["company_id"], store["store_id"]
        elif company is not None:
            committee_id, company_id, store_id = company["committee_id"], company["company_id"], None
        else:
            committee_id, company_id, store_id = (committee["committee_id"] if committee else None), None, None
        record = users.item(
            user_id,
            login_id=login_id,
            name=f"{login_id} さん",
            email=email or f"{login_id}@example.jp",
            role=role.value,
            password_hash=hash_password(password, log_n=10) if password else None,
            now=self.now,
            committee_id=committee_id,
            company_id=company_id,
            store_id=store_id,
        )
        if password is not None:
            record["must_change_password"] = False
        self.put(record, users.login_item(login_id, user_id))
        return record

    def programme(self, committee: Item, programme_id: str = "P1", **overrides: Any) -> Item:
        today = self.rt.clock.now().astimezone(JST).date()
        fields: dict[str, Any] = {
            "name": "令和8年 恵那市プレミアム付商品券",
            "unit_price": 10_000,
            "shares": {"common": 6_500, "dedicated": 6_500},
            "sale_start": (today - timedelta(days=30)).isoformat(),
            "sale_end": (today + timedelta(days=30)).isoformat(),
            "use_start": (today - timedelta(days=10)).isoformat(),
            "use_end": (today + timedelta(days=150)).isoformat(),
            "limit_units": 5,
        }
        fields.update(overrides)
        record = programmes.item(programme_id, committee_id=committee["committee_id"], now=self.now, **fields)
        self.put(record)
        return record

    def wallet(self, committee: Item, email: str, *, buckets: list[money.Bucket] | None = None) -> Item:
        wallet_id = ids.wallet_id()
        record = wallets.item(
            wallet_id,
            committee_id=committee["committee_id"],
            service_id=committee["wallet_service_id"],
            email=email,
            now=self.now,
            buckets=buckets,
        )
        self.put(
            record, wallets.email_item(committee["wallet_service_id"], email, wallet_id), wallets.listing_item(record)
        )
        return record
