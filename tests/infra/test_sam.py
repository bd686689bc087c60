"""`make sam-api` / `make sam-invoke` (infra/sam.py) without Docker: the local stage's template and
the env-vars file SAM gets, and the one-line message for each thing that stops them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from infra import sam, stage_config
from local import sam_bridge
from tests.infra.conftest import Synth


def _variables(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]["Environment"]["Variables"]
        for logical_id, resource in sam.shoken_functions(template).items()
    }


def test_only_the_local_stage_points_its_functions_at_moto(synth: Synth) -> None:
    # Given the synthesized dev, prod and local stages
    local = _variables(synth.main("local"))
    endpoints = synth.deployments["local"].config.local_endpoints
    assert endpoints is not None
    # Then every function of the local stage calls the moto endpoint, and history signs its download
    # links for the local server's S3 stand-in
    assert len(local) == len(synth.deployments["local"].main.functions.by_key)
    assert {variables["AWS_ENDPOINT_URL"] for variables in local.values()} == {endpoints.aws}
    history = synth.logical_ids["local"]["history"]
    assert local[history]["S3_LINK_ENDPOINT"] == f"{endpoints.public_base_url}/_local/s3"
    # And no function of a stage for AWS has either
    for stage in ("dev", "prod"):
        for variables in _variables(synth.main(stage)).values():
            assert "AWS_ENDPOINT_URL" not in variables
            assert "S3_LINK_ENDPOINT" not in variables


def test_env_vars_file_gives_every_unresolved_variable_a_local_value(synth: Synth) -> None:
    # Given the local stage's template, whose variables CloudFormation would resolve (Ref, GetAtt)
    template = synth.main("local")
    config = synth.deployments["local"].config
    # When the env-vars file is made
    overrides = sam.env_vars(template, config)
    # Then each function gets a string for exactly the variables the template leaves unresolved
    for logical_id, variables in _variables(template).items():
        unresolved = {name for name, value in variables.items() if not isinstance(value, str)}
        assert set(overrides[logical_id]) == unresolved | {"AWS_ENDPOINT_URL"}, logical_id
        assert overrides[logical_id]["AWS_ENDPOINT_URL"] == variables["AWS_ENDPOINT_URL"]
        assert all(isinstance(value, str) for value in overrides[logical_id].values())
    # And they name what the local server creates in moto
    auth = overrides[synth.logical_ids["local"]["auth"]]
    assert auth["TABLE_NAME"] == "shoken-local"
    assert auth["SESSION_KEY_SECRET_ID"] == sam_bridge.SESSION_KEY_SECRET
    assert auth["ORIGIN_SECRET_ID"] == sam_bridge.ORIGIN_SECRET
    assert auth["PUBLIC_BASE_URL"] == "http://127.0.0.1:8000"
    assert overrides[synth.logical_ids["local"]["history"]]["EXPORT_BUCKET"] == "shoken-local-exports"


def test_env_vars_file_refuses_a_variable_it_cannot_fill(synth: Synth) -> None:
    # Given a template whose function has a variable the local stack has no value for
    template = json.loads(json.dumps(synth.main("local")))
    logical_id = synth.logical_ids["local"]["payments"]
    template["Resources"][logical_id]["Properties"]["Environment"]["Variables"]["NEW_QUEUE"] = {"Ref": "Queue"}
    # Then making the env-vars file stops with the variable and the fix
    with pytest.raises(sam.SamError, match=f"{logical_id}: NEW_QUEUE .* add one to infra/sam.py local_values"):
        sam.env_vars(template, synth.deployments["local"].config)


def test_env_vars_file_refuses_a_template_without_local_endpoints(synth: Synth) -> None:
    with pytest.raises(sam.SamError, match="has no AWS_ENDPOINT_URL: synthesize a stage with local_endpoints"):
        sam.env_vars(synth.main("dev"), synth.deployments["local"].config)


def test_invoke_names_the_function_by_its_key(synth: Synth) -> None:
    config = synth.deployments["local"].config
    schedule = sam.function_id(synth.main("local"), config, "workers-schedule")
    assert schedule == synth.logical_ids["local"]["workers-schedule"]
    with pytest.raises(sam.SamError, match="no function 'nope' in the template: FN is one of admin, auth, "):
        sam.function_id(synth.main("local"), config, "nope")


def test_a_production_stage_cannot_have_local_endpoints() -> None:
    data = json.loads((stage_config.names.STAGES_DIR / "prod.json").read_text())
    data["local_endpoints"] = {"aws": "http://host.docker.internal:5000", "public_base_url": "http://127.0.0.1:8000"}
    with pytest.raises(ValueError, match="local_endpoints are for sam local only"):
        stage_config.StageConfig.model_validate(data)


# --- the one-line messages (none needs Docker) ------------------------------------------------


def _fails_with(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    assert sam.main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sam: "), captured.err
    assert expected in lines[0]
    assert "Traceback" not in captured.err + captured.out


def test_a_stage_without_local_endpoints_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAM_STAGE", "dev")
    _fails_with(capsys, ["preflight"], "stage 'dev' has no local_endpoints")
    _fails_with(capsys, ["api"], "run with SAM_STAGE=local")


def test_no_docker_is_one_line(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # Given no docker command on the PATH
    monkeypatch.setenv("SAM_STAGE", "local")
    monkeypatch.setenv("PATH", "/nonexistent")
    # Then every target that needs Docker says so, before it installs or synthesizes anything
    for argv in (["preflight"], ["api"], ["invoke", "workers-schedule", "local/events/schedule.json"]):
        _fails_with(capsys, argv, "no Docker here (no `docker` command): install Docker")


def test_a_docker_engine_that_does_not_answer_is_named() -> None:
    def docker_without_engine(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 1, "", "Cannot connect to the Docker daemon")

    def docker_hanging(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        raise subprocess.TimeoutExpired(command, 20)

    def docker_running(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 0, "28.2.2\n", "")

    if sam.shutil.which("docker") is None:
        pytest.skip("no docker command on this machine: test_no_docker_is_one_line covers it")
    assert "the Docker engine does not answer (`docker version` exit 1)" in str(
        sam.docker_problem(docker_without_engine)
    )
    assert "the Docker engine does not answer" in str(sam.docker_problem(docker_hanging))
    assert sam.docker_problem(docker_running) is None


def test_a_stage_that_does_not_synthesize_is_one_line(tmp_path: Path) -> None:
    # Given cdk synth failing (a stage file CDK refuses, a bundling error)
    def failing_synth(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        kwargs["stdout"].write("cdk synth: the dependencies layer could not be built\n")
        return subprocess.CompletedProcess(command, 1)

    config = sam.stage({"SAM_STAGE": "local"})
    # Then the message names the exit status, where the output went and the command to rerun
    with pytest.raises(sam.SamError) as raised:
        sam.synth(config, tmp_path / "cdk.out.sam", run=failing_synth)
    message = str(raised.value)
    assert "\n" not in message
    assert "stage 'local' did not synthesize (cdk synth exit 1" in message
    assert "npx cdk synth -c stage=local" in message
    assert "could not be built" in (tmp_path / "cdk.out.sam.log").read_text()


def test_a_missing_function_or_event_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    _fails_with(capsys, ["invoke", "", ""], "make sam-invoke FN=workers-schedule EVENT=<file>")
    _fails_with(capsys, ["nonsense"], "usage: python -m infra.sam")


def test_a_stage_file_that_does_not_validate_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given a local stage file whose endpoint is not a plain http://host:port
    data = json.loads((stage_config.names.STAGES_DIR / "local.json").read_text())
    data["local_endpoints"]["aws"] = "https://moto.example.com/"
    (tmp_path / "local.json").write_text(json.dumps(data))
    monkeypatch.setattr(stage_config.names, "STAGES_DIR", tmp_path)
    monkeypatch.setenv("SAM_STAGE", "local")
    # Then the validation error is one line, naming the field
    _fails_with(capsys, ["preflight"], "stage 'local': 1 validation error for StageConfig local_endpoints.aws")


def test_invoke_says_what_is_missing_in_order(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given a machine where Docker answers (faked: none here)
    monkeypatch.setenv("SAM_STAGE", "local")
    monkeypatch.setattr(sam, "docker_problem", lambda run: None)
    monkeypatch.setattr(sam, "SAM_VENV", tmp_path / "sam-venv")
    monkeypatch.setattr(sam, "OUTDIR", tmp_path / "cdk.out.sam")
    monkeypatch.setattr(sam, "_moto_answers", lambda port: False)
    argv = ["invoke", "workers-schedule", str(tmp_path / "event.json")]
    # Then each missing piece is named with its fix, one at a time
    _fails_with(capsys, argv, "no SAM CLI at")
    (tmp_path / "sam-venv" / "bin").mkdir(parents=True)
    (tmp_path / "sam-venv" / "bin" / "sam").write_text("")
    _fails_with(capsys, argv, "run `make sam-api` first (it synthesizes the stage)")
    (tmp_path / "cdk.out.sam").mkdir()
    (tmp_path / "cdk.out.sam" / "shoken-ena-local.template.json").write_text("{}")
    _fails_with(capsys, argv, "no event file")
    (tmp_path / "event.json").write_text('{"job": "expire"}')
    _fails_with(capsys, argv, "no moto server at 127.0.0.1:5000: start `make sam-api` in another terminal first")


def test_the_ports_come_from_the_stage() -> None:
    assert sam.ports(sam.stage({"SAM_STAGE": "local"})) == (8000, 5000)
