"""Every function: Python on arm64 with both layers, traced, sized, and an environment its own
config model accepts (so a function cannot cold-start into a validation error)."""

from __future__ import annotations

import json

import pytest

from infra import bundling, names
from infra.constructs.functions import RUNTIME, environment_for
from shoken.config import CONFIG_BY_FUNCTION, AdminConfig, CardPinConfig, PaymentsConfig, ResidentKeyConfig
from tests.infra.conftest import Synth, logical_id, render

STAGES = ("dev", "prod")
SPECS = {spec.key: spec for spec in (*names.http_function_specs(), *names.WORKER_SPECS)}


def function_properties(synth: Synth, stage: str, key: str) -> dict:
    function_id = synth.logical_ids[stage][key]
    return synth.main(stage)["Resources"][function_id]["Properties"]


def test_one_function_per_route_area(synth: Synth) -> None:
    keys = set(synth.logical_ids["dev"])
    assert set(names.HTTP_AREAS) <= keys
    assert {"auth", "admin", "programme", "payments", "wallet", "history"} <= keys
    workers_present = (names.FUNCTIONS_DIR / names.WORKERS).is_dir()
    assert ({s.key for s in names.WORKER_SPECS} <= keys) is workers_present


def test_an_http_function_reads_the_resident_key_and_the_pin_pepper_only_if_its_config_names_them() -> None:
    for spec in names.http_function_specs():
        config = CONFIG_BY_FUNCTION[spec.area]
        assert issubclass(config, ResidentKeyConfig) is (spec.key in names.RESIDENT_KEY_READERS), spec.key
        assert issubclass(config, CardPinConfig) is (spec.key in names.PIN_PEPPER_READERS), spec.key


@pytest.mark.parametrize("stage", STAGES)
def test_runtime_architecture_layers_tracing_and_handler(synth: Synth, stage: str) -> None:
    template = synth.main(stage)
    main = synth.deployments[stage].main
    for key, function_id in synth.logical_ids[stage].items():
        properties = template["Resources"][function_id]["Properties"]
        spec = SPECS[key]
        # The shared package, then a layer of exactly the third-party packages this function imports.
        layers = {logical_id(main.functions.shared_layer), logical_id(main.functions.dependencies_layer(spec.area))}
        assert layers <= set(template["Resources"])
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
    assert (dev["MemorySize"], dev["Timeout"]) == (1024, 10)
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
        # Only what the model declares (plus Powertools' own settings and which model it is) reaches the function.
        declared = {field.alias or name for name, field in model.model_fields.items()}
        assert {v for v in environment if not v.startswith("POWERTOOLS_")} <= declared | {
            "SHOKEN_FUNCTION",
            "PYDANTIC_DISABLE_PLUGINS",
        }, key
        # The init phase builds the Runtime from the model this variable names.
        assert CONFIG_BY_FUNCTION[environment["SHOKEN_FUNCTION"]] is model, key


def test_mail_sender_and_public_url_come_from_the_stage(synth: Synth) -> None:
    config = synth.deployments["dev"].config
    variables = function_properties(synth, "dev", "auth")["Environment"]["Variables"]
    assert variables["MAIL_FROM"] == config.mail_from
    assert render(variables["PUBLIC_BASE_URL"]).startswith("https://")
    assert "SES_CONFIGURATION_SET" in variables


def test_function_code_holds_only_its_own_area(synth: Synth) -> None:
    """Each asset is built from its own area's files only (the built bundles are checked on cdk.out
    by `make bundle-check`; here bundling is skipped, so the bundler's inputs are checked)."""
    template = synth.main("dev")
    assets: dict[str, str] = {}
    for key, function_id in synth.logical_ids["dev"].items():
        area = SPECS[key].area
        files = [str(path) for path in bundling.function_bundler(area).files]
        assert files and all(path.startswith(f"{area}/") or "/" not in path for path in files), key
        assert not any("__pycache__" in path or path.endswith(".pyc") for path in files), key
        assert f"{area}/{SPECS[key].module}.py" in files, key
        assets[key] = str(template["Resources"][function_id]["Properties"]["Code"]["S3Key"])
    # One asset per area: the two workers share theirs, no two areas do.
    by_area = {SPECS[key].area: path for key, path in assets.items()}
    assert len(set(by_area.values())) == len(by_area)


def test_a_variable_the_stack_cannot_provide_fails_the_synth() -> None:
    values = {"TABLE_NAME": "t", "SESSION_KEY_SECRET_ID": "s", "MAIL_FROM": "a@b.c", "PUBLIC_BASE_URL": "https://x"}
    with pytest.raises(ValueError, match="UPLOAD_BUCKET"):
        environment_for(AdminConfig, values)
    # Variables a model does not declare are left out rather than passed along.
    assert environment_for(PaymentsConfig, values) == {"TABLE_NAME": "t", "SESSION_KEY_SECRET_ID": "s"}


def test_payments_are_kept_warm_during_shop_hours_where_the_stage_asks(synth: Synth) -> None:
    prod, dev = synth.main("prod"), synth.main("dev")
    config = synth.deployments["prod"].config
    assert config.payments_warm_concurrency
    [target] = [
        r["Properties"]
        for r in prod["Resources"].values()
        if r["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget"
        and r["Properties"]["ScalableDimension"] == "lambda:function:ProvisionedConcurrency"
    ]
    opens, closes = config.payments_warm_hours
    actions = {a["Schedule"]: a for a in target["ScheduledActions"]}
    assert set(actions) == {f"cron(0 {opens} * * ? *)", f"cron(0 {closes} * * ? *)"}
    assert all(a["Timezone"] == "Asia/Tokyo" for a in actions.values())
    opening = actions[f"cron(0 {opens} * * ? *)"]["ScalableTargetAction"]
    closing = actions[f"cron(0 {closes} * * ? *)"]["ScalableTargetAction"]
    assert opening == {"MinCapacity": config.payments_warm_concurrency, "MaxCapacity": config.payments_warm_concurrency}
    # Outside the hours the warm environments are gone: a scheduled action scales in only to its new
    # maximum (capacity within [min, max] is left as it is), so the close must set the maximum to 0 too.
    assert closing == {"MinCapacity": 0, "MaxCapacity": 0}
    # The warm alias is the payments function's `live` alias, the one the API invokes ($LATEST is
    # not covered by provisioned concurrency).
    payments = synth.logical_ids["prod"]["payments"]
    [alias_id] = [
        k
        for k, r in prod["Resources"].items()
        if r["Type"] == "AWS::Lambda::Alias" and r["Properties"]["FunctionName"] == {"Ref": payments}
    ]
    assert alias_id in json.dumps(target["ResourceId"])
    integrations = [
        r["Properties"] for r in prod["Resources"].values() if r["Type"] == "AWS::ApiGatewayV2::Integration"
    ]
    assert any(alias_id in json.dumps(i["IntegrationUri"]) for i in integrations)
    # A stage without the setting runs on demand only.
    assert not [
        r
        for r in dev["Resources"].values()
        if r["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget"
        and r["Properties"]["ScalableDimension"] == "lambda:function:ProvisionedConcurrency"
    ]
