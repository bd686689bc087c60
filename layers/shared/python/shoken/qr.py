"""Payment QR tokens: what the citizen's phone shows and the merchant app reads (SPEC §5, §7).

A token is "<wallet id>.<128 random bits>": unguessable, bound to one wallet, no balance or personal
data. The table keeps only its SHA-256, with its expiry and, once used, the payment it made. Putting
the wallet id in the token lets the payment read the token and the wallet in one BatchGetItem.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from shoken.clock import epoch, iso
from shoken.db import keys
from shoken.db.dynamo import Item
from shoken.errors import InvalidRequest

TOKEN = re.compile(r"^([0-9]{12})\.([A-Za-z0-9_-]{22,43})$")


class TokenInvalid(InvalidRequest):
    code = "qr_invalid"
    message = (
        "読み取ったQRコードはこのサービスのものではありません。利用者アプリの「QRコード表示」を読み取ってください。"
    )


@dataclass(frozen=True)
class Parsed:
    token: str
    wallet_id: str

    @property
    def digest(self) -> str:
        return digest(self.token)


def new_token(wallet_id: str) -> str:
    return f"{wallet_id}.{secrets.token_urlsafe(16)}"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse(text: str) -> Parsed:
    found = TOKEN.match(text.strip())
    if not found:
        raise TokenInvalid()
    return Parsed(token=found.group(0), wallet_id=found.group(1))


def item(token: str, wallet_id: str, *, now: datetime, ttl: timedelta) -> Item:
    pk, sk = keys.qr_token(digest(token))
    return {
        "PK": pk,
        "SK": sk,
        "kind": "qr",
        "wallet_id": wallet_id,
        "issued_at": iso(now),
        "valid_until_epoch": epoch(now + ttl),
        # Kept a while after expiry so the wallet can still show the completion screen; then TTL.
        "expires_at_epoch": epoch(now + ttl + timedelta(minutes=30)),
    }


def png_data_url(text: str) -> str:
    """The QR image as a PNG data URL (qrcode + pypng, no imaging library needed)."""
    import qrcode
    from qrcode.image.pure import PyPNGImage

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=PyPNGImage).save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
