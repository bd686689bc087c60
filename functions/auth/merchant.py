"""Merchant app sign-in (manual: 端末ID入力 → 店舗情報確認 → ログイン → パスワード).

The device is bound to one terminal by a long-lived signed cookie whose binding id must match the
terminal record, so re-binding elsewhere or unbinding from the console ends the old device at once.
Terminal passwords are four digits: five wrong tries lock the terminal's setup until an admin
issues a new password.
"""

from __future__ import annotations

import hmac
from typing import Any

from auth import issue, profile, signin
from auth.errors import MerchantStaffOnly, NotThisStore, TerminalLocked, TerminalRejected
from auth.schemas import LoginRequest, SignInStep, TerminalCredentials, TerminalInfo
from shoken import api, devices, sessions
from shoken.clock import iso
from shoken.db import keys, stores, terminals
from shoken.db.dynamo import Expr, Item
from shoken.db.records import Store, Terminal
from shoken.gate import StoreSuspended, TerminalSuspended, check_terminal
from shoken.principal import Scope
from shoken.roles import MERCHANT_ROLES, Role
from shoken.runtime import Runtime


def check(rt: Runtime, body: TerminalCredentials) -> TerminalInfo:
    """店舗情報確認: the store this terminal belongs to, if the terminal ID and password are right."""
    terminal, store = _verify(rt, body)
    return _info(terminal, store)


def bind(rt: Runtime, body: TerminalCredentials) -> TerminalInfo:
    terminal, store = _verify(rt, body)
    binding_id = sessions.new_id()
    expr = Expr()
    rt.db.update(
        keys.terminal(body.terminal_id),
        f"SET {expr.n('binding_id')} = {expr.v(binding_id)}, {expr.n('bound_at')} = {expr.v(iso(rt.clock.now()))}, "
        f"{expr.n('bound_device')} = {expr.v(devices.describe(api.current().request.user_agent))}, "
        f"{expr.n('failed_setups')} = {expr.v(0)}",
        expr,
    )
    issue.terminal_binding(rt, {"term": body.terminal_id, "st": terminal.store_id, "bid": binding_id})
    _audit_terminal("terminal_bound", terminal)
    return _info(terminal, store)


def current(rt: Runtime, binding: dict[str, Any]) -> TerminalInfo:
    terminal, store = _bound(rt, binding)
    return _info(terminal, store)


def login(rt: Runtime, binding: dict[str, Any], body: LoginRequest) -> SignInStep:
    terminal, _ = _bound(rt, binding)
    user = signin.authenticate(rt, body.login_id, body.password)
    if Role(user["role"]) not in MERCHANT_ROLES:
        raise MerchantStaffOnly()
    if user.get("store_id") != terminal.store_id:
        raise NotThisStore()
    if user.get("must_change_password"):
        attempt_id = signin.new_attempt(
            rt,
            "merchant",
            "change_password",
            user_id=user["user_id"],
            terminal_id=terminal.terminal_id,
            binding_id=terminal.binding_id,
        )
        issue.pending(rt, "merchant", attempt_id)
        return SignInStep(next="change_password")
    return start_staff_session(rt, user, {"terminal_id": terminal.terminal_id, "binding_id": terminal.binding_id})


def start_staff_session(rt: Runtime, user: Item, binding: Item) -> SignInStep:
    terminal_id = str(binding["terminal_id"])
    csrf, ends = signin.start_user_session(
        rt, user, app="merchant", terminal_id=terminal_id, binding_id=str(binding["binding_id"])
    )
    return SignInStep(
        next="done", csrf_token=csrf, me=profile.for_user(rt, user, app="merchant", ends=ends, terminal_id=terminal_id)
    )


def _verify(rt: Runtime, body: TerminalCredentials) -> tuple[Terminal, Store]:
    """The terminal and its store, if the password is right. The try is spent before the comparison (a
    conditioned ADD that returns the terminal), so guesses sent side by side get no more comparisons
    than the tries left: the password is 4 digits and the lock is all that guards it. A right password
    gives its try back."""
    try:
        terminal = terminals.spend_setup_try(rt.db, body.terminal_id)
    except terminals.NoSetupTryLeft:
        raise TerminalLocked() from None
    if terminal is None:
        raise TerminalRejected()
    if not hmac.compare_digest(terminal.password, body.password):
        _audit_terminal("terminal_setup_failed", terminal)
        if terminals.setup_locked(terminal):
            raise TerminalLocked()
        raise TerminalRejected()
    terminals.give_back_setup_try(rt.db, body.terminal_id)  # a right password costs no try
    if not terminal.active:
        raise TerminalSuspended()
    store = stores.get(rt.db, terminal.store_id)
    if store is None or not store.active:
        raise StoreSuspended()
    return terminal, store


def _audit_terminal(action: str, terminal: Terminal) -> None:
    """An entry about the terminal, by the terminal (no one is signed in on it yet)."""
    terminal_id = terminal.terminal_id
    api.audit_event(
        action,
        scope=Scope.of(terminal.item),
        actor={"terminal_id": terminal_id},
        target_type="terminal",
        target_id=terminal_id,
    )


def _bound(rt: Runtime, binding: dict[str, Any]) -> tuple[Terminal, Store]:
    terminal_key, store_key = keys.terminal(str(binding["term"])), keys.store(str(binding["st"]))
    found = rt.db.batch_get([terminal_key, store_key])
    terminal, store = found.record(Terminal, terminal_key), found.record(Store, store_key)
    check_terminal(terminal, store, binding.get("bid"))
    assert terminal is not None and store is not None  # check_terminal refuses a missing one
    return terminal, store


def _info(terminal: Terminal, store: Store) -> TerminalInfo:
    return TerminalInfo(
        terminal_id=terminal.terminal_id,
        store_id=store.store_id,
        store_name=store.name,
        store_phone=store.phone,
        company_name=store.company_name,
        device_name=terminal.device_name,
    )
