"""「QRコード表示」: issue a short-lived single-use payment token, and tell the phone when it was used."""

from __future__ import annotations

from datetime import timedelta

from shoken import qr
from shoken.clock import epoch
from shoken.db import keys, throttle, wallets
from shoken.errors import NotFound, QrCodeNotFound, WalletSuspended
from shoken.principal import Principal
from shoken.runtime import Runtime
from shoken.status import RequestState
from wallet.schemas import PaymentDone, QrIssued, QrState

ISSUES_PER_MINUTE = 20


class SuspendedNoQr(WalletSuspended):
    variant = "qr"


def issue(rt: Runtime, caller: Principal) -> QrIssued:
    now = rt.clock.now()
    throttle.hit(rt.db, f"qr#{caller.user_id}", limit=ISSUES_PER_MINUTE, window_seconds=60, now=now)
    wallet = wallets.get(rt.db, caller.user_id)
    if wallet is None:
        raise NotFound()
    if not wallet.active:
        raise SuspendedNoQr()
    token = qr.new_token(caller.user_id)
    ttl = timedelta(seconds=rt.config.qr_ttl_seconds)
    record = qr.item(token, caller.user_id, now=now, ttl=ttl)
    rt.db.put(record)
    return QrIssued(
        poll_id=qr.digest(token),
        token=token,
        image=qr.png_data_url(token),
        valid_until=int(record["valid_until_epoch"]),
        ttl_seconds=rt.config.qr_ttl_seconds,
    )


def state(rt: Runtime, caller: Principal, poll_id: str) -> QrState:
    record = rt.db.get(keys.qr_token(poll_id), consistent=True) if len(poll_id) == 64 else None
    if record is None or record.get("wallet_id") != caller.user_id:
        raise QrCodeNotFound()
    valid_until = int(record["valid_until_epoch"])
    if record.get("payment"):
        return QrState(state=RequestState.PAID, valid_until=valid_until, payment=PaymentDone(**record["payment"]))
    return QrState(
        state=RequestState.EXPIRED if valid_until <= epoch(rt.clock.now()) else RequestState.WAITING,
        valid_until=valid_until,
    )
