"""HTTP entry point of the payments function (routes of area "payments" in shoken.routes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from payments.schemas import CancelResult, CardReceipt, MpmCreate, MpmCreated, MpmState, PayRequest, Receipt
from shoken import api, cards, payment, runtime
from shoken.config import PaymentsConfig
from shoken.observability import http_entry

if TYPE_CHECKING:  # only the annotations name it: the runtime import costs a cold start about 5 ms (issue 19)
    from aws_lambda_powertools.utilities.typing import LambdaContext

app = api.make_resolver()


@app.post("/api/payments")
def handle_pay(body: PayRequest) -> Receipt | CardReceipt:
    if cards.is_card_text(body.token):  # a card's QR, paid with its PIN (issue 16.3)
        from shoken import card_payment  # loaded by the first card payment, not by every cold start

        result = card_payment.pay_by_card(
            api.rt(), api.principal(), text=body.token, pin=body.pin, amount=body.amount, idem=body.idempotency_key
        )
        return CardReceipt.of_card(result)
    result = payment.pay_by_token(
        api.rt(), api.principal(), token_text=body.token, amount=body.amount, idem=body.idempotency_key
    )
    return Receipt.of(result)


@app.post("/api/transactions/<number>/cancel")
def handle_cancel_payment(number: str) -> CancelResult:
    from payments import cancel  # loaded by the first cancel, not by every payment's cold start

    return cancel.cancel(api.rt(), api.principal(), number)


@app.post("/api/merchant/mpm")
def handle_create_mpm_request(body: MpmCreate) -> MpmCreated:
    from payments import mpm  # as cancel: off the payment's path

    return mpm.create(api.rt(), api.principal(), body.amount)


@app.get("/api/merchant/mpm/<request_id>")
def handle_get_mpm_request(request_id: str) -> MpmState:
    from payments import mpm

    return mpm.state(api.rt(), api.principal(), request_id)


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return api.serve(app, event, context, runtime.get(PaymentsConfig))
