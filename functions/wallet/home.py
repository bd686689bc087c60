"""ホーム: ご利用可能金額 with its breakdown by voucher type and expiry date."""

from __future__ import annotations

from shoken import money
from shoken.clock import jst_date
from shoken.db import committees, keys, wallets
from shoken.errors import NotFound
from shoken.money import VoucherType
from shoken.principal import Principal
from shoken.runtime import Runtime
from wallet.schemas import BalanceLine, Home


def home(rt: Runtime, caller: Principal) -> Home:
    wallet = wallets.get(rt.db, caller.user_id)
    if wallet is None:
        raise NotFound()
    today = jst_date(rt.clock.now())
    buckets = wallet.buckets
    usable = [b for b in buckets if b.usable(today, large_store=False)]
    summary = money.summary(buckets, today=today)
    names = {}
    wanted = sorted({keys.programme(line["programme_id"]) for line in summary})
    if wanted:
        names = {k[0].split("#", 1)[1]: str(v["name"]) for k, v in rt.db.batch_get(wanted, consistent=False).items()}
    committee = committees.get(rt.db, wallet.committee_id)
    return Home(
        wallet_id=wallet.wallet_id,
        service_name=str(committee["wallet_service_name"]) if committee else "",
        balance=sum(b.balance for b in usable),
        common=sum(b.balance for b in usable if b.voucher_type is VoucherType.COMMON),
        dedicated=sum(b.balance for b in usable if b.voucher_type is VoucherType.DEDICATED),
        lines=[
            BalanceLine(
                **line,
                voucher_type_label=VoucherType(line["voucher_type"]).label,
                programme_name=names.get(line["programme_id"]),
            )
            for line in summary
        ],
        pending=sum(b.balance for b in buckets if b.balance > 0 and b.usable_from > today),
    )
