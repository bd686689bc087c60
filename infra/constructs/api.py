"""The HTTP API, built from shoken.routes.ROUTES: one route per entry, to the function of its area.

There is no API Gateway authorizer: every function admits each request itself from the same route
table (shoken.gate.admit checks the gate, role, session record and CSRF token), so the rule that
protects a route is written once and runs identically locally and in AWS.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import jsii
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import nag
from infra.constructs.functions import pascal
from infra.retention import retention
from shoken.routes import ROUTES

# One JSON line per request. No headers, cookies or bodies: they carry sessions and personal data.
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "routeKey": "$context.routeKey",
    "path": "$context.path",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
    "userAgent": "$context.identity.userAgent",
}


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    def __init__(self, destination: apigwv2.IAccessLogDestination, log_format: apigateway.AccessLogFormat) -> None:
        self._destination = destination
        self._format = log_format

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigateway.AccessLogFormat:
        return self._format


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        rate_limit: int,
        burst_limit: int,
        log_retention_days: int,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            api_name=name,
            description="shoken API, reached through CloudFront under /api/",
            create_default_stage=False,
        )
        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=retention(log_retention_days),
            removal_policy=removal_policy,
        )
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            stage_name="$default",
            auto_deploy=True,
            # Applies to every route; WAF's per-IP rate rule in front stops a single client earlier.
            throttle=apigwv2.ThrottleSettings(rate_limit=rate_limit, burst_limit=burst_limit),
            access_log_settings=_AccessLogSettings(
                apigwv2.LogGroupLogDestination(self.access_logs),
                apigateway.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS)),
            ),
        )
        nag.acknowledge(
            self.http_api,
            "AwsSolutions-APIG4",
            "No API Gateway authorizer by design: each function admits every request from the same "
            "route table (shoken.routes + shoken.gate: gate, role, live session, CSRF token), so the "
            "rule for a route exists once and behaves the same locally and in AWS.",
        )

    @property
    def domain_name(self) -> str:
        """The execute-api host, CloudFront's origin for /api/*."""
        stack = Stack.of(self)
        return f"{self.http_api.api_id}.execute-api.{stack.region}.{stack.url_suffix}"

    def route(self, functions: Mapping[str, lambda_.IFunction]) -> None:
        """One route per entry of shoken.routes.ROUTES, integrated with the function of its area."""
        # One integration and one invoke permission per function, not per route: a per-route
        # permission would grow the function's resource policy past Lambda's 20 KB limit.
        by_area = {
            area: integrations.HttpLambdaIntegration(
                f"{pascal(area)}Integration", function, scope_permission_to_route=False
            )
            for area, function in functions.items()
        }
        for route in ROUTES:
            self.http_api.add_routes(
                path=route.path,
                methods=[apigwv2.HttpMethod(route.method)],
                integration=by_area[route.area.value],
            )
