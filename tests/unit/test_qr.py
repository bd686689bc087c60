"""The payment QR token and its image: unguessable, wallet-bound, and readable by a standard decoder."""

from __future__ import annotations

import base64

import numpy as np
import png
import pytest
import zxingcpp

from shoken import qr


def decode_png_data_url(data_url: str) -> str:
    raw = base64.b64decode(data_url.split(",", 1)[1])
    width, height, rows, info = png.Reader(bytes=raw).asDirect()
    planes = info["planes"]
    pixels = np.vstack([np.asarray(row, dtype=np.uint8) for row in rows]).reshape(height, width, planes)[:, :, 0]
    if info["bitdepth"] == 1:
        pixels = pixels * 255
    found = zxingcpp.read_barcodes(pixels)
    assert found, "no QR code found in the image"
    return str(found[0].text)


def test_generated_image_decodes_to_the_token() -> None:
    token = qr.new_token("100000000001")
    assert decode_png_data_url(qr.png_data_url(token)) == token


def test_tokens_are_unguessable_and_bound_to_a_wallet() -> None:
    tokens = {qr.new_token("100000000001") for _ in range(1000)}
    assert len(tokens) == 1000
    parsed = qr.parse(next(iter(tokens)))
    assert parsed.wallet_id == "100000000001"
    secret = parsed.token.split(".")[1]
    assert len(base64.urlsafe_b64decode(secret + "==")) == 16  # 128 bits from the OS's CSPRNG
    assert len(parsed.digest) == 64 and parsed.token not in parsed.digest


@pytest.mark.parametrize(
    "text",
    ["", "hello", "100000000001", "10000000000.abcdefghijklmnopqrstuv", "100000000001.short", "https://evil.example/"],
)
def test_anything_else_is_not_a_token(text: str) -> None:
    with pytest.raises(qr.TokenInvalid):
        qr.parse(text)
