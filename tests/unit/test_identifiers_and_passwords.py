"""Identifier formats of the manual (SPEC §2) and the password rules (SPEC §3.1, §4.2, §7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shoken import ids, passwords


def test_ids_have_the_manual_formats() -> None:
    assert ids.COMPANY_ID.match(ids.company_id(8)) and ids.company_id(8) == "00008"
    assert ids.store_id(9) == "9000009"
    assert ids.terminal_id(2) == "000000358002"
    assert ids.TERMINAL_PASSWORD.match(ids.terminal_password())
    number = ids.transaction_number(datetime(2026, 11, 29, 3, tzinfo=UTC))
    assert ids.TRANSACTION_NUMBER.match(number) and number.startswith("261129")
    assert ids.WALLET_ID.match(ids.wallet_id())


def test_scrypt_hash_verifies_and_carries_its_parameters() -> None:
    stored = passwords.hash_password("Kuri-kinton7", log_n=10)
    assert stored.startswith("scrypt$10$8$1$")
    assert passwords.verify_password("Kuri-kinton7", stored)
    assert not passwords.verify_password("Kuri-kinton8", stored)
    assert not passwords.verify_password("Kuri-kinton7", None)
    assert not passwords.verify_password("x", "md5$garbage")
    assert passwords.hash_password("same", log_n=10) != passwords.hash_password("same", log_n=10)  # salted


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("abcdefgh", "letters only"),
        ("12345678", "digits only"),
        ("abc1234", "7 characters"),
        ("ａｂｃ１２３４５", "full-width"),
        ("abcd 1234", "space"),
        ("password1", "common"),
        ("shopuser01", "equals the login ID"),
    ],
)
def test_weak_admin_passwords_are_refused(password: str, reason: str) -> None:
    with pytest.raises(passwords.WeakPassword):
        passwords.check_admin_password(password, password, "shopuser01")


def test_staff_passwords_need_twelve_characters() -> None:
    passwords.check_admin_password("Kuri-kinton7", "Kuri-kinton7", "ena-0001")
    with pytest.raises(passwords.WeakPassword):
        passwords.check_staff_password("Kuri-kinto7", "Kuri-kinto7", "shopuser01")
    passwords.check_staff_password("Kuri-kinton-77", "Kuri-kinton-77", "shopuser01")
    with pytest.raises(passwords.PasswordMismatch):
        passwords.check_staff_password("Kuri-kinton-77", "Kuri-kinton-78", "shopuser01")


def test_initial_password_is_the_login_id_until_changed() -> None:
    user = {"login_id": "shopuser01", "must_change_password": True}
    assert passwords.verify_user(user, "shopuser01", log_n=10)
    assert not passwords.verify_user(user, "shopuser02", log_n=10)
    assert not passwords.verify_user({**user, "must_change_password": False}, "shopuser01", log_n=10)
    changed = {
        **user,
        "must_change_password": False,
        "password_hash": passwords.hash_password("Kuri-kinton7", log_n=10),
    }
    assert passwords.verify_user(changed, "Kuri-kinton7", log_n=10)
    assert not passwords.verify_user(changed, "shopuser01", log_n=10)
