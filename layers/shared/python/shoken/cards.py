"""Card wallets (カード型, SPEC §10): the card number, the two QR texts a card carries and the PIN rules.

A card is a wallet (WALLET#<id>) like an app's, plus a card item (CARD#<number>) holding what only a
card has: its state, the hashes of its payment and balance-check secrets and of its PIN, and the
wrong-PIN and daily-spending counters. The 16-digit number is the issuer prefix, the wallet id and a
Luhn check digit, so a payment reads the card and its wallet in the same BatchGetItem as any other
payment without a lookup. Nothing on the card or in the table is personal data.

- payment QR:  "SC1.<number>.<payment secret>" (read by the merchant app; the PIN is asked every time)
- balance QR:  "<site>/wallet/card.html#<number>.<balance secret>" (a read-only page, no sign-in)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from shoken.errors import DomainError, InvalidRequest, variant
from shoken.status import CARD_STATES, Status

ISSUER_PREFIX = "981"  # 3 digits + 12-digit wallet id + check digit = 16
PAY_PREFIX = "SC1"
BALANCE_PATH = "/wallet/card.html"
NUMBER = re.compile(r"^[0-9]{16}$")
_SECRET = r"[A-Za-z0-9_-]{22,43}"  # noqa: S105  # the shape of a secret, not one
PAY_QR = re.compile(rf"^{PAY_PREFIX}\.([0-9]{{16}})\.({_SECRET})$")
BALANCE_QR = re.compile(rf"^(?:https?://[^#\s]+)?{re.escape(BALANCE_PATH)}#([0-9]{{16}})\.({_SECRET})$")
PIN = re.compile(r"^[0-9]{4}$")
MAX_PIN_FAILURES = 5
DEFAULT_DAILY_LIMIT = 50_000  # yen a card may spend a JST day unless the committee sets another

# What the console shows for each state of a card (and of its wallet).
STATUS_LABELS: dict[str, str] = {state: state.label for state in CARD_STATES}


# --- refusals: each its own code and facts (texts: shoken.messages); none changes anything but the PIN count ---
class CardUnknown(DomainError):
    code = "card_unknown"


CardNumberInvalid = variant(CardUnknown, "number", "CardNumberInvalid")  # typed: not 16 digits or its check digit
CardPayQrInvalid = variant(CardUnknown, "pay_qr", "CardPayQrInvalid")  # read at the till: not a card's payment QR
CardBalanceQrInvalid = variant(CardUnknown, "balance_qr", "CardBalanceQrInvalid")  # on the balance page
CardBalanceSecretWrong = variant(CardUnknown, "balance_secret", "CardBalanceSecretWrong")  # its secret, not the card's


class CardBlocked(DomainError):
    code = "card_blocked"


class CardReplaced(DomainError):
    code = "card_replaced"


class CardMoved(DomainError):
    code = "card_moved"


class CardLocked(DomainError):
    code = "card_locked"


class CardPinRequired(DomainError, InvalidRequest):
    code = "card_pin_required"


class CardPinWrong(DomainError):
    """A wrong PIN, with the tries left before the card locks (facts: left)."""

    code = "card_pin_wrong"

    def __init__(self, left: int) -> None:
        super().__init__(left=left)
        self.left = left


class CardOtherCity(DomainError):
    code = "card_other_city"


class CardBalanceQrAtStore(DomainError, InvalidRequest):
    code = "card_balance_qr"


class CardPaymentQrOnBalance(DomainError, InvalidRequest):
    code = "card_payment_qr"


class CardDailyLimit(DomainError):
    """Over the committee's daily limit for a card (facts: limit, left)."""

    code = "card_daily_limit"

    def __init__(self, limit: int, left: int) -> None:
        super().__init__(limit=limit, left=left)


class WeakPin(DomainError, InvalidRequest):
    code = "weak_pin"


PinNotFourDigits = variant(WeakPin, "format", "PinNotFourDigits")


REFUSAL_BY_STATUS: dict[str, type[DomainError]] = {
    Status.BLOCKED: CardBlocked,
    Status.REPLACED: CardReplaced,
    Status.MOVED: CardMoved,
}


def refuse_unless_active(status: str) -> None:
    """A card that is not active is refused with the reason its state names."""
    if status != Status.ACTIVE:
        raise REFUSAL_BY_STATUS.get(status, CardBlocked)()


# --- the number -------------------------------------------------------------------------------------
def luhn_digit(body: str) -> str:
    """The Luhn check digit that makes `body` + digit valid (ISO/IEC 7812)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        value = int(char)
        if position % 2 == 0:  # the digit left of the check digit is doubled
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return bool(NUMBER.match(number)) and luhn_digit(number[:-1]) == number[-1]


def number_for(wallet_id: str) -> str:
    body = ISSUER_PREFIX + wallet_id
    return body + luhn_digit(body)


def wallet_of(number: str) -> str:
    """The wallet id inside a card number (CardUnknown if the number is not one of ours)."""
    digits = re.sub(r"[\s-]", "", number)
    if not luhn_valid(digits) or not digits.startswith(ISSUER_PREFIX):
        raise CardNumberInvalid()
    return digits[len(ISSUER_PREFIX) : -1]


def display_number(number: str) -> str:
    """「9812 3456 7890 1234」: the number in groups of four, as printed."""
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


# --- secrets and QR texts ---------------------------------------------------------------------------
def new_secret() -> str:
    return secrets.token_urlsafe(16)


def secret_digest(secret: str) -> str:
    """128 random bits need no slow hash; the table keeps only this digest."""
    return hashlib.sha256(secret.encode()).hexdigest()


def pay_text(number: str, secret: str) -> str:
    return f"{PAY_PREFIX}.{number}.{secret}"


def balance_url(base_url: str, number: str, secret: str) -> str:
    return f"{base_url.rstrip('/')}{BALANCE_PATH}#{number}.{secret}"


@dataclass(frozen=True)
class Scanned:
    number: str
    secret: str

    @property
    def wallet_id(self) -> str:
        return wallet_of(self.number)


def is_card_text(text: str) -> bool:
    """Whether the merchant app read a card (either of its QR codes) rather than a phone's."""
    stripped = text.strip()
    return stripped.startswith(PAY_PREFIX + ".") or BALANCE_PATH in stripped


def parse_pay(text: str) -> Scanned:
    stripped = text.strip()
    if BALANCE_QR.match(stripped):
        raise CardBalanceQrAtStore()
    found = PAY_QR.match(stripped)
    if not found:
        raise CardPayQrInvalid()
    scanned = Scanned(found.group(1), found.group(2))
    scanned.wallet_id  # noqa: B018  # the check digit is checked before anything is read
    return scanned


def parse_balance(number: str, secret: str) -> Scanned:
    """What the balance page sends: the part after # of the balance QR (a payment QR is named as such)."""
    if number.startswith(PAY_PREFIX + "."):
        raise CardPaymentQrOnBalance()
    if not re.fullmatch(_SECRET, secret):
        raise CardBalanceQrInvalid()
    scanned = Scanned(number, secret)
    scanned.wallet_id  # noqa: B018
    return scanned


# --- PIN --------------------------------------------------------------------------------------------
def check_pin_rule(pin: str) -> None:
    """4 digits, not one digit four times and not a run (1234, 9876): the easiest guesses."""
    if not PIN.match(pin):
        raise PinNotFourDigits()
    steps = {int(pin[i + 1]) - int(pin[i]) for i in range(3)}
    if len(set(pin)) == 1 or steps in ({1}, {-1}):
        raise WeakPin()


# A PIN is kept as HMAC-SHA256 under the PIN pepper, a secret outside the table (Secrets Manager in AWS,
# a file locally), with a random salt so two cards of one PIN do not share a value. 4 digits are 10,000
# values whatever the work factor, so their protection is the pepper, not a slow hash: a copy of the
# table alone gives nothing to guess against, and the wrong-PIN lock stops guessing at the till. A value
# without the scheme's prefix is an older scrypt hash (passwords.py), still verified and rewritten in the
# scheme at the card's next payment with the right PIN.
PIN_SCHEME = "pin-hmac-sha256"


def _pin_mac(pepper: bytes, salt: bytes, pin: str) -> bytes:
    return hmac.new(pepper, salt + b"\x1f" + pin.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def hash_pin(pepper: bytes, pin: str) -> str:
    salt = secrets.token_bytes(16)
    return f"{PIN_SCHEME}${_b64(salt)}${_b64(_pin_mac(pepper, salt, pin))}"


def pin_outdated(stored: str) -> bool:
    return not stored.startswith(PIN_SCHEME + "$")


def verify_pin(pepper: bytes, pin: str, stored: str) -> bool:
    if pin_outdated(stored):
        from shoken import passwords  # only a card not yet paid with since the scheme changed

        return passwords.verify_password(pin, stored)
    try:
        _, salt, mac = stored.split("$")
        expected = base64.urlsafe_b64decode(mac + "=" * (-len(mac) % 4))
        salt_bytes = base64.urlsafe_b64decode(salt + "=" * (-len(salt) % 4))
    except ValueError:  # binascii.Error is a ValueError
        return False
    return hmac.compare_digest(_pin_mac(pepper, salt_bytes, pin), expected)


def new_pin() -> str:
    while True:
        pin = f"{secrets.randbelow(10_000):04d}"
        try:
            check_pin_rule(pin)
        except WeakPin:
            continue
        return pin
