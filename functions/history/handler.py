"""HTTP entry point of the history function (routes of area "history" in shoken.routes)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from history import search
from history.schemas import Detail, HistorySearch, Page
from shoken import api, runtime
from shoken.config import HistoryConfig
from shoken.observability import logger, metrics, tracer

app = api.make_resolver()


@app.get("/api/history")
def handle_search_history(query: Annotated[HistorySearch, Query()]) -> Page:
    return search.search(api.rt(), api.principal(), query)


@app.get("/api/history/<number>")
def handle_get_transaction(number: str) -> Detail:
    return search.detail(api.rt(), api.principal(), number)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return api.serve(app, event, context, runtime.get(HistoryConfig))
