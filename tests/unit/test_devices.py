"""端末詳細's 設定した機器: a readable device name from a browser's User-Agent."""

from __future__ import annotations

import pytest

from shoken.devices import describe


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "iPhone (Safari)",
        ),
        (
            "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Android (Chrome)",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 CriOS/131.0 Safari/604.1",
            "iPad (Chrome)",
        ),
        ("shoken-tests", "不明な機器"),
        ("", "不明な機器"),
    ],
)
def test_a_user_agent_reads_as_the_device_it_is(agent: str, name: str) -> None:
    assert describe(agent) == name
