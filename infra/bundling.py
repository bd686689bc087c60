"""Builds every Lambda asset on the synthesizing machine, never with Docker: each function's code,
the shared layer and the third-party layers, with bytecode compiled by the runtime's own Python.

- A function's code is its area package plus the top-level modules of functions/ it imports.
- The shared layer is the `shoken` package.
- A dependencies layer holds exactly the requirements/lambda.txt packages its functions import
  (found by reading their import statements, `shoken` followed transitively), so the payments
  function carries no CSV or mail code of others and the workers carry no QR library.
  boto3/botocore come from the Lambda runtime and are never shipped: a second botocore in a layer
  would shadow the runtime's and cost its import twice.

pip downloads the wheels built for Lambda's CPU and Python (`--platform`, `--python-version`,
`--only-binary`), so a laptop or CI runner of any architecture produces the same layer. Every .py
is then compiled by the runtime's Python version (`make runtime-python`) into hash-checked-free
.pyc (`unchecked-hash`: Lambda's file system is read-only and the zip's timestamps are not the
sources', so timestamp-checked .pyc would be recompiled in memory at every cold start).
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from infra import names

# Changing how an asset is built must change its hash, so CDK rebuilds instead of reusing cdk.out.
BUNDLER_VERSION = "2"
RUNTIME_PYTHON_VARIABLE = "SHOKEN_RUNTIME_PYTHON"
# Where Lambda unpacks a function's code and its layers: the paths tracebacks show.
TASK_ROOT = "/var/task"
LAYER_ROOT = "/opt"

# Folders and files of the source tree that never belong in an asset.
EXCLUDED_DIRS = frozenset({"__pycache__", "tests", ".pytest_cache", ".mypy_cache"})
EXCLUDED_FILES = ("*.pyc", "test_*.py")

# Top-level modules the Lambda runtime provides (beside the standard library).
RUNTIME_PROVIDED = frozenset({"boto3", "botocore"})
# Import name -> requirements/lambda.txt packages a function importing it needs, where the import
# name is not the package's own (a package imported by its own name needs no entry).
PACKAGES_BY_IMPORT: dict[str, tuple[str, ...]] = {
    "aws_lambda_powertools": ("aws-lambda-powertools",),
    "pydantic": ("pydantic",),
    "pydantic_core": ("pydantic",),  # pydantic's compiled core, installed with it
    "fpdf": ("fpdf2",),
    "fontTools": ("fpdf2",),  # statements subset the font with fpdf2's own dependency
    # qrcode writes PNG through pypng, which shoken never imports itself.
    "qrcode": ("qrcode", "pypng"),
}
# The X-Ray SDK, shipped only to stages that turn SDK tracing on (StageConfig.tracing_sdk), and
# installed without its dependencies: its botocore is the runtime's, its wrapt comes along.
TRACING_PACKAGES: tuple[str, ...] = ("aws-xray-sdk==2.15.0", "wrapt==2.5.2")


class BundlingError(RuntimeError):
    """A bundle cannot be built as the deploy needs it; the message names the fix."""


# --- the runtime's Python ---------------------------------------------------------------------


def default_runtime_python() -> Path:
    cache = Path(os.environ.get("SHOKEN_CACHE") or Path.home() / ".cache" / "shoken")
    return cache / f"python{names.PYTHON_VERSION}" / "bin" / f"python{names.PYTHON_VERSION}"


@cache
def runtime_python() -> Path:
    """The Python that compiles the bundle's bytecode: the Lambda runtime's version, or an error.

    Bytecode of another version would be ignored by Lambda and every module compiled again in
    memory at each cold start, so there is no silent fallback to the synthesizing Python.
    """
    explicit = os.environ.get(RUNTIME_PYTHON_VARIABLE)
    python = Path(explicit) if explicit else default_runtime_python()
    fix = f"run `make runtime-python` or set {RUNTIME_PYTHON_VARIABLE} to a Python {names.PYTHON_VERSION}"
    if not python.is_file():
        raise BundlingError(f"Python {names.PYTHON_VERSION} (the Lambda runtime's) not found at {python}: {fix}")
    reply = subprocess.run(  # noqa: S603 - fixed argv
        [str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=False,
    )
    if reply.returncode != 0 or reply.stdout.strip() != names.PYTHON_VERSION:
        found = reply.stdout.strip() or "no version"
        raise BundlingError(f"{python} is Python {found}, not the Lambda runtime's {names.PYTHON_VERSION}: {fix}")
    return python


def compile_tree(root: Path, *, shown_as: str, python: Path | None = None) -> None:
    """Compile every .py under `root` with the runtime's Python, tracebacks naming `shown_as`."""
    command = [
        str(python or runtime_python()),
        "-m",
        "compileall",
        "-q",
        "-j",
        "0",
        "--invalidation-mode",
        "unchecked-hash",
        "-s",
        str(root),
        "-p",
        shown_as,
        str(root),
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed argv


# --- which files and packages a function needs -------------------------------------------------


def source_files(root: Path, *, skip_dirs: Iterable[str] = ()) -> list[Path]:
    """Files under `root` that belong in an asset, relative to `root`, in a stable order."""
    skipped = EXCLUDED_DIRS | set(skip_dirs)
    found: list[Path] = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skipped and not d.startswith("."))
        for name in sorted(files):
            if not any(fnmatch.fnmatch(name, pattern) for pattern in EXCLUDED_FILES):
                found.append((Path(directory) / name).relative_to(root))
    return found


def _imports(path: Path) -> set[str]:
    """Absolute module names a file imports, lazily or not (imports for type checkers excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif _finds_package_data(node):
            # importlib.util.find_spec("pkg"): a package whose data files are read without importing it
            # (zengin-code's bank list, the statement font) is as much a need as an import.
            found.add(node.args[0].value)  # type: ignore[attr-defined]
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _finds_package_data(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "find_spec"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


@dataclass(frozen=True)
class Needs:
    """What one area's code imports: the top-level modules of functions/ and the packages."""

    modules: tuple[str, ...]  # top-level functions/*.py beside the area package
    packages: tuple[str, ...]  # requirements/lambda.txt package names


@cache
def needs(area: str) -> Needs:
    """Follows the area package's imports through functions/ and the shared `shoken` package."""
    shared = names.SHARED_LAYER_DIR / "python"
    pending = [names.FUNCTIONS_DIR / area / path for path in source_files(names.FUNCTIONS_DIR / area)]
    pending = [path for path in pending if path.suffix == ".py"]
    seen: set[Path] = set()
    modules: set[str] = set()
    packages: set[str] = set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imports(path):
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or top in RUNTIME_PROVIDED or top == "__future__":
                continue
            if top == "shoken":
                pending.extend(_module_files(shared, name))
            elif top in PACKAGES_BY_IMPORT:
                packages.update(PACKAGES_BY_IMPORT[top])
            elif top.replace("_", "-").lower() in pinned_requirements():
                packages.add(_pinned_name(top))
            elif (names.FUNCTIONS_DIR / top).is_dir():
                if top != area:
                    raise BundlingError(f"functions/{area} imports {name}: an area may not import another area")
            elif (names.FUNCTIONS_DIR / f"{top}.py").is_file():
                modules.add(top)
                pending.append(names.FUNCTIONS_DIR / f"{top}.py")
            else:
                raise BundlingError(
                    f"{path.relative_to(names.ROOT)} imports {top}, which neither requirements/lambda.txt "
                    f"(infra/bundling.py PACKAGES_BY_IMPORT) nor the Lambda runtime provides"
                )
    return Needs(modules=tuple(sorted(modules)), packages=tuple(sorted(packages, key=str.lower)))


def _module_files(shared: Path, name: str) -> list[Path]:
    """The files of `shoken.a.b` (and its packages' __init__) that an import of it executes."""
    parts = name.split(".")
    files: list[Path] = []
    for depth in range(1, len(parts) + 1):
        base = shared.joinpath(*parts[:depth])
        if (base / "__init__.py").is_file():
            files.append(base / "__init__.py")
        elif base.with_suffix(".py").is_file():
            files.append(base.with_suffix(".py"))
            break
        else:
            break  # `from shoken.x import name` where name is not a module
    return files


@cache
def pinned_requirements() -> dict[str, str]:
    """requirements/lambda.txt as {package name (lower case): its requirement line}."""
    lines: dict[str, str] = {}
    for raw in (names.REQUIREMENTS_DIR / names.LAMBDA_REQUIREMENTS).read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            package = re.split(r"[\[=<>!~ ;]", line, maxsplit=1)[0]
            lines[package.lower()] = line
    return lines


def _pinned_name(module: str) -> str:
    """The requirements/lambda.txt spelling of the package whose import name is `module`."""
    line = pinned_requirements()[module.replace("_", "-").lower()]
    return re.split(r"[\[=<>!~ ;]", line, maxsplit=1)[0]


def requirement_lines(packages: Sequence[str]) -> list[str]:
    pins = pinned_requirements()
    missing = [p for p in packages if p.lower() not in pins]
    if missing:
        raise BundlingError(f"requirements/{names.LAMBDA_REQUIREMENTS} pins no {', '.join(missing)}")
    return [pins[p.lower()] for p in packages]


# --- the local bundlers ------------------------------------------------------------------------


def _fingerprint(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


@jsii.implements(ILocalBundling)
class CopyAndCompile:
    """ILocalBundling that copies source files into the asset and compiles them for the runtime."""

    def __init__(self, root: Path, files: Sequence[Path], *, shown_as: str) -> None:
        self.root = root
        self.files = list(files)
        self.shown_as = shown_as

    def fingerprint(self) -> str:
        parts: list[bytes | str] = [BUNDLER_VERSION, names.PYTHON_VERSION, self.shown_as]
        for relative in self.files:
            parts += [str(relative), (self.root / relative).read_bytes()]
        return _fingerprint(*parts)

    def bundle(self, output_dir: Path) -> None:
        for relative in self.files:
            target = output_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self.root / relative, target)
        compile_tree(output_dir, shown_as=self.shown_as)

    def try_bundle(self, output_dir: str, *_options: Any, **_kwargs: Any) -> bool:
        self.bundle(Path(output_dir))
        return True


@jsii.implements(ILocalBundling)
class PipInstall:
    """ILocalBundling that installs pinned packages into `<output>/python` for a Lambda layer."""

    def __init__(
        self,
        requirements: Sequence[str],
        *,
        python_version: str,
        platform: str,
        without_dependencies: Sequence[str] = (),
        runtime_packages: bool = False,
    ) -> None:
        self.requirements = list(requirements)
        # True only where the Lambda runtime's own packages are reproduced (the bench's boto3).
        self.runtime_packages = runtime_packages
        self.without_dependencies = list(without_dependencies)
        self.python_version = python_version
        self.platform = platform

    def fingerprint(self) -> str:
        return _fingerprint(
            BUNDLER_VERSION, self.python_version, self.platform, *self.requirements, "|", *self.without_dependencies
        )

    def command(self, output_dir: str, requirements: Sequence[str], *, dependencies: bool = True) -> list[str]:
        return [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            # pip would compile with the synthesizing Python; compile_tree uses the runtime's.
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
            *([] if dependencies else ["--no-deps"]),
            *requirements,
        ]

    def bundle(self, output_dir: Path) -> None:
        python = runtime_python()  # fail before downloading anything
        if self.requirements:
            subprocess.run(self.command(str(output_dir), self.requirements), check=True)  # noqa: S603
        if self.without_dependencies:
            command = self.command(str(output_dir), self.without_dependencies, dependencies=False)
            subprocess.run(command, check=True)  # noqa: S603
        site = output_dir / "python"
        shipped = sorted(p.name for p in site.iterdir() if p.name in RUNTIME_PROVIDED) if site.is_dir() else []
        if shipped and not self.runtime_packages:
            raise BundlingError(
                f"the layer would ship {', '.join(shipped)}, which the Lambda runtime provides: "
                "drop the requirement (or extra) that pulls it in"
            )
        # pip leaves its own metadata scripts; nothing in a layer runs from bin/.
        shutil.rmtree(site / "bin", ignore_errors=True)
        compile_tree(site, shown_as=f"{LAYER_ROOT}/python", python=python)

    def try_bundle(self, output_dir: str, *_options: Any, **_kwargs: Any) -> bool:
        # Returning False would make CDK fall back to Docker; a failure must stop the synth instead.
        self.bundle(Path(output_dir))
        return True


# --- the assets ----------------------------------------------------------------------------------


def _asset(source: Path, bundler: CopyAndCompile | PipInstall, exclude: Sequence[str] = ()) -> lambda_.Code:
    return lambda_.Code.from_asset(
        str(source),
        asset_hash_type=AssetHashType.CUSTOM,
        asset_hash=bundler.fingerprint(),
        exclude=list(exclude),
        bundling=BundlingOptions(
            # Required by the API but never pulled: the local bundler either bundles or fails the synth.
            image=DockerImage.from_registry(f"public.ecr.aws/sam/build-python{names.PYTHON_VERSION}"),
            local=bundler,
        ),
    )


def function_bundler(area: str) -> CopyAndCompile:
    """The area package and the top-level modules of functions/ it imports, as /var/task."""
    area_files = [Path(area) / path for path in source_files(names.FUNCTIONS_DIR / area)]
    modules = [Path(f"{module}.py") for module in needs(area).modules]
    return CopyAndCompile(names.FUNCTIONS_DIR, [*area_files, *modules], shown_as=TASK_ROOT)


def shared_bundler() -> CopyAndCompile:
    """The `shoken` package as /opt/python/shoken."""
    return CopyAndCompile(names.SHARED_LAYER_DIR, source_files(names.SHARED_LAYER_DIR), shown_as=LAYER_ROOT)


def dependencies_bundler(packages: Sequence[str], *, tracing_sdk: bool, platform: str) -> PipInstall:
    return PipInstall(
        requirement_lines(packages),
        python_version=names.PYTHON_VERSION,
        platform=platform,
        without_dependencies=TRACING_PACKAGES if tracing_sdk else (),
    )


def function_code(area: str) -> lambda_.Code:
    return _asset(names.FUNCTIONS_DIR, function_bundler(area), exclude=["*"])


def shared_code() -> lambda_.Code:
    return _asset(names.SHARED_LAYER_DIR, shared_bundler(), exclude=["*"])


def dependencies_code(packages: Sequence[str], *, tracing_sdk: bool) -> lambda_.Code:
    """A layer of `packages` (names from requirements/lambda.txt) for Linux arm64 and the Lambda Python."""
    bundler = dependencies_bundler(packages, tracing_sdk=tracing_sdk, platform=names.PIP_PLATFORM)
    # The source folder is only a placeholder: the bundler reads nothing from it.
    return _asset(names.REQUIREMENTS_DIR, bundler, exclude=["*"])
