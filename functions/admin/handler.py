"""HTTP entry point of the admin function (routes of area "admin" in shoken.routes)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from admin import audit_log, users
from admin.schemas import (
    AuditList,
    AuditSearch,
    OptionsResponse,
    UserCreateRequest,
    UserList,
    UserSearch,
    UserUpdateRequest,
    UserView,
)
from shoken import api, runtime
from shoken.config import AdminConfig
from shoken.observability import logger, metrics, tracer

app = api.make_resolver()


@app.get("/api/admin/options")
def handle_get_options() -> OptionsResponse:
    return users.options(api.rt(), api.principal())


@app.get("/api/admin/users")
def handle_search_users(query: Annotated[UserSearch, Query()]) -> UserList:
    return users.search(api.rt(), api.principal(), query)


@app.post("/api/admin/users")
def handle_create_user(body: UserCreateRequest) -> UserView:
    return users.create(api.rt(), api.principal(), body)


@app.get("/api/admin/users/<user_id>")
def handle_get_user(user_id: str) -> UserView:
    return users.get(api.rt(), api.principal(), user_id)


@app.put("/api/admin/users/<user_id>")
def handle_update_user(user_id: str, body: UserUpdateRequest) -> UserView:
    return users.update(api.rt(), api.principal(), user_id, body)


@app.post("/api/admin/users/<user_id>/unlock")
def handle_unlock_user(user_id: str) -> UserView:
    return users.unlock(api.rt(), api.principal(), user_id)


@app.post("/api/admin/users/<user_id>/suspend")
def handle_suspend_user(user_id: str) -> UserView:
    return users.set_status(api.rt(), api.principal(), user_id, "suspended")


@app.post("/api/admin/users/<user_id>/resume")
def handle_resume_user(user_id: str) -> UserView:
    return users.set_status(api.rt(), api.principal(), user_id, "active")


@app.get("/api/admin/audit")
def handle_search_audit(query: Annotated[AuditSearch, Query()]) -> AuditList:
    return audit_log.search(api.rt(), api.principal(), query)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return api.serve(app, event, context, runtime.get(AdminConfig))
