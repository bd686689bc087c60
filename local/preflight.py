"""Checks what `make run` (and each install step) needs before anything is installed or started.

Each problem is one line naming the fix: a missing or old Python, a Python without venv, a missing
Node.js or npm, a port in use, no network to the package registries. Runs on the system Python with
the standard library only (the venv may not exist yet), so it keeps to syntax old Pythons still parse.

    python3 local/preflight.py [port] [python] [npm] [pypi]
      port    HOST:PORT (from the environment, as the server reads them) is free to listen on
      python  this Python can make the venv;  pypi  the Python package index answers
      npm     Node.js and npm are installed and the npm registry answers
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request

MIN_PYTHON = (3, 11)
MIN_NODE = 18
TIMEOUT = 8


def check_python() -> list[str]:
    if sys.version_info < MIN_PYTHON:
        have = ".".join(str(part) for part in sys.version_info[:3])
        return [
            f"Python 3.11 or newer is needed ({sys.executable} is {have}): install it "
            "(e.g. apt-get install python3.11 python3.11-venv) and run it as PYTHON=python3.11 make run"
        ]
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
        return [f"this Python cannot make a venv: install python{minor}-venv (apt-get install python{minor}-venv)"]
    return []


def check_node() -> list[str]:
    if not shutil.which("node") or not shutil.which("npm"):
        return ["Node.js 20 with npm is needed to install jsQR: install it (e.g. apt-get install nodejs npm)"]
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=TIMEOUT).stdout.strip()
    try:
        major = int(version.lstrip("v").split(".")[0])
    except ValueError:
        major = 0
    if major < MIN_NODE:
        return [f"Node.js 20 is needed (node is {version or 'unknown'}): install a newer Node.js"]
    return []


def check_port(host: str, port: int) -> list[str]:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                return [port_in_use(host, port)]
            return [f"cannot listen on {host}:{port} ({error.strerror}): set HOST to an address of this machine"]
    return []


def port_in_use(host: str, port: int) -> str:
    return f"port {port} on {host} is in use (another make run?): stop it, or run PORT={port + 1} make run"


def pip_index() -> str:
    configured = os.environ.get("PIP_INDEX_URL")
    if not configured:
        listed = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, timeout=30
        ).stdout
        for line in listed.splitlines():
            name, _, value = line.partition("=")
            if name.endswith(".index-url"):
                configured = value.strip().strip("'\"")
    return (configured or "https://pypi.org/simple").rstrip("/") + "/"


def npm_registry() -> str:
    configured = os.environ.get("NPM_CONFIG_REGISTRY")
    if not configured:
        configured = subprocess.run(
            ["npm", "config", "get", "registry"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    return (configured or "https://registry.npmjs.org").rstrip("/") + "/"


def check_reachable(what: str, url: str, fix: str) -> list[str]:
    """Any HTTP answer counts as reachable; only a failure to connect (DNS, refused, timeout) stops."""
    if not url.startswith(("http://", "https://")):
        return []
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=TIMEOUT).close()  # noqa: S310
    except urllib.error.HTTPError:
        return []
    except urllib.error.URLError as error:
        if "CERTIFICATE" in str(error.reason).upper():
            return []  # TLS is pip's and npm's business (they may trust other certificates)
        return [f"no network to {what} ({url}: {error.reason}): connect to the network, or {fix}, and try again"]
    except OSError as error:
        return [f"no network to {what} ({url}: {error}): connect to the network, or {fix}, and try again"]
    return []


def main(argv: list[str]) -> int:
    if os.environ.get("SHOKEN_PREFLIGHT_DONE"):
        return 0  # `make run` checked everything before its first step
    problems: list[str] = []
    if "python" in argv:
        problems += check_python()
    if "port" in argv:
        port = os.environ.get("PORT") or "8000"
        if not port.isdigit() or not 0 < int(port) < 65536:
            problems.append(f"PORT={port} is not a port number: use e.g. PORT=8000 make run")
        else:
            problems += check_port(os.environ.get("HOST") or "127.0.0.1", int(port))
    if "pypi" in argv and not problems:
        problems += check_reachable("the Python package index", pip_index(), "set PIP_INDEX_URL to a mirror")
    if "npm" in argv:
        node = check_node()
        problems += node
        if not node and not problems:
            problems += check_reachable("the npm registry", npm_registry(), "set NPM_CONFIG_REGISTRY to a mirror")
    for problem in problems:
        print(f"make: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
