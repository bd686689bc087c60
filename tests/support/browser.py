"""Browser steps the e2e tests and `make screens` share: a resident signed in to the wallet by emailed
code, a phone bound to a store's terminal, a till's staff first sign-in, a camera that sees a video.

Each step calls `at(screen)` once each screen it passes through has appeared (before its form is
filled), so a test checks what it wants there (axe, layout, texts) without writing the steps again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from tests.support import mailbox

Screen = Callable[[str], None]


class Server(Protocol):
    """What the steps need of the local server under test (tests/e2e/conftest.py LocalServer)."""

    base_url: str

    def mails(self) -> list[dict[str, Any]]: ...


def _nowhere(screen: str) -> None:
    del screen


def _reached(page: Any, heading: str, at: Screen) -> None:
    page.get_by_role("heading", name=heading).wait_for()
    at(heading)


def fake_camera(video: Path) -> list[str]:
    """Chromium's arguments for a camera that shows `video` and is allowed without a prompt."""
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]


def wallet_sign_in(page: Any, server: Server, email: str, *, at: Screen = _nowhere) -> None:
    """The wallet's sign-in: the address, then the code mailed to it (screens メールアドレス, 確認コード)."""
    page.goto(server.base_url + "/wallet/")
    page.get_by_label("メールアドレス").wait_for()
    at("メールアドレス")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_role("button", name="確認コードを送信").click()
    page.get_by_label("6桁の確認コード").wait_for()
    at("確認コード")
    page.get_by_label("6桁の確認コード").fill(mailbox.last_code(email, server.mails()))
    page.get_by_role("button", name="ログイン").click()


def bind_terminal(till: Any, server: Server, terminal_id: str, password: str, *, at: Screen = _nowhere) -> None:
    """The merchant app's 端末設定 with a terminal's id and password, confirmed on 店舗情報確認."""
    till.goto(server.base_url + "/merchant/")
    _reached(till, "端末設定", at)
    till.get_by_label("端末ID").fill(terminal_id)
    till.get_by_label("パスワード").fill(password)
    till.get_by_role("button", name="OK").click()
    _reached(till, "店舗情報確認", at)
    till.get_by_role("button", name="OK").click()


def till_first_sign_in(till: Any, login_id: str, new_password: str, *, at: Screen = _nowhere) -> None:
    """Staff sign in on a bound till with the initial password (the login id) and replace it
    (screens ログイン, パスワード設定), ending on the change's confirmation dismissed."""
    _reached(till, "ログイン", at)
    till.get_by_label("ログインID").fill(login_id)
    till.get_by_label("パスワード").fill(login_id)
    till.get_by_role("button", name="ログイン").click()
    _reached(till, "パスワード設定", at)
    till.get_by_label("新しいパスワード", exact=True).fill(new_password)
    till.get_by_label("パスワードの確認").fill(new_password)
    till.get_by_role("button", name="変更").click()
    till.get_by_role("button", name="OK").click()
