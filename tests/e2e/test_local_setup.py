"""`make run`'s checks before it installs or starts anything (issue 22, bad input): one line naming the fix."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from local import preflight, snapshot
from tests.e2e.conftest import ROOT, LocalServer, free_port, start_server
from tests.support.client import Client, over_http


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_a_port_in_use_is_named_with_the_fix(busy_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    assert preflight.check_port("127.0.0.1", busy_port) == [
        f"port {busy_port} on 127.0.0.1 is in use (another make run?): stop it, or run PORT={busy_port + 1} make run"
    ]
    assert preflight.check_port("127.0.0.1", free_port()) == []
    monkeypatch.setenv("PORT", str(busy_port))
    monkeypatch.setenv("HOST", "127.0.0.1")
    assert preflight.main(["port"]) == 1


def test_the_server_stops_on_a_port_in_use_before_touching_any_data(busy_port: int, tmp_path) -> None:
    state = tmp_path / "state"
    done = subprocess.run(
        [sys.executable, "-m", "local.server", "--port", str(busy_port), "--state", str(state)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"cannot start: {preflight.port_in_use('127.0.0.1', busy_port)}"
    assert not state.exists()


def test_an_old_python_or_one_without_venv_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    assert preflight.check_python() == []
    monkeypatch.setattr(sys, "version_info", (3, 9, 2, "final", 0))
    [problem] = preflight.check_python()
    assert "Python 3.11 or newer is needed" in problem and "3.9.2" in problem and "PYTHON=python3.11" in problem


def test_a_missing_node_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preflight.shutil, "which", lambda name: None)
    assert preflight.check_node() == [
        "Node.js 20 with npm is needed to install jsQR: install it (e.g. apt-get install nodejs npm)"
    ]


def test_no_network_to_a_registry_is_named_but_any_answer_counts_as_reachable() -> None:
    closed = free_port()
    [problem] = preflight.check_reachable("the npm registry", f"http://127.0.0.1:{closed}/", "set X")
    assert problem.startswith(f"no network to the npm registry (http://127.0.0.1:{closed}/: ")
    assert problem.endswith("connect to the network, or set X, and try again")
    answering = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)  # answers 501
    threading.Thread(target=answering.serve_forever, daemon=True).start()
    try:
        assert preflight.check_reachable("x", f"http://127.0.0.1:{answering.server_address[1]}/", "y") == []
    finally:
        answering.shutdown()


def server_log(server: LocalServer) -> str:
    port = server.base_url.rsplit(":", 1)[1]
    return (server.state_dir.parent / f"server-{port}.log").read_text()


def stop(server: LocalServer) -> None:
    server.process.terminate()
    server.process.wait(timeout=20)


def test_data_of_another_shape_is_reseeded_and_kept_aside_instead_of_failing(tmp_path) -> None:
    """Issue 22.4: a `make run` after pulling new code reseeds (and says so) when the data's shape changed."""
    state = tmp_path / "state"
    first = start_server(state)
    stop(first)
    assert "local data: seeded the demo city" in server_log(first)
    stamp = json.loads((state / "version.json").read_text())
    assert stamp == {"data_version": snapshot.DATA_VERSION, "table": stamp["table"], "seed": stamp["seed"]}

    # Given data stamped with another table definition, when the server starts, then it reseeds
    (state / "version.json").write_text(json.dumps({**stamp, "table": "0000"}))
    second = start_server(state)
    try:
        log = server_log(second)
        assert "local data: reseeded the demo city, because the table definition changed" in log
        [kept] = (state / "replaced").iterdir()
        assert str(kept) in log and (kept / "table.jsonl").exists() and (kept / "demo-logins.json").exists()
        assert Client("admin", over_http(second.base_url)).get("/api/site").status == 200
    finally:
        stop(second)

    # Given current stamp but an item that no longer loads, when the server starts, then it reseeds too
    with (state / "table.jsonl").open("a") as handle:
        handle.write(json.dumps({"PK": {"S": "OLD#shape"}}) + "\n")  # no sort key: rejected by the table
    third = start_server(state)
    try:
        assert "reseeded the demo city, because its items did not load (ClientError" in server_log(third)
        assert len(list((state / "replaced").iterdir())) == 2
        client = Client("wallet", over_http(third.base_url))
        assert client.post("/api/wallet/auth/start", {"email": "hanako@example.jp"}).status == 200
    finally:
        stop(third)
