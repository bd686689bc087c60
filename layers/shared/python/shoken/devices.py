"""A short, readable name for the device a browser runs on (端末詳細's 設定した機器), from its User-Agent."""

from __future__ import annotations

import re

_SYSTEMS = (
    (re.compile(r"iPhone"), "iPhone"),
    (re.compile(r"iPad"), "iPad"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Macintosh|Mac OS X"), "Mac"),
    (re.compile(r"CrOS"), "Chromebook"),
    (re.compile(r"Linux"), "Linux"),
)
_BROWSERS = (
    (re.compile(r"Edg/"), "Edge"),
    (re.compile(r"(CriOS|Chrome|Chromium)/"), "Chrome"),
    (re.compile(r"(FxiOS|Firefox)/"), "Firefox"),
    (re.compile(r"Safari/"), "Safari"),
)


def describe(user_agent: str) -> str:
    """「iPhone (Safari)」, 「Android (Chrome)」, or 「不明な機器」 when nothing is recognised."""
    system = next((name for pattern, name in _SYSTEMS if pattern.search(user_agent)), None)
    browser = next((name for pattern, name in _BROWSERS if pattern.search(user_agent)), None)
    if system is None:
        return "不明な機器" if browser is None else browser
    return f"{system} ({browser})" if browser else system
