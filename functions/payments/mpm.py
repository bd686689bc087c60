"""「QRコード表示」 in the merchant app (MPM): the store shows a QR for an amount, the citizen's wallet
reads it and pays; the till watches the request until it is paid."""

from __future__ import annotations

from datetime import timedelta

from payments.schemas import MpmCreated, MpmState, Receipt
from shoken import payment, qr
from shoken.clock import epoch, iso
from shoken.db import keys
from shoken.errors import PaymentRequestNotFound
from shoken.principal import Principal
from shoken.runtime import Runtime
from shoken.status import RequestState

PREFIX = "SKMPM:"


def create(rt: Runtime, caller: Principal, amount: int) -> MpmCreated:
    payment.check_amount(amount)
    assert caller.store_id and caller.terminal_id
    now = rt.clock.now()
    request_id = payment.mpm_request_id(caller.store_id, caller.terminal_id)
    valid_until = now + timedelta(seconds=rt.config.qr_ttl_seconds)
    pk, sk = keys.mpm_request(request_id)
    rt.db.put(
        {
            "PK": pk,
            "SK": sk,
            "kind": "mpm",
            "request_id": request_id,
            "committee_id": caller.committee_id,
            "company_id": caller.company_id,
            "store_id": caller.store_id,
            "terminal_id": caller.terminal_id,
            "amount": amount,
            "state": RequestState.OPEN,
            "created_at": iso(now),
            "valid_until_epoch": epoch(valid_until),
            "expires_at_epoch": epoch(valid_until + timedelta(minutes=30)),
            "operator": {"id": caller.user_id, "login": caller.login_id, "name": caller.name},
        }
    )
    text = PREFIX + request_id
    return MpmCreated(
        request_id=request_id, qr_text=text, image=qr.png_data_url(text), amount=amount, valid_until=epoch(valid_until)
    )


def state(rt: Runtime, caller: Principal, request_id: str) -> MpmState:
    record = rt.db.get(keys.mpm_request(request_id))
    if record is None or record.get("terminal_id") != caller.terminal_id:
        raise PaymentRequestNotFound()
    valid_until = int(record["valid_until_epoch"])
    if record.get("state") == RequestState.PAID:
        return MpmState(
            state=RequestState.PAID.value,
            amount=int(record["amount"]),
            valid_until=valid_until,
            payment=_receipt(record),
        )
    expired = valid_until <= epoch(rt.clock.now())
    return MpmState(
        state=RequestState.EXPIRED.value if expired else RequestState.OPEN.value,
        amount=int(record["amount"]),
        valid_until=valid_until,
    )


def _receipt(record: dict[str, object]) -> Receipt:
    view = record["payment"]
    assert isinstance(view, dict)
    return Receipt(
        number=str(view["number"]),
        amount=int(view["amount"]),
        store_id=str(record["store_id"]),
        store_name=str(view["store_name"]),
        terminal_id=str(record["terminal_id"]),
        occurred_at=str(view["occurred_at"]),
        method="mpm",
    )
