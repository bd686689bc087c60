"""The message catalogue: every domain refusal's code has its status and both its texts in one place."""

from __future__ import annotations

import re
import string

from admin import errors as admin_errors  # noqa: F401
from admin import programmes  # noqa: F401
from auth import errors as auth_errors  # noqa: F401
from payments import cancel  # noqa: F401
from programme import errors as programme_errors  # noqa: F401
from programme import payout_accounts  # noqa: F401
from shoken import (  # noqa: F401
    bank,
    deposits,
    draw_check,
    entities,
    errors,
    history_errors,
    messages,
    payment,
    privacy,
    resident_file,
    residents,
    zengin,
)
from shoken.db import idempotency, ledger  # noqa: F401
from wallet import codes  # noqa: F401
from workers import bulk_rows, totals  # noqa: F401


def domain_errors(cls: type[errors.DomainError] = errors.DomainError) -> set[type[errors.DomainError]]:
    found: set[type[errors.DomainError]] = set()
    for sub in cls.__subclasses__():
        # a family (errors.RequestRefused …) is only the base of its variants, never raised itself
        found |= (set() if vars(sub).get("family") else {sub}) | domain_errors(sub)
    return found


def test_every_domain_error_takes_its_status_and_texts_from_the_catalogue() -> None:
    # Given every DomainError the money path raises
    kinds = domain_errors()
    assert len(kinds) >= 14
    for kind in kinds:
        # Then its status and Japanese message are its catalogue entry's, and it defines neither itself
        entry = messages.CATALOGUE[kind.key()]
        assert (kind.status, kind.message) == (entry.status, entry.ja), kind
        assert "status" not in vars(kind) or kind.status == entry.status
    # And every entry is some error's (no text is left without a code that says it)
    assert {kind.key() for kind in kinds} == set(messages.CATALOGUE)


def test_both_languages_name_the_same_facts() -> None:
    for key, entry in messages.CATALOGUE.items():
        ja = {f for _, f, _, _ in string.Formatter().parse(entry.ja) if f}
        en = {f for _, f, _, _ in string.Formatter().parse(entry.en) if f}
        assert ja == en, key
        assert entry.ja and entry.en and not re.search(r"[ぁ-んァ-ン一-龥]", entry.en), key


def test_a_refusal_carries_its_facts_and_says_them_in_the_callers_language() -> None:
    # Given a payment short of balance, with what the store can take
    refused = payment.InsufficientHere(available=1_234)
    # Then the refusal holds the fact, and each language says it
    assert refused.facts == {"available": 1_234} and refused.code == "insufficient_balance"
    assert refused.body()["error"]["message"] == "残高が不足しています。この店舗でご利用可能な金額は 1,234円です。"
    assert refused.body("en")["error"]["message"] == "Not enough balance. The amount usable at this store is ¥1,234."
    # And an error of the edge (not a domain refusal) keeps its one message
    assert errors.NotFound().body("en")["error"]["message"] == errors.NotFound.message
