"""Builds the third-party dependencies layer with pip on the synthesizing machine, never Docker.

pip downloads the wheels built for Lambda's CPU and Python (`--platform`, `--python-version`,
`--only-binary`), so a laptop or CI runner of any architecture produces the same layer.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from infra import names


@jsii.implements(ILocalBundling)
class PipInstall:
    """ILocalBundling that installs a requirements file into `<output>/python` for a Lambda layer."""

    def __init__(self, requirements: Path, *, python_version: str, platform: str) -> None:
        self.requirements = requirements
        self.python_version = python_version
        self.platform = platform

    def command(self, output_dir: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            # .pyc files compiled for the synthesizing Python would be useless for Lambda's.
            "--no-compile",
            "--platform",
            self.platform,
            "--only-binary=:all:",
            "--python-version",
            self.python_version,
            "--implementation",
            "cp",
            "--target",
            str(Path(output_dir) / "python"),
            "--requirement",
            str(self.requirements),
        ]

    def try_bundle(self, output_dir: str, *_options: Any, **_kwargs: Any) -> bool:
        # Returning False would make CDK fall back to Docker; a failure must stop the synth instead.
        subprocess.run(self.command(output_dir), check=True)  # noqa: S603 - fixed argv, no shell
        return True


def dependencies_code() -> lambda_.Code:
    """The layer's code: requirements/lambda.txt installed for Linux arm64 and the Lambda Python."""
    requirements = names.REQUIREMENTS_DIR / names.LAMBDA_REQUIREMENTS
    bundler = PipInstall(requirements, python_version=names.PYTHON_VERSION, platform=names.PIP_PLATFORM)
    # The layer changes only when the pins, the Python version or the platform change; a custom
    # hash lets CDK reuse an earlier bundle in cdk.out instead of running pip again.
    fingerprint = hashlib.sha256(
        requirements.read_bytes() + f"|{names.PYTHON_VERSION}|{names.PIP_PLATFORM}".encode()
    ).hexdigest()
    return lambda_.Code.from_asset(
        str(names.REQUIREMENTS_DIR),
        asset_hash_type=AssetHashType.CUSTOM,
        asset_hash=fingerprint,
        exclude=["*", f"!{names.LAMBDA_REQUIREMENTS}"],
        bundling=BundlingOptions(
            # Required by the API but never pulled: PipInstall either bundles or fails the synth.
            image=DockerImage.from_registry(f"public.ecr.aws/sam/build-python{names.PYTHON_VERSION}"),
            local=bundler,
        ),
    )
