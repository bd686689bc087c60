"""The demo city: Ena's committee, a programme, companies, stores of both sizes, terminals, an admin of
every role and citizens with balances and some history. Written with batch writes (moto's
transactions slow down as the table grows), and consistent with what the real operations produce."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from shoken import bank, ids, money
from shoken.clock import JST, iso, jst_date
from shoken.db import (
    committees,
    companies,
    guards,
    keys,
    payout_accounts,
    programmes,
    stores,
    terminals,
    transactions,
    users,
    wallets,
)
from shoken.db import payouts as payout_store
from shoken.db.dynamo import Item
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.txn_types import TxnType

COMMITTEE_ID = "1"
SERVICE_ID = "enacity"
PROGRAMME_ID = "R8ENA"

# (login id, role, name, company index, store index); store index None for company-level users.
ADMINS: list[tuple[str, Role, str, int | None, int | None]] = [
    ("sysadmin01", Role.SYSTEM_ADMIN, "システム 管理者", None, None),
    ("ena-0001", Role.COMMITTEE_ADMIN, "恵那 委員", None, None),
    ("ena-0002", Role.COMPANY_ADMIN, "恵那 企業管理", 0, None),
    ("ena-0003", Role.COMPANY_STAFF, "恵那 企業担当", 0, None),
    ("shopuser01", Role.STORE_MANAGER, "テスト 太郎", 0, 0),
    ("shopstaff01", Role.STORE_STAFF, "テスト 花子", 0, 0),
    ("scmanager01", Role.STORE_MANAGER, "大型 店長", 1, 2),
]

COMPANIES = [
    {"name": "株式会社エーナ食堂", "phone": "0573-20-0001", "address": "岐阜県恵那市大井町1-1"},
    {"name": "恵那ショッピングセンター株式会社", "phone": "0573-20-0002", "address": "岐阜県恵那市長島町2-2"},
    {"name": "まちなか青果有限会社", "phone": "0573-20-0003", "address": "岐阜県恵那市大井町3-3"},
]

# (company index, name, large, area, phone)
STORES = [
    (0, "エーナ食堂 本店", False, "大井町", "0573-25-1001"),
    (0, "エーナ食堂 駅前店", False, "大井町", "0573-25-1002"),
    (1, "恵那ショッピングセンター", True, "長島町", "0573-25-2001"),
    (2, "まちなか青果店", False, "大井町", "0573-25-3001"),
]

CITIZENS = [("hanako@example.jp", 2, 0), ("taro@example.jp", 1, 5000), ("jiro@example.jp", 0, 0)]


def seed(rt: Runtime, *, payments: int = 8) -> list[dict[str, str]]:
    """Write the demo city; returns the demo logins to print (terminal ids with their passwords too)."""
    logins: list[dict[str, str]] = []
    now = rt.clock.now()
    stamp = iso(now)
    rng = random.Random(8)
    items: list[Item] = []
    committee = committees.item(
        COMMITTEE_ID,
        name="恵那市商品券事業実行委員会",
        city="恵那市",
        issuer_name="恵那市商品券事業実行委員会",
        wallet_service_id=SERVICE_ID,
        wallet_service_name="恵那市プレミアム付き電子商品券",
        external_acquirer_id="1",
        contact_phone="0573-54-2902",
        contact_hours="平日8:30~17:00",
    )
    committee["areas"] = {area for _, _, _, area, _ in STORES}
    items += [committee, *guards.items_for("committee", committee, COMMITTEE_ID)]
    today = now.astimezone(JST).date()
    programme = programmes.item(
        PROGRAMME_ID,
        committee_id=COMMITTEE_ID,
        name="令和8年 恵那市プレミアム付商品券",
        unit_price=10_000,
        shares={"common": 6_500, "dedicated": 6_500},
        sale_start=(today - timedelta(days=60)).isoformat(),
        sale_end=(today + timedelta(days=30)).isoformat(),
        use_start=(today - timedelta(days=45)).isoformat(),
        use_end=(today + timedelta(days=120)).isoformat(),
        limit_units=5,
        now=stamp,
    )
    items.append(programme)
    terms = programmes.terms(programme)

    company_ids = [ids.company_id(n + 1) for n in range(len(COMPANIES))]
    for company_id, fields in zip(company_ids, COMPANIES, strict=True):
        company = companies.item(company_id, committee_id=COMMITTEE_ID, now=stamp, **fields)
        items += [company, *guards.items_for("company", company, company_id)]
    store_items: list[Item] = []
    terminal_items: list[Item] = []
    for n, (company_index, name, large, area, phone) in enumerate(STORES):
        store_id = ids.store_id(n + 1)
        store = stores.item(
            store_id,
            committee_id=COMMITTEE_ID,
            company_id=company_ids[company_index],
            company_name=COMPANIES[company_index]["name"],
            name=name,
            large=large,
            area=area,
            phone=phone,
            address=f"岐阜県恵那市{area}{n + 1}-{n + 10}",
            external_store_id=f"S{store_id}",
            now=stamp,
        )
        store_items.append(store)
        items += guards.items_for("store", store, store_id)
        terminal = terminals.item(
            ids.terminal_id(n + 1),
            committee_id=COMMITTEE_ID,
            company_id=company_ids[company_index],
            store_id=store_id,
            password=f"{rng.randrange(10_000):04d}",
            device_name="iPhone 14" if n % 2 == 0 else "iPad",
            external_terminal_id=f"999999{n + 1:02d}",
            external_service_name=SERVICE_ID,
            now=stamp,
        )
        terminal_items.append(terminal)
        items += guards.items_for("terminal", terminal, str(terminal["terminal_id"]))
        logins.append(
            {
                "app": "merchant",
                "role": "端末",
                "login": f"{terminal['terminal_id']} / {terminal['password']}",
                "note": name,
            }
        )
    items += store_items + terminal_items

    for n, (login_id, role, name, company_at, store_at) in enumerate(ADMINS):
        user_id = ids.admin_user_id(n + 1)
        items.append(
            users.item(
                user_id,
                login_id=login_id,
                name=name,
                email=f"{login_id.replace('-', '')}@shoken.example",
                role=role.value,
                now=stamp,
                committee_id=None if role is Role.SYSTEM_ADMIN else COMMITTEE_ID,
                company_id=company_ids[company_at] if company_at is not None else None,
                store_id=store_items[store_at]["store_id"] if store_at is not None else None,
            )
        )
        items.append(users.login_item(login_id, user_id))
        app = "merchant" if role in (Role.STORE_MANAGER, Role.STORE_STAFF) else "admin"
        logins.append({"app": app, "role": role.label, "login": login_id, "note": ""})

    for n, (email, units, grant) in enumerate(CITIZENS):
        wallet_id = f"{100000000001 + n}"
        at = now - timedelta(days=40 - n)
        buckets: list[money.Bucket] = []
        txns: list[Item] = []
        if units:
            number = ids.transaction_number(at)
            bought = money.purchase_buckets(terms, units, source=number, created_at=iso(at))
            buckets += bought
            txns.append(
                _txn(
                    number,
                    TxnType.STORE_CHARGE,
                    at,
                    committee,
                    wallet_id,
                    bought,
                    programme_id=PROGRAMME_ID,
                    units=units,
                )
            )
        if grant:
            number = ids.transaction_number(at)
            granted = money.grant_bucket(terms, grant, money.VoucherType.COMMON, source=number, created_at=iso(at))
            buckets.append(granted)
            txns.append(
                _txn(
                    number,
                    TxnType.CAMPAIGN_GRANT,
                    at,
                    committee,
                    wallet_id,
                    [granted],
                    programme_id=PROGRAMME_ID,
                    campaign_name="全市民5,000円付与",
                )
            )
        for _ in range(payments if units else 0):
            at = at + timedelta(hours=rng.randrange(5, 30))
            if at >= now:
                break
            store = store_items[rng.randrange(len(store_items))]
            amount = rng.choice([380, 540, 1200, 2480, 3000, 860])
            try:
                taken = money.split_payment(buckets, amount, today=jst_date(at), large_store=bool(store["large"]))
            except money.InsufficientBalance:
                continue
            number = ids.transaction_number(at)
            txns.append(
                transactions.item(
                    number,
                    txn_type=TxnType.PAYMENT,
                    at=at,
                    amount=amount,
                    committee=committee,
                    wallet_id=wallet_id,
                    buckets=taken,
                    breakdown=money.breakdown(buckets, taken).to_item(),
                    bucket_info=money.bucket_info(buckets, taken),
                    store=store,
                    terminal_id=terminal_items[store_items.index(store)]["terminal_id"],
                    external_terminal_id=terminal_items[store_items.index(store)].get("external_terminal_id"),
                    method="cpm",
                    operator_login="shopuser01",
                )
            )
            buckets = money.apply(buckets, {k: -v for k, v in taken.items()})
        wallet = wallets.item(
            wallet_id, committee_id=COMMITTEE_ID, service_id=SERVICE_ID, email=email, now=stamp, buckets=buckets
        )
        items += [wallet, wallets.listing_item(wallet)]
        items.append(wallets.email_item(SERVICE_ID, email, wallet_id))
        if buckets:
            items.append({**wallets.holder_item(PROGRAMME_ID, wallet_id), "units": units})
        items += txns
        logins.append({"app": "wallet", "role": "アプリユーザ", "login": email, "note": "メールの確認コードでログイン"})
    items += _payout_demo(store_items, stamp)
    # Console-created ids continue after the demo ones.
    for name, value in (
        ("company", len(COMPANIES)),
        ("store", len(STORES)),
        ("terminal", len(STORES)),
        ("user", len(ADMINS)),
    ):
        pk, sk = keys.sequence(name)
        items.append({"PK": pk, "SK": sk, "kind": "sequence", "value": value})
    rt.db.batch_put(items)
    return logins


CONSIGNOR = "エナシシヨウヒンケンジツコウイインカイ"


def _payout_demo(store_items: list[Item], stamp: str) -> list[Item]:
    """精算: the committee's 委託者 settings and the payout accounts of every store but the large one,
    so a demo run shows a payee left out of the transfer file for want of an account."""
    settings_pk, settings_sk = payout_store.settings_key(COMMITTEE_ID)
    out: list[Item] = [
        {
            "PK": settings_pk, "SK": settings_sk, "kind": "payout_settings", "committee_id": COMMITTEE_ID,
            "consignor_code": "1234567890", "consignor_kana": bank.holder_kana(CONSIGNOR, limit=40),
            "bank_code": "0005", "bank_name": bank.bank_name("0005"), "branch_code": "001",
            "branch_name": bank.branch_name("0005", "001"), "account_type": "ordinary", "account_number": "1234567",
            "updated_at": stamp,
        }
    ]  # fmt: skip
    for n, store in enumerate(store_items):
        if store["large"]:
            continue
        account = {
            "bank_code": "0001", "bank_name": bank.bank_name("0001"), "branch_code": "001",
            "branch_name": bank.branch_name("0001", "001"), "account_type": "ordinary",
            "account_number": f"{1000001 + n}", "holder_kana": bank.holder_kana(f"テンポ{n + 1}"),
        }  # fmt: skip
        out.append(
            payout_accounts.item(
                payout_accounts.owner_of_store(str(store["store_id"])),
                scope={"committee_id": COMMITTEE_ID, "company_id": store["company_id"], "store_id": store["store_id"]},
                account=account,
                now=stamp,
                by=None,
            )
        )
    return out


def _txn(
    number: str,
    txn_type: TxnType,
    at: datetime,
    committee: Item,
    wallet_id: str,
    added: list[money.Bucket],
    **fields: Any,
) -> Item:
    amounts = {b.bucket_id: b.initial for b in added}
    return transactions.item(
        number,
        txn_type=txn_type,
        at=at,
        amount=sum(amounts.values()),
        committee=committee,
        wallet_id=wallet_id,
        buckets=amounts,
        breakdown=money.breakdown(added, amounts).to_item(),
        bucket_info=money.bucket_info(added, amounts),
        **fields,
    )
