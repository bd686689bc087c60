"""The dependencies layer is built by pip for Lambda's CPU and Python, never with Docker."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from infra import bundling, names


def test_pip_targets_lambdas_platform_and_python(tmp_path: Path) -> None:
    bundler = bundling.PipInstall(
        names.REQUIREMENTS_DIR / names.LAMBDA_REQUIREMENTS,
        python_version=names.PYTHON_VERSION,
        platform=names.PIP_PLATFORM,
    )
    command = bundler.command(str(tmp_path))
    joined = " ".join(command)
    assert "--platform manylinux2014_aarch64" in joined
    assert "--only-binary=:all:" in command
    assert f"--python-version {names.PYTHON_VERSION}" in joined
    assert "--implementation cp" in joined
    assert f"--target {tmp_path / 'python'}" in joined
    assert joined.endswith(f"--requirement {names.REQUIREMENTS_DIR / 'lambda.txt'}")


def test_a_pip_failure_stops_the_synth_instead_of_falling_back_to_docker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def failing_run(command: list[str], **kwargs: Any) -> None:
        calls.append(command)
        raise subprocess.CalledProcessError(1, command)

    monkeypatch.setattr(bundling.subprocess, "run", failing_run)
    bundler = bundling.PipInstall(Path("requirements.txt"), python_version="3.13", platform="p")
    with pytest.raises(subprocess.CalledProcessError):
        bundler.try_bundle(str(tmp_path))
    assert len(calls) == 1
