"""引換コード (issue 15.1): a one-time code per eligible person, for residents the city would rather write to
than ask to type their resident details.

A person's code is derived from their resident-list hash under the city's resident key
(HMAC-SHA256, domain "redeem-v1"), 12 characters of a 32-letter alphabet without 0/O/1/I: 60 bits,
unguessable without the key, and the same code however often the sheet is printed again. The table
keeps only a keyed digest of the code (`RCODE#`), pointing at the person's hash, so a copy of the table
reveals no code. Redeeming binds the person to the wallet by the same eligibility conditions as matching
the list (one person, one eligibility, whatever the channel), and marks the code used in the same
transaction: the code works once, for one wallet.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Sequence

from shoken import privacy, sale
from shoken.clock import iso
from shoken.db import keys
from shoken.db import residents as resident_items
from shoken.db.dynamo import Expr, Item
from shoken.errors import (
    EligibilityTaken,
    LeftResidentList,
    RedemptionCodeInvalid,
    RedemptionCodeUsed,
    WalletHoldsOther,
)
from shoken.runtime import Runtime

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 letters: no 0/O, 1/I
LENGTH = 12  # 60 bits
_SEPARATORS = re.compile(r"[\s\-‐‑–—ー－]+")


def code_for(key: bytes, programme_id: str, matching_hash: str) -> str:
    """The person's code for the programme, as 12 letters (shown in groups of four)."""
    mac = hmac.new(key, "\x1f".join(("redeem-v1", programme_id, matching_hash)).encode(), hashlib.sha256).digest()
    number = int.from_bytes(mac[:8], "big") >> (64 - 5 * LENGTH)
    letters = []
    for _ in range(LENGTH):
        number, index = divmod(number, 32)
        letters.append(ALPHABET[index])
    return "".join(reversed(letters))


def shown(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(typed: str) -> str | None:
    """The code as typed (full-width, lower case, spaces and hyphens allowed), or None if it cannot be one."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed)).upper()
    if len(text) != LENGTH or any(c not in ALPHABET for c in text):
        return None
    return text


def digest(key: bytes, programme_id: str, code: str) -> str:
    return hmac.new(key, "\x1f".join(("redeem-code-v1", programme_id, code)).encode(), hashlib.sha256).hexdigest()


def item(key: bytes, programme_id: str, matching_hash: str, now: str) -> Item:
    pk, sk = keys.redemption_code(programme_id, digest(key, programme_id, code_for(key, programme_id, matching_hash)))
    # Tagged with its programme, so the retention run deletes it with the programme's other resident data.
    return {
        "PK": pk,
        "SK": sk,
        "kind": "redemption_code",
        "matching_hash": matching_hash,
        "issued_at": now,
        **privacy.tag(programme_id, pk, sk),
    }


def issue(rt: Runtime, programme_id: str, matching_hashes: Sequence[str]) -> int:
    """Record the codes of these people (re-run safe: a code already issued, used or not, is left as it is).
    Returns how many were new."""
    now = iso(rt.clock.now())
    wanted = [item(rt.resident_key, programme_id, h, now) for h in matching_hashes]
    new: list[Item] = []
    for start in range(0, len(wanted), 100):
        chunk = wanted[start : start + 100]
        existing = rt.db.batch_get([(str(i["PK"]), str(i["SK"])) for i in chunk])
        new.extend(i for i in chunk if (str(i["PK"]), str(i["SK"])) not in existing)
    rt.db.batch_put(new)
    return len(new)


def redeem(rt: Runtime, programme_id: str, wallet_id: str, typed: str) -> str:
    """Make the wallet eligible as the code's person; returns the person's hash. Re-redeeming one's own
    code is a no-op; someone else's, or a used one, is refused and nothing is written."""
    code = normalise(typed)
    if code is None:
        raise RedemptionCodeInvalid()
    code_key = keys.redemption_code(programme_id, digest(rt.resident_key, programme_id, code))
    record = rt.db.get(code_key)
    if record is None:
        raise RedemptionCodeInvalid()
    matching_hash = str(record["matching_hash"])
    listed, _ = resident_items.is_listed(rt.db, programme_id, matching_hash)
    if not listed:  # the person left the list after the code was printed
        raise LeftResidentList()
    now = iso(rt.clock.now())
    code_expr = Expr()
    actions = [
        rt.db.tx_update(
            code_key,
            f"SET {code_expr.n('redeemed_by')} = {code_expr.v(wallet_id)}, "
            f"{code_expr.n('redeemed_at')} = if_not_exists({code_expr.n('redeemed_at')}, {code_expr.v(now)})",
            code_expr,
            condition=(
                f"attribute_exists({code_expr.n('PK')}) AND (attribute_not_exists({code_expr.n('redeemed_by')}) "
                f"OR {code_expr.n('redeemed_by')} = {code_expr.v(wallet_id)})"
            ),
        ),
        *sale.eligibility_actions(rt, programme_id, wallet_id, matching_hash, channel="code"),
    ]
    sale.transact_refusing(rt, actions, {0: RedemptionCodeUsed(), 1: EligibilityTaken(), 2: WalletHoldsOther()})
    return matching_hash
