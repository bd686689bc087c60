"""End-to-end fixtures: the local server as a subprocess (as `make run` starts it) and headless Chromium."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Flags this machine needs: no sandbox as root, and no background network (refused here anyway).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# What the people using shoken have: a Japanese browser in Japan time, with Japanese fonts (SPEC §13).
# On Linux Chromium takes its UI language from LANGUAGE/LANG (its --lang flag is ignored there) and
# needs that language's resources (Debian's chromium-l10n). Playwright's `locale` only changes
# navigator.language and Intl: date fields and file pickers follow the UI language.
BROWSER_ENV = {"LANG": "ja_JP.UTF-8", "LANGUAGE": "ja", "TZ": "Asia/Tokyo"}
PHONE = {"width": 390, "height": 844}
PC = {"width": 1366, "height": 768}


def japanese_fonts_installed() -> bool:
    """True when fontconfig has a font for Japanese (Debian's fonts-noto-cjk); without one every
    Japanese character is a box of one width and layout bugs pass unseen."""
    try:
        listed = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(listed.stdout.strip())


def context_options(viewport: dict[str, int], **extra: Any) -> dict[str, Any]:
    return {"locale": "ja-JP", "timezone_id": "Asia/Tokyo", "viewport": viewport, **extra}


@dataclass
class LocalServer:
    base_url: str
    state_dir: Path
    process: subprocess.Popen[bytes]

    def demo_logins(self) -> list[dict[str, str]]:
        return list(json.loads((self.state_dir / "demo-logins.json").read_text()))

    def terminal(self, store_name: str) -> tuple[str, str]:
        for entry in self.demo_logins():
            if entry["role"] == "端末" and entry["note"] == store_name:
                terminal_id, _, password = entry["login"].partition(" / ")
                return terminal_id, password
        raise KeyError(store_name)

    def mails(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(self.base_url + "/_local/mail.json", timeout=10) as response:  # noqa: S310
            return list(reversed(json.loads(response.read())))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(state_dir: Path, extra_env: dict[str, str] | None = None) -> LocalServer:
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "SHOKEN_STATE": str(state_dir),
        "PASSWORD_HASH_LOG_N": "10",
        **(extra_env or {}),
    }
    log = (state_dir.parent / f"server-{port}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "local.server"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"local server exited: see {log.name}")
        try:
            with urllib.request.urlopen(base_url + "/api/health", timeout=2):  # noqa: S310
                return LocalServer(base_url, state_dir, process)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("local server did not start within 60 s")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    state = tmp_path_factory.mktemp("e2e") / "state"
    running = start_server(state)
    yield running
    running.process.terminate()
    running.process.wait(timeout=20)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    assert japanese_fonts_installed(), "no Japanese font: install Debian's fonts-noto-cjk (make test does)"
    launched = launch(playwright)
    assert_browser_speaks_japanese(launched)
    yield launched
    launched.close()


def launch(playwright: Any, extra_args: list[str] | None = None) -> Any:
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, *(extra_args or [])],
        env={**os.environ, **BROWSER_ENV},
    )


def rendered_fields(page: Any, selector: str) -> str:
    """What a date/time input shows, read from Chromium's own accessibility tree (the fields live in
    the browser's shadow DOM, out of reach of the page): e.g. "年/月/日 時間:分" for a Japanese user,
    "Month/Day/Year, Hours:Minutes AM/PM" for an American one. A file input gives the words beside its
    button ("選択されていません" / "No file chosen")."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node_id = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        backend = cdp.send("DOM.describeNode", {"nodeId": node_id})["node"]["backendNodeId"]
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    by_id = {n["nodeId"]: n for n in nodes}
    top = next(n for n in nodes if n.get("backendDOMNodeId") == backend)
    if top.get("role", {}).get("value") == "button":
        return str(top.get("value", {}).get("value", ""))
    parts: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        role = node.get("role", {}).get("value")
        name = str(node.get("name", {}).get("value", ""))
        if role == "spinbutton":
            parts.append(name.split(" ")[0])  # Chromium repeats the field's name ("年 年")
            return
        if role == "StaticText" and not any(c.isdigit() for c in name):
            parts.append(name.replace("\u202f", " "))
        for child in node.get("childIds", []):
            if child in by_id:
                walk(by_id[child])

    walk(top)
    return "".join(parts).strip()


def assert_browser_speaks_japanese(browser: Any) -> None:
    """The launched Chromium shows date fields and file pickers in Japanese (no server page needed)."""
    context = browser.new_context(**context_options(PC))
    try:
        probe = context.new_page()
        probe.set_content("<input type=date id=d><input type=file id=f>")
        shown = (rendered_fields(probe, "#d"), rendered_fields(probe, "#f"))
    finally:
        context.close()
    assert shown == ("年/月/日", "選択されていません"), (
        f"Chromium's UI is not Japanese ({shown}): install Debian's chromium-l10n (make test does)"
    )


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(**context_options(PHONE))
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def assert_accessible(page: Any) -> None:
    """Run axe-core on the page; fail on serious or critical violations (issue 2, item 8)."""
    # Evaluated over the DevTools protocol, so the page's CSP (no inline scripts) stays in force.
    page.evaluate(AXE.read_text() + "\n;0")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not bad, "accessibility violations:\n" + "\n".join(bad)


def last_code(server: LocalServer, address: str) -> str:
    from tests.support import mailbox

    return mailbox.last_code(address, server.mails())


def console_sign_in(page: Any, server: LocalServer, login_id: str, email: str) -> None:
    """Sign in to the console through its screens, replacing the initial password if asked."""
    page.goto(server.base_url + "/admin/#/login")
    page.get_by_label("ログインID").fill(login_id)
    new_password = f"{login_id}-Ena2026"
    page.get_by_label("パスワード", exact=True).fill(login_id)
    page.get_by_role("button", name="ログイン").click()
    heading = (
        page.get_by_role("heading", name="パスワード変更")
        .or_(page.get_by_role("heading", name="メールアドレス認証"))
        .or_(page.get_by_role("alert"))
    )
    heading.first.wait_for()
    if page.get_by_role("alert").count():
        page.get_by_label("パスワード", exact=True).fill(new_password)
        page.get_by_role("button", name="ログイン").click()
    elif page.get_by_role("heading", name="パスワード変更").count():
        page.get_by_label("新しいパスワードを入力").fill(new_password)
        page.get_by_label("パスワード確認").fill(new_password)
        page.get_by_role("button", name="変更する").click()
        page.get_by_role("button", name="OK").click()
    page.get_by_role("heading", name="メールアドレス認証").wait_for()
    page.get_by_label("6桁の確認コード").fill(last_code(server, email))
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("button", name="ログアウト").wait_for()
