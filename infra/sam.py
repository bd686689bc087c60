"""`make sam-api` and `make sam-invoke`: the functions in the Lambda images (SAM CLI + Docker), locally.

    python -m infra.sam preflight            the stage has local endpoints, and a Docker engine answers
    python -m infra.sam api                  synth the stage, write the env-vars file, run the local
                                             server (moto over HTTP, UIs, /api/ forwarded) and
                                             `sam local start-api` against the synthesized template
    python -m infra.sam invoke FN EVENT      `sam local invoke` of one function (e.g. workers-schedule)
                                             while `make sam-api` runs in another terminal
    python -m infra.sam env-vars TEMPLATE    only write the env-vars file of a synthesized template

The stage is SAM_STAGE (default `local`, infra/stages/local.json); its `local_endpoints` say where the
functions find moto. SAM reads the template CDK synthesized into cdk.out.sam/ (code and layers from
each asset's folder, as `make bundle-check` checks them). Every problem is one line naming the fix and
exit status 2, never a traceback. docs/deploy.md, "Test on the real runtime before you deploy".
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from infra import names, stage_config
from infra.stage_config import StageConfig

SAM_CLI_VERSION = "1.170.0"
# The SAM CLI is ~340 MB and ~6 minutes to install: its own venv, outside the repository, made once
# per version by `make sam-api` and never by `make test` (docs/deploy.md says why).
SAM_VENV = Path(os.environ.get("SHOKEN_SAM_VENV", Path.home() / ".cache" / "shoken" / f"sam-cli-{SAM_CLI_VERSION}"))
OUTDIR = names.ROOT / "cdk.out.sam"
ENV_VARS_FILE = "sam-env-vars.json"
API_PORT = 3000  # sam local start-api, reached only by the local server


def ports(config: StageConfig) -> tuple[int, int]:
    """(local server, moto): the ports of the stage's public_base_url and aws endpoint."""
    assert config.local_endpoints is not None
    server = int(config.local_endpoints.public_base_url.rsplit(":", 1)[1])
    moto = int(config.local_endpoints.aws.rsplit(":", 1)[1])
    return server, moto


class SamError(Exception):
    """A one-line message naming the fix."""


def stage(env: dict[str, str] | None = None) -> StageConfig:
    """The stage `make sam-api` runs, which must say where its functions find moto."""
    name = (env if env is not None else os.environ).get("SAM_STAGE") or "local"
    try:
        config = stage_config.load({names.CONTEXT_STAGE: name})
    except (FileNotFoundError, ValueError) as error:
        raise SamError(f"stage {name!r}: {' '.join(str(error).split())}") from None
    if config.local_endpoints is None:
        raise SamError(
            f"stage {name!r} has no local_endpoints (where its functions find moto): run with SAM_STAGE=local "
            f"(infra/stages/local.json) or add local_endpoints to infra/stages/{name}.json"
        )
    return config


def docker_problem(run: Any = subprocess.run) -> str | None:
    """None when a Docker engine answers, else what is wrong and how to fix it."""
    fix = "install Docker (Engine or Desktop) and start it; `make test` checks the templates without Docker"
    if shutil.which("docker") is None:
        return f"no Docker here (no `docker` command): {fix}"
    try:
        command = ["docker", "version", "--format", "{{.Server.Version}}"]
        result = run(command, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return f"the Docker engine does not answer (`docker version` failed): {fix}"
    if result.returncode != 0:
        return f"the Docker engine does not answer (`docker version` exit {result.returncode}): {fix}"
    return None


def preflight(env: dict[str, str] | None = None, run: Any = subprocess.run) -> StageConfig:
    config = stage(env)
    problem = docker_problem(run)
    if problem:
        raise SamError(problem)
    return config


def synth(config: StageConfig, outdir: Path = OUTDIR, run: Any = subprocess.run) -> Path:
    """The stage's main template, synthesized with the real bundles as `make synth` builds them."""
    log = outdir.parent / f"{outdir.name}.log"
    command = ["npx", "cdk", "synth", "--quiet", "-c", f"stage={config.stage}", "-o", str(outdir)]
    with log.open("w") as output:
        result = run(command, cwd=names.ROOT, stdout=output, stderr=subprocess.STDOUT)
    template = outdir / f"{config.prefix}.template.json"
    if result.returncode != 0 or not template.is_file():
        raise SamError(
            f"stage {config.stage!r} did not synthesize (cdk synth exit {result.returncode}, output in "
            f"{log.relative_to(names.ROOT) if log.is_relative_to(names.ROOT) else log}): fix what it names, "
            f"then `npx cdk synth -c stage={config.stage}`"
        )
    return template


def local_values(config: StageConfig) -> dict[str, str]:
    """What the local stack names each thing a template variable refers to (by variable name)."""
    from local import sam_bridge, stack

    assert config.local_endpoints is not None
    env = stack.environment(names.ROOT / ".local" / "state", config.local_endpoints.public_base_url)
    return {
        "TABLE_NAME": env["TABLE_NAME"],
        "EXPORT_BUCKET": env["EXPORT_BUCKET"],
        "UPLOAD_BUCKET": env["UPLOAD_BUCKET"],
        "PUBLIC_BASE_URL": config.local_endpoints.public_base_url,
        "SESSION_KEY_SECRET_ID": sam_bridge.SESSION_KEY_SECRET,
        "RESIDENT_KEY_SECRET_ID": sam_bridge.RESIDENT_KEY_SECRET,
        "PIN_PEPPER_SECRET_ID": sam_bridge.PIN_PEPPER_SECRET,
        "ORIGIN_SECRET_ID": sam_bridge.ORIGIN_SECRET,
        # The configuration set publishes SES events to CloudWatch, which the local stack does not have.
        "SES_CONFIGURATION_SET": "",
    }


def shoken_functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """logical id -> resource, for the functions infra/bundling.py builds (not CDK's own helpers)."""
    return {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") == "AWS::Lambda::Function"
        and "SHOKEN_FUNCTION" in resource.get("Properties", {}).get("Environment", {}).get("Variables", {})
    }


def env_vars(template: dict[str, Any], config: StageConfig) -> dict[str, dict[str, str]]:
    """SAM's --env-vars file: for each function, a local value for every variable the template leaves
    to CloudFormation (a Ref or GetAtt that SAM cannot resolve). SAM only overrides variables the
    template declares, so AWS_ENDPOINT_URL must come from the stage's local_endpoints at synth."""
    if config.local_endpoints is None:
        raise SamError(f"stage {config.stage!r} has no local_endpoints: run with SAM_STAGE=local")
    endpoint = config.local_endpoints.aws
    values = local_values(config)
    functions = shoken_functions(template)
    if not functions:
        raise SamError("the template has no shoken functions: synthesize the main stack (`make sam-api` does)")
    out: dict[str, dict[str, str]] = {}
    for logical_id, resource in functions.items():
        variables: dict[str, Any] = resource["Properties"]["Environment"]["Variables"]
        if "AWS_ENDPOINT_URL" not in variables:
            raise SamError(f"{logical_id} has no AWS_ENDPOINT_URL: synthesize a stage with local_endpoints")
        # Also here, since SAM lets a variable of its own shell's environment win over the template's.
        overrides: dict[str, str] = {"AWS_ENDPOINT_URL": endpoint}
        for name, value in variables.items():
            if isinstance(value, str):
                continue
            if name not in values:
                raise SamError(
                    f"{logical_id}: {name} is {json.dumps(value)} in the template and the local stack has no "
                    "value for it: add one to infra/sam.py local_values"
                )
            overrides[name] = values[name]
        out[logical_id] = overrides
    return out


def write_env_vars(template_file: Path, config: StageConfig) -> Path:
    target = template_file.parent / ENV_VARS_FILE
    template = json.loads(template_file.read_text())
    target.write_text(json.dumps(env_vars(template, config), indent=1, sort_keys=True) + "\n")
    return target


def function_id(template: dict[str, Any], config: StageConfig, key: str) -> str:
    """The logical id of function `key` (auth, admin, …, workers-schedule) in the template."""
    by_service = {
        resource["Properties"]["Environment"]["Variables"].get("POWERTOOLS_SERVICE_NAME"): logical_id
        for logical_id, resource in shoken_functions(template).items()
    }
    found = by_service.get(names.service_name(config.city, config.stage, key))
    if found is None:
        prefix = names.service_name(config.city, config.stage, "")
        keys = sorted(str(service).removeprefix(prefix) for service in by_service)
        raise SamError(f"no function {key!r} in the template: FN is one of {', '.join(keys)}")
    return found


def sam_command() -> list[str]:
    sam = SAM_VENV / "bin" / "sam"
    if not sam.is_file():
        raise SamError(f"no SAM CLI at {sam}: `make sam-api` installs aws-sam-cli=={SAM_CLI_VERSION} there")
    return [str(sam)]


def sam_env(config: StageConfig) -> dict[str, str]:
    """The SAM CLI's environment: it passes the region and these credentials into each container
    (moto accepts any; the local server's S3 links are signed with these)."""
    return {
        **os.environ,
        "SAM_CLI_TELEMETRY": "0",
        "AWS_REGION": config.region,
        "AWS_DEFAULT_REGION": config.region,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }


def docker_host_args(config: StageConfig) -> list[str]:
    """On Linux, host.docker.internal exists in a container only when mapped to the host gateway."""
    assert config.local_endpoints is not None
    host = config.local_endpoints.aws.split("//", 1)[1].rsplit(":", 1)[0]
    return ["--add-host", f"{host}:host-gateway"] if host == "host.docker.internal" else []


def _wait_for_local_server(server: subprocess.Popen[bytes], port: int, seconds: float = 180) -> None:
    """Until the local server answers (it seeds the demo city on a first start), or it has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SamError(f"the local server stopped (exit {server.returncode}, its line above names why)")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_local/mail.json", timeout=3):
                return
        except OSError:
            time.sleep(1)
    raise SamError(f"the local server did not answer on port {port} within {seconds:.0f} s")


def _moto_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=3):
            return True
    except OSError:
        return False


def api() -> int:
    config = preflight()
    sam = sam_command()
    template = synth(config)
    env_file = write_env_vars(template, config)
    print(f"sam: {template.relative_to(names.ROOT)} with {env_file.relative_to(names.ROOT)}", flush=True)
    server_port, moto_port = ports(config)
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "local.server",
            "--port",
            str(server_port),
            "--moto-port",
            str(moto_port),
            "--api-upstream",
            f"http://127.0.0.1:{API_PORT}",
        ],
        cwd=names.ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        _wait_for_local_server(server, server_port)
        command = [*sam, "local", "start-api", "-t", str(template), "--env-vars", str(env_file)]
        command += ["--host", "127.0.0.1", "--port", str(API_PORT), "--warm-containers", "LAZY"]
        command += ["--region", config.region, *docker_host_args(config)]
        return subprocess.call(command, cwd=names.ROOT, env=sam_env(config))  # noqa: S603
    except KeyboardInterrupt:
        return 130
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def invoke(key: str, event: str) -> int:
    config = preflight()
    sam = sam_command()
    template = OUTDIR / f"{config.prefix}.template.json"
    if not template.is_file():
        raise SamError(f"no synthesized template at {template}: run `make sam-api` first (it synthesizes the stage)")
    event_file = Path(event)
    if not event_file.is_file():
        raise SamError(f"no event file {event}: EVENT=<a JSON file>, e.g. local/events/schedule.json")
    moto_port = ports(config)[1]
    if not _moto_answers(moto_port):
        raise SamError(f"no moto server at 127.0.0.1:{moto_port}: start `make sam-api` in another terminal first")
    logical_id = function_id(json.loads(template.read_text()), config, key)
    env_file = write_env_vars(template, config)
    command = [*sam, "local", "invoke", logical_id, "-t", str(template), "-e", str(event_file)]
    command += ["--env-vars", str(env_file), "--region", config.region, *docker_host_args(config)]
    return subprocess.call(command, cwd=names.ROOT, env=sam_env(config))  # noqa: S603


def main(argv: list[str]) -> int:
    try:
        match argv:
            case ["preflight"]:
                preflight()
                return 0
            case ["api"]:
                return api()
            case ["invoke", key, event] if key and event:
                return invoke(key, event)
            case ["invoke", *_]:
                raise SamError("name the function and the event: make sam-invoke FN=workers-schedule EVENT=<file>")
            case ["env-vars", template]:
                print(write_env_vars(Path(template), stage()))
                return 0
            case _:
                raise SamError("usage: python -m infra.sam preflight | api | invoke FN EVENT | env-vars TEMPLATE")
    except SamError as error:
        print(f"sam: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
