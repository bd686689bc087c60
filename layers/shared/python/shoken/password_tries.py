"""One password try against an account's lock-out, for signing in and for re-entering a password
(changing the email address): the rule lives here once.

The try is spent before the comparison (users.spend_login_try, a conditioned ADD), so guesses sent side
by side get no more comparisons than the tries left; the fifth wrong one in a row locks the account and
ends its sessions. A locked account compares nothing (a dummy hash keeps the time the same).
"""

from __future__ import annotations

from dataclasses import dataclass

from shoken.db import sessions as session_records
from shoken.db import users
from shoken.db.dynamo import Item
from shoken.passwords import verify_password, verify_user
from shoken.runtime import Runtime


@dataclass(frozen=True, slots=True)
class PasswordTry:
    passed: bool
    compared: bool = True  # the password was compared (False: refused for the lock, nothing compared)
    locked: bool = False  # the account is locked now (by this try or before it)
    just_locked: bool = False  # this try locked it (its sessions are ended)


def try_password(rt: Runtime, user: Item, password: str) -> PasswordTry:
    user_id = str(user["user_id"])
    spent = None if user.get("locked") else users.spend_login_try(rt.db, user_id)
    if spent is None:  # locked, or a burst of guesses has taken the last try: nothing is compared
        verify_password(password, None, dummy_log_n=rt.config.password_log_n)
        return PasswordTry(passed=False, compared=False, locked=True)
    if verify_user(user, password, log_n=rt.config.password_log_n):
        users.passed_login(rt.db, user_id)
        return PasswordTry(passed=True)
    updated = users.failed_login(rt.db, user_id, spent)
    if updated.get("just_locked"):
        session_records.revoke_all(rt.db, f"USER#{user_id}")
    return PasswordTry(passed=False, locked=bool(updated.get("locked")), just_locked=bool(updated.get("just_locked")))
