"""Every function: Python on arm64 with both layers, traced, sized, and an environment its own
config model accepts (so a function cannot cold-start into a validation error)."""

from __future__ import annotations

import pytest

from infra import names
from infra.constructs.functions import RUNTIME, environment_for
from shoken.config import CONFIG_BY_FUNCTION, AdminConfig, PaymentsConfig
from tests.infra.conftest import Synth, logical_id, render

STAGES = ("dev", "prod")
SPECS = {spec.key: spec for spec in (*names.http_function_specs(), *names.WORKER_SPECS)}


def function_properties(synth: Synth, stage: str, key: str) -> dict:
    function_id = synth.logical_ids[stage][key]
    return synth.main(stage)["Resources"][function_id]["Properties"]


def test_one_function_per_route_area(synth: Synth) -> None:
    keys = set(synth.logical_ids["dev"])
    assert set(names.HTTP_AREAS) <= keys
    assert {"auth", "admin", "payments", "wallet", "history"} <= keys
    workers_present = (names.FUNCTIONS_DIR / names.WORKERS).is_dir()
    assert ({s.key for s in names.WORKER_SPECS} <= keys) is workers_present


@pytest.mark.parametrize("stage", STAGES)
def test_runtime_architecture_layers_tracing_and_handler(synth: Synth, stage: str) -> None:
    template = synth.main(stage)
    main = synth.deployments[stage].main
    layers = {logical_id(layer) for layer in (main.functions.shared_layer, main.functions.dependencies_layer)}
    assert layers <= set(template["Resources"])
    for key, function_id in synth.logical_ids[stage].items():
        properties = template["Resources"][function_id]["Properties"]
        spec = SPECS[key]
        assert properties["Runtime"] == RUNTIME.name == f"python{names.PYTHON_VERSION}", key
        assert properties["Architectures"] == ["arm64"], key
        assert properties["TracingConfig"] == {"Mode": "Active"}, key
        assert {layer["Ref"] for layer in properties["Layers"]} == layers, key
        assert properties["Handler"] == f"{spec.area}.{spec.module}.lambda_handler", key
        assert properties["MemorySize"] == spec.memory_mb, key
        assert properties["Timeout"] == spec.timeout_seconds, key
        assert "LoggingConfig" in properties, key  # its own log group, with retention


def test_http_functions_fit_within_api_gateway_timeout() -> None:
    for spec in names.http_function_specs():
        assert spec.timeout_seconds <= 29, spec.key


def test_payments_is_sized_and_capped_as_configured(synth: Synth) -> None:
    dev = function_properties(synth, "dev", "payments")
    prod = function_properties(synth, "prod", "payments")
    assert (dev["MemorySize"], dev["Timeout"]) == (512, 10)
    assert "ReservedConcurrentExecutions" not in dev
    assert prod["ReservedConcurrentExecutions"] == synth.deployments["prod"].config.payments_reserved_concurrency
    for key in synth.logical_ids["prod"]:
        if key != "payments":
            assert "ReservedConcurrentExecutions" not in function_properties(synth, "prod", key), key


@pytest.mark.parametrize("stage", STAGES)
def test_environment_validates_against_the_functions_config_model(synth: Synth, stage: str) -> None:
    config = synth.deployments[stage].config
    for key in synth.logical_ids[stage]:
        environment = render(function_properties(synth, stage, key)["Environment"]["Variables"])
        model = CONFIG_BY_FUNCTION[SPECS[key].area]
        settings = model.model_validate(environment)
        assert settings.stage == stage
        assert settings.session_key_secret_id and not settings.session_key_file
        assert environment["POWERTOOLS_SERVICE_NAME"] == names.service_name(config.city, stage, key)
        assert environment["POWERTOOLS_METRICS_NAMESPACE"] == names.METRICS_NAMESPACE == "shoken"
        assert environment["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
        # Only what the model declares (plus Powertools' own settings) reaches the function.
        declared = {field.alias or name for name, field in model.model_fields.items()}
        assert {v for v in environment if not v.startswith("POWERTOOLS_")} <= declared, key


def test_mail_sender_and_public_url_come_from_the_stage(synth: Synth) -> None:
    config = synth.deployments["dev"].config
    variables = function_properties(synth, "dev", "auth")["Environment"]["Variables"]
    assert variables["MAIL_FROM"] == config.mail_from
    assert render(variables["PUBLIC_BASE_URL"]).startswith("https://")
    assert "SES_CONFIGURATION_SET" in variables


def test_function_code_holds_only_its_own_area(synth: Synth) -> None:
    """Each asset is functions/ minus the other areas' folders (checked on the staged asset)."""
    template = synth.main("dev")
    for key, function_id in synth.logical_ids["dev"].items():
        asset = template["Resources"][function_id]["Metadata"]["aws:asset:path"]
        staged = synth.outdir / asset
        area = SPECS[key].area
        # Empty folders do not count: they do not change an asset's hash, so areas whose folders are
        # still empty share one staged copy.
        present = {p.name for p in staged.iterdir() if p.is_dir() and any(f.is_file() for f in p.rglob("*"))}
        assert not (present & (set(names.ALL_AREAS) - {area})), key
        assert not list(staged.rglob("__pycache__")), key
        if (names.FUNCTIONS_DIR / area).is_dir() and any((names.FUNCTIONS_DIR / area).iterdir()):
            assert area in present, key


def test_a_variable_the_stack_cannot_provide_fails_the_synth() -> None:
    values = {"TABLE_NAME": "t", "SESSION_KEY_SECRET_ID": "s", "MAIL_FROM": "a@b.c", "PUBLIC_BASE_URL": "https://x"}
    with pytest.raises(ValueError, match="UPLOAD_BUCKET"):
        environment_for(AdminConfig, values)
    # Variables a model does not declare are left out rather than passed along.
    assert environment_for(PaymentsConfig, values) == {"TABLE_NAME": "t", "SESSION_KEY_SECRET_ID": "s"}
