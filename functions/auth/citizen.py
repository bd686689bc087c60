"""Citizen wallet sign-in: email, then a six-digit code; the first sign-in creates the wallet."""

from __future__ import annotations

from collections.abc import Callable

from auth import issue, profile, signin
from auth.errors import NoWalletService, WalletSuspended
from auth.schemas import SignInStep, WalletStartRequest
from shoken import api, mail
from shoken.clock import iso
from shoken.db import committees, wallets
from shoken.db.dynamo import Item
from shoken.principal import Scope
from shoken.runtime import Runtime


def start(rt: Runtime, body: WalletStartRequest) -> SignInStep:
    committee = _committee_for(rt, body.service_id)
    email = body.email.lower()
    signin.reserve_mail(rt, email)  # before anything is written: a refused start leaves no attempt
    attempt_id = signin.new_attempt(
        rt,
        "wallet",
        "verify_email",
        email=email,
        service_id=committee["wallet_service_id"],
        committee_id=committee["committee_id"],
        service_name=committee["wallet_service_name"],
    )
    signin.deliver_code(rt, attempt_id, _mail(email, str(committee["wallet_service_name"])))
    issue.pending(rt, "wallet", attempt_id)
    return SignInStep(next="verify_email", email_hint=signin.mask_email(email))


def resend(rt: Runtime, attempt: Item) -> SignInStep:
    email = str(attempt["email"])
    signin.send_code(rt, str(attempt["attempt_id"]), email, _mail(email, str(attempt["service_name"])), attempt=attempt)
    return SignInStep(next="verify_email", email_hint=signin.mask_email(str(attempt["email"])))


def finish(rt: Runtime, attempt: Item, code: str) -> SignInStep:
    signin.check_code(rt, str(attempt["attempt_id"]), code)
    wallet = wallets.find_or_create(
        rt.db,
        committee_id=str(attempt["committee_id"]),
        service_id=str(attempt["service_id"]),
        email=str(attempt["email"]),
        now=iso(rt.clock.now()),
    )
    if not wallet.active:
        raise WalletSuspended()
    csrf, ends = issue.start_session(
        rt,
        home_pk=f"WALLET#{wallet.wallet_id}",
        subject=wallet.wallet_id,
        role="citizen",
        app="wallet",
        claims={"acq": wallet.committee_id},
    )
    api.audit_event(
        "login",
        scope=Scope(wallet.committee_id),
        actor={"wallet_id": wallet.wallet_id, "role": "citizen"},
        app="wallet",
    )
    return SignInStep(next="done", csrf_token=csrf, me=profile.for_wallet(rt, wallet, ends=ends))


def _mail(email: str, service_name: str) -> Callable[[str, int], mail.Mail]:
    return lambda code, minutes: mail.wallet_code(email, code, minutes, service_name)


def _committee_for(rt: Runtime, service_id: str | None) -> Item:
    everything = committees.list_all(rt.db)
    if service_id is None and len(everything) == 1:
        return everything[0]
    for committee in everything:
        if committee.get("wallet_service_id") == service_id:
            return committee
    raise NoWalletService()
