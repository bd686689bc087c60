"""Cold import of each function's handler from the bundle the deploy builds, against `import boto3`.

The assets are built by infra/bundling.py's own bundlers (the function's code, the shared layer and
its third-party layer, bytecode compiled by the runtime's Python), for this machine's CPU instead of
arm64 so that pydantic's compiled core loads here, and made read-only. boto3, which the Lambda
runtime brings, is installed beside them (pinned as in requirements/dev.txt, compiled the same way).
Each probe is a fresh interpreter of the runtime's Python version with no site-packages and no
writable bytecode cache, its path laid out as Lambda's (/var/task, /opt/python, the runtime), so
nothing is warmed by an earlier run. Medians of several runs; the ratio is taken per run against
`import boto3` in the same interpreter build, so machine noise cancels out.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import stat
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from infra import bundling, names
from infra.constructs.functions import function_environment
from local import stack

ROOT = Path(__file__).resolve().parent.parent
# One probe's ratio ranged from 1.3x to 2.9x on this shared 2-core host (21 runs of one function),
# and a median of 7 moved from 1.63x to 1.84x between two runs of an unchanged function: 15 pairs.
RUNS = 15
# Handler module of each function, by function key.
MODULES = {
    **{spec.key: f"{spec.area}.{spec.module}" for spec in names.http_function_specs()},
    **{spec.key: f"{spec.area}.{spec.module}" for spec in names.WORKER_SPECS},
}
# Issue 19's bars: the payment function within 1.5x `import boto3`, every other within 2x.
LIMITS = {"payments": 1.5}
DEFAULT_LIMIT = 2.0


@dataclass(frozen=True)
class Bundle:
    """One function as Lambda lays it out: its code, its layers (merged under /opt) and the runtime."""

    task: Path
    layers: tuple[Path, ...]
    runtime: Path

    @property
    def path(self) -> str:
        return os.pathsep.join(str(p) for p in (self.task, *self.layers, self.runtime))


def _boto3_pin() -> str:
    """The boto3 the local stack and the tests run (requirements/run.txt), as the runtime stand-in."""
    text = (ROOT / "requirements" / "run.txt").read_text()
    match = re.search(r"^boto3==\S+", text, re.MULTILINE)
    assert match, "requirements/run.txt pins boto3"
    return match.group(0)


def _host_platform() -> str:
    return f"manylinux2014_{platform.machine()}"


def _build_once(target: Path, build: object) -> Path:
    """Build into `target` unless a complete build of the same fingerprint is there; read-only."""
    done = target / ".complete"
    if done.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    build(target)  # type: ignore[operator]
    done.touch()
    for directory, _dirs, files in os.walk(target):
        for name in files:
            path = Path(directory) / name
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return target


def build_bundles() -> dict[str, Bundle]:
    """Every function's bundle, built by the deploy's bundlers for this machine's CPU."""
    cache = bundling.default_runtime_python().parent.parent.parent / "bench-bundles"
    host = _host_platform()
    runtime_pin = _boto3_pin()
    runtime_bundler = bundling.PipInstall(
        [runtime_pin], python_version=names.PYTHON_VERSION, platform=host, runtime_packages=True
    )
    runtime_dir = _build_once(cache / f"runtime-{runtime_bundler.fingerprint()[:16]}", runtime_bundler.bundle)
    shared = bundling.shared_bundler()
    shared_dir = _build_once(cache / f"shared-{shared.fingerprint()[:16]}", shared.bundle)
    bundles: dict[str, Bundle] = {}
    for key, module in MODULES.items():
        area = module.split(".")[0]
        deps = bundling.dependencies_bundler(bundling.needs(area).packages, tracing_sdk=False, platform=host)
        deps_dir = _build_once(cache / f"deps-{deps.fingerprint()[:16]}", deps.bundle)
        code = bundling.function_bundler(area)
        task_dir = _build_once(cache / f"task-{code.fingerprint()[:16]}", code.bundle)
        bundles[key] = Bundle(
            task=task_dir, layers=(shared_dir / "python", deps_dir / "python"), runtime=runtime_dir / "python"
        )
    return bundles


def time_import(bundle: Bundle, code: str, environment: dict[str, str]) -> float:
    """Seconds `code` takes in a fresh runtime-version interpreter that sees only `bundle`, with the
    function's environment as the stack sets it (no init phase: AWS_LAMBDA_FUNCTION_NAME is unset)."""
    probe = "import time\nt = time.perf_counter()\n" + code + "\nprint(time.perf_counter() - t)"
    reply = subprocess.run(
        [str(bundling.runtime_python()), "-S", "-B", "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        env={
            **environment,
            "PYTHONPATH": bundle.path,
            "PYTHONDONTWRITEBYTECODE": "1",
            "AWS_DEFAULT_REGION": stack.REGION,
        },
    )
    if reply.returncode != 0:
        raise RuntimeError(f"{code!r} failed in the bundle: {reply.stderr.strip().splitlines()[-1:]}")
    return float(reply.stdout.strip().splitlines()[-1])


def stage_environment(key: str) -> dict[str, str]:
    """The environment the stack gives function `key` (its key files are read only at init, so none exist)."""
    values = stack.environment(Path("/nonexistent"), "https://bench.invalid")
    return function_environment(MODULES[key].split(".")[0], values, service=f"shoken-bench-{key}")


def run(runs: int = RUNS) -> list[dict[str, float | str | bool]]:
    bundles = build_bundles()
    rows: list[dict[str, float | str | bool]] = []
    for key, module in MODULES.items():
        bundle = bundles[key]
        environment = stage_environment(key)
        ratios, seconds, base = [], [], []
        for _ in range(runs):
            boto = time_import(bundle, "import boto3", environment)
            mine = time_import(bundle, f"import {module}", environment)
            ratios.append(mine / boto)
            seconds.append(mine)
            base.append(boto)
        ratio = statistics.median(ratios)
        limit = LIMITS.get(key, DEFAULT_LIMIT)
        rows.append(
            {
                "function": key,
                "module": module,
                "ms": statistics.median(seconds) * 1000,
                "boto3_ms": statistics.median(base) * 1000,
                "ratio": ratio,
                "limit": limit,
                "within": ratio <= limit,
            }
        )
    return rows


def python_version() -> str:
    reply = subprocess.run(
        [str(bundling.runtime_python()), "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return reply.stdout.strip() or sys.version.split()[0]
