"""HTTP entry point of the auth function (routes of area "auth" in shoken.routes)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from auth import site
from auth.schemas import HealthResponse, SiteResponse
from shoken import api, runtime
from shoken.config import AuthConfig
from shoken.observability import logger, metrics, tracer

app = api.make_resolver()


@app.get("/api/health")
def handle_get_health() -> HealthResponse:
    return HealthResponse(status="ok", stage=api.rt().config.stage)


@app.get("/api/site")
def handle_get_site() -> SiteResponse:
    return site.describe(api.rt())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return api.serve(app, event, context, runtime.get(AuthConfig))
