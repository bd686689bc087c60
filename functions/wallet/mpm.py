"""The citizen's side of MPM: read the store's QR, check the amount and the store, then pay."""

from __future__ import annotations

from shoken import payment
from shoken.clock import epoch
from shoken.db import keys
from shoken.errors import PaymentRequestNotFound
from shoken.principal import Principal
from shoken.runtime import Runtime
from shoken.status import RequestState
from wallet.schemas import MpmView, PaymentDone

PREFIX = "SKMPM:"


def view(rt: Runtime, caller: Principal, request_id: str) -> MpmView:
    request_id = request_id.removeprefix(PREFIX)
    store_id, _ = payment.parse_mpm(request_id)
    found = rt.db.batch_get([keys.mpm_request(request_id), keys.store(store_id)], consistent=True)
    record, store = found.get(keys.mpm_request(request_id)), found.get(keys.store(store_id))
    if record is None or store is None or record.get("committee_id") != caller.committee_id:
        raise PaymentRequestNotFound()
    valid_until = int(record["valid_until_epoch"])
    state = (
        RequestState.PAID
        if record.get("state") == RequestState.PAID
        else (RequestState.EXPIRED if valid_until <= epoch(rt.clock.now()) else RequestState.OPEN)
    )
    return MpmView(
        request_id=request_id,
        store_name=str(store["name"]),
        amount=int(record["amount"]),
        state=state,
        valid_until=valid_until,
    )


def pay(rt: Runtime, caller: Principal, request_id: str, idem: str) -> PaymentDone:
    result = payment.pay_request(rt, caller, request_id=request_id.removeprefix(PREFIX), idem=idem)
    return PaymentDone(
        number=result.number,
        amount=result.amount,
        store_name=result.store_name,
        occurred_at=result.occurred_at,
        balance_after=result.balance_after,
        method=result.method,
    )
