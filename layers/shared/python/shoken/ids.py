"""Identifiers in the manual's formats (SPEC §2) and the random ones the system makes up."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from shoken.clock import JST

COMPANY_ID = re.compile(r"^[0-9]{5}$")
STORE_ID = re.compile(r"^[0-9]{7}$")
TERMINAL_ID = re.compile(r"^[0-9]{12}$")
TERMINAL_PASSWORD = re.compile(r"^[0-9]{4}$")
TRANSACTION_NUMBER = re.compile(r"^[0-9]{18}$")
WALLET_ID = re.compile(r"^[0-9]{12}$")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_GROUPING = re.compile(r"[\s\-]+")


def as_typed(text: str) -> str:
    """A number as a person types it, made plain: full-width digits from a Japanese IME become ASCII
    (NFKC) and the spaces or hyphens that group it are dropped. A shop reading a 取引番号 out over the
    phone groups it; the clerk types what she hears."""
    import unicodedata

    return _GROUPING.sub("", unicodedata.normalize("NFKC", text))


# Sequences start where the manual's examples suggest (store 9000009, terminal 000000358002), so
# ids issued here look like the running system's; they are data, not rules.
STORE_BASE = 9_000_000
TERMINAL_BASE = 358_000


def company_id(sequence: int) -> str:
    return f"{sequence:05d}"


def store_id(sequence: int) -> str:
    return f"{STORE_BASE + sequence:07d}"


def terminal_id(sequence: int) -> str:
    return f"{TERMINAL_BASE + sequence:012d}"


def admin_user_id(sequence: int) -> str:
    return f"{sequence:08d}"


def terminal_password() -> str:
    return f"{secrets.randbelow(10_000):04d}"


def transaction_number(at: datetime) -> str:
    """18 digits: the JST date, then 12 random digits (collisions are caught by a conditional put)."""
    return at.astimezone(JST).strftime("%y%m%d") + f"{secrets.randbelow(10**12):012d}"


def wallet_id() -> str:
    """ユーザID of a citizen: 12 random digits, unique by a conditional put at sign-up."""
    return f"{secrets.randbelow(9 * 10**11) + 10**11:012d}"


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
