"""The assets are built on this machine as the deploy needs them: pip for Lambda's CPU and Python
(never Docker), bytecode by the runtime's own Python, and each function only what it imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra import bundling, names


def test_pip_targets_lambdas_platform_and_python(tmp_path: Path) -> None:
    bundler = bundling.dependencies_bundler(["pydantic"], tracing_sdk=False, platform=names.PIP_PLATFORM)
    command = bundler.command(str(tmp_path), bundler.requirements)
    joined = " ".join(command)
    assert "--platform manylinux2014_aarch64" in joined
    assert "--only-binary=:all:" in command
    assert "--no-compile" in command  # the runtime's Python compiles, not pip's
    assert f"--python-version {names.PYTHON_VERSION}" in joined
    assert "--implementation cp" in joined
    assert f"--target {tmp_path / 'python'}" in joined
    assert command[-1] == bundling.pinned_requirements()["pydantic"]


def test_a_pip_failure_stops_the_synth_instead_of_falling_back_to_docker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def failing_run(command: list[str], **kwargs: Any) -> None:
        calls.append(command)
        raise subprocess.CalledProcessError(1, command)

    monkeypatch.setattr(bundling, "runtime_python", lambda: Path(sys.executable))
    monkeypatch.setattr(bundling.subprocess, "run", failing_run)
    bundler = bundling.PipInstall(["pydantic==2"], python_version="3.13", platform="p")
    with pytest.raises(subprocess.CalledProcessError):
        bundler.try_bundle(str(tmp_path))
    assert len(calls) == 1


def test_a_layer_that_would_ship_botocore_fails_the_synth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given pip pulling botocore in through some dependency
    def pip(command: list[str], **kwargs: Any) -> None:
        (tmp_path / "python" / "botocore").mkdir(parents=True)

    monkeypatch.setattr(bundling, "runtime_python", lambda: Path(sys.executable))
    monkeypatch.setattr(bundling.subprocess, "run", pip)
    bundler = bundling.PipInstall(["aws-xray-sdk==2.15.0"], python_version="3.13", platform="p")
    # Then the layer is refused, naming what the runtime already provides
    with pytest.raises(bundling.BundlingError, match="would ship botocore"):
        bundler.bundle(tmp_path)


def test_tracing_sdk_is_shipped_without_its_botocore_only_when_a_stage_asks() -> None:
    off = bundling.dependencies_bundler(["pydantic"], tracing_sdk=False, platform=names.PIP_PLATFORM)
    on = bundling.dependencies_bundler(["pydantic"], tracing_sdk=True, platform=names.PIP_PLATFORM)
    assert off.without_dependencies == []
    assert any(line.startswith("aws-xray-sdk==") for line in on.without_dependencies)
    assert "--no-deps" in on.command("/out", on.without_dependencies, dependencies=False)
    assert off.fingerprint() != on.fingerprint()
    # And the requirements themselves pull in no X-Ray SDK (Powertools' `tracer` extra would).
    assert "[tracer]" not in bundling.pinned_requirements()["aws-lambda-powertools"]


def test_each_function_carries_only_the_packages_its_code_imports() -> None:
    payments = bundling.needs("payments").packages
    workers = bundling.needs(names.WORKERS).packages
    assert set(payments) == {"aws-lambda-powertools", "pydantic", "qrcode", "pypng"}
    # The workers draw no QR code: no QR library in their layer.
    assert "qrcode" not in workers and "pypng" not in workers
    assert "aws-lambda-powertools" in workers
    for area in names.ALL_AREAS:
        assert not {"boto3", "botocore"} & set(bundling.needs(area).packages), area
        # The local-only OpenAPI builder is in no function's code.
        assert "api_document" not in bundling.needs(area).modules, area


def test_a_function_code_asset_is_its_own_area_only() -> None:
    files = {str(path) for path in bundling.function_bundler("payments").files}
    assert "payments/handler.py" in files
    assert not any(path.startswith(("wallet/", "admin/", "auth/", "history/", "workers/")) for path in files)
    assert not any("__pycache__" in path or path.endswith(".pyc") for path in files)
    assert "api_document.py" not in files


def test_an_import_nothing_provides_fails_the_synth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    area = tmp_path / "functions" / "newarea"
    area.mkdir(parents=True)
    (area / "handler.py").write_text("def lambda_handler(event, context):\n    import requests\n")
    monkeypatch.setattr(names, "FUNCTIONS_DIR", tmp_path / "functions")
    monkeypatch.setattr(names, "ROOT", tmp_path)
    bundling.needs.cache_clear()
    try:
        with pytest.raises(bundling.BundlingError, match="imports requests, which neither"):
            bundling.needs("newarea")
    finally:
        bundling.needs.cache_clear()


def test_without_the_runtimes_python_the_synth_names_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundling.runtime_python.cache_clear()
    try:
        monkeypatch.setenv(bundling.RUNTIME_PYTHON_VARIABLE, str(tmp_path / "python3.13"))
        with pytest.raises(bundling.BundlingError, match="make runtime-python"):
            bundling.runtime_python()
        # The synthesizing Python is not accepted in its place (its bytecode would be ignored by Lambda).
        monkeypatch.setenv(bundling.RUNTIME_PYTHON_VARIABLE, sys.executable)
        if sys.version_info[:2] != (3, 13):
            with pytest.raises(bundling.BundlingError, match=r"not the Lambda runtime's 3\.13"):
                bundling.runtime_python()
    finally:
        bundling.runtime_python.cache_clear()


def test_the_synth_stops_in_one_line_without_the_runtimes_python(tmp_path: Path) -> None:
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "AWS_DEFAULT_REGION": "ap-northeast-1",
        bundling.RUNTIME_PYTHON_VARIABLE: str(tmp_path / "missing"),
    }
    reply = subprocess.run(
        [sys.executable, str(names.ROOT / "infra" / "app.py")],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        check=False,
    )
    assert reply.returncode == 1
    assert "Traceback" not in reply.stderr
    assert "cdk synth: Python 3.13 (the Lambda runtime's) not found" in reply.stderr
    assert "make runtime-python" in reply.stderr


@pytest.mark.skipif(not bundling.default_runtime_python().is_file(), reason="make runtime-python builds it")
def test_bytecode_is_the_runtimes_and_used_without_checking_timestamps(tmp_path: Path) -> None:
    bundler = bundling.CopyAndCompile(names.FUNCTIONS_DIR, [Path("payments/schemas.py")], shown_as="/var/task")
    bundler.bundle(tmp_path)
    [compiled] = (tmp_path / "payments" / "__pycache__").iterdir()
    assert compiled.name == "schemas.cpython-313.pyc"
    flags = int.from_bytes(compiled.read_bytes()[4:8], "little")
    assert flags == 0b01  # hash-based, unchecked: valid whatever the zip does to the timestamps


def test_bundle_check_names_a_missing_handler_a_layer_without_python_and_a_shipped_botocore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infra import check_bundles

    # Given a cloud assembly whose payments asset lacks its handler and whose layer ships botocore
    monkeypatch.setattr(check_bundles, "CDK_OUT", tmp_path)
    (tmp_path / "asset.code" / "payments").mkdir(parents=True)
    (tmp_path / "asset.layer" / "python" / "botocore").mkdir(parents=True)
    template = {
        "Resources": {
            "Payments": {
                "Type": "AWS::Lambda::Function",
                "Metadata": {"aws:asset:path": "asset.code"},
                "Properties": {
                    "Handler": "payments.handler.lambda_handler",
                    "Environment": {"Variables": {"SHOKEN_FUNCTION": "payments"}},
                    "Layers": [{"Ref": "Deps"}, {"Ref": "Gone"}],
                },
            },
            "Deps": {"Type": "AWS::Lambda::LayerVersion", "Metadata": {"aws:asset:path": "asset.layer"}},
        }
    }
    path = tmp_path / "shoken-ena-dev.template.json"
    path.write_text(json.dumps(template))
    # Then each is one line naming it
    problems = check_bundles.check_template(path)
    assert "Payments: handler payments.handler.lambda_handler has no asset.code/payments/handler.py" in problems
    assert "Payments: layer Gone has no python/ folder in cdk.out" in problems
    assert "Deps: ships botocore, which the Lambda runtime provides" in problems
