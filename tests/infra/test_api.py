"""The HTTP API has exactly the routes of shoken.routes.ROUTES, each to the function of its area."""

from __future__ import annotations

from aws_cdk.assertions import Match, Template

from infra import names
from shoken.routes import ROUTES
from tests.infra.conftest import Synth, only, resources


def invoked_function(template: dict, uri: dict) -> str:
    """The function an integration invokes, through its `live` alias (never $LATEST)."""
    alias = template["Resources"][uri["Ref"]]
    assert alias["Type"] == "AWS::Lambda::Alias", uri
    assert alias["Properties"]["Name"] == names.LIVE_ALIAS
    assert "Fn::GetAtt" in alias["Properties"]["FunctionVersion"]  # the version this deploy published
    return str(alias["Properties"]["FunctionName"]["Ref"])


def deployed_routes(synth: Synth, stage: str) -> dict[str, str]:
    """routeKey -> logical id of the Lambda function its integration invokes (through its alias)."""
    template = synth.main(stage)
    integrations = {
        logical_id: invoked_function(template, integration["Properties"]["IntegrationUri"])
        for logical_id, integration in resources(template, "AWS::ApiGatewayV2::Integration").items()
    }
    routes: dict[str, str] = {}
    for route in resources(template, "AWS::ApiGatewayV2::Route").values():
        target = route["Properties"]["Target"]["Fn::Join"][1]
        assert target[0] == "integrations/"
        routes[route["Properties"]["RouteKey"]] = integrations[target[1]["Ref"]]
    return routes


def test_routes_equal_the_route_table(synth: Synth) -> None:
    functions = synth.logical_ids["dev"]
    expected = {route.key: functions[route.area.value] for route in ROUTES}
    assert deployed_routes(synth, "dev") == expected


def test_routes_are_the_same_in_every_stage(synth: Synth) -> None:
    assert set(deployed_routes(synth, "prod")) == {route.key for route in ROUTES}


def test_lambda_proxy_v2_integrations_one_per_area(synth: Synth) -> None:
    template = synth.main("dev")
    integrations = resources(template, "AWS::ApiGatewayV2::Integration")
    assert len(integrations) == len({route.area for route in ROUTES})
    for integration in integrations.values():
        assert integration["Properties"]["IntegrationType"] == "AWS_PROXY"
        assert integration["Properties"]["PayloadFormatVersion"] == "2.0"


def test_one_invoke_permission_per_function_not_per_route(synth: Synth) -> None:
    """A per-route permission would grow a function's resource policy past Lambda's 20 KB limit."""
    template = synth.main("dev")
    permissions = [
        p["Properties"]
        for p in resources(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
    ]
    invoked = [invoked_function(template, p["FunctionName"]) for p in permissions]
    assert sorted(invoked) == sorted(set(invoked))
    assert set(invoked) == set(deployed_routes(synth, "dev").values())


def test_default_stage_throttles_and_logs_access(synth: Synth) -> None:
    for stage in ("dev", "prod"):
        config = synth.deployments[stage].config
        Template.from_json(synth.main(stage)).has_resource_properties(
            "AWS::ApiGatewayV2::Stage",
            {
                "StageName": "$default",
                "AutoDeploy": True,
                "DefaultRouteSettings": {
                    "ThrottlingRateLimit": config.api_rate_limit,
                    "ThrottlingBurstLimit": config.api_burst_limit,
                },
                "AccessLogSettings": {
                    "DestinationArn": Match.any_value(),
                    "Format": Match.string_like_regexp(r"\$context\.requestId"),
                },
            },
        )


def test_no_authorizer_admission_is_in_the_functions(synth: Synth) -> None:
    template = synth.main("dev")
    assert not resources(template, "AWS::ApiGatewayV2::Authorizer")
    assert only(template, "AWS::ApiGatewayV2::Api")["Properties"]["ProtocolType"] == "HTTP"
