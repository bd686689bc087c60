"""A small dispatcher for API Gateway HTTP API (v2) events over the route functions of one area.

API Gateway has already matched the route (the event's routeKey, a key of shoken.routes), so this
only finds the area's function for that key and calls it with typed arguments: path parameters,
the JSON body as the pydantic model the function declares, and query parameters
(`Annotated[Model, Query()]` or `Annotated[str | None, Query(max_length=...)]`). It validates what
the function returns against its return annotation and serializes it, as Powertools'
APIGatewayHttpResolver with `enable_validation=True` did, with the same error locations
(`("body", field)`, `("query", name, field)`), so error answers keep their shape.

Why not that resolver: importing `aws_lambda_powertools.event_handler` loads every resolver Powertools
has (AppSync, Bedrock, VPC Lattice, asyncio …), about a fifth of a payment function's cold start.
The OpenAPI document is still Powertools' own: `get_openapi_schema` builds that resolver over the
same functions when the document is asked for (tests, the local server, the deploy's publishing),
never inside a Lambda function.

pydantic itself is imported by the first route that declares a pydantic type: a function whose
routes take and return shoken.strict models and plain path strings (payments) never loads it.
"""

from __future__ import annotations

import base64
import functools
import inspect
import json
import re
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar
from urllib.parse import parse_qs

from shoken import strict

if TYPE_CHECKING:
    from pydantic import TypeAdapter, ValidationError

JSON = "application/json"
# The path segment Powertools accepted for a `<name>` placeholder (RFC 3986's safe characters and
# those API Gateway hands over decoded), so a path parameter matches exactly as it did.
_SEGMENT = r"[-._~()'!*:@,;=+&$%<> \[\]{}|^\w]+"
_PLACEHOLDER = re.compile(r"<(\w+)>")

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class Response(Generic[T]):
    """An answer a route function builds itself (a file download); the same arguments as Powertools'."""

    def __init__(
        self,
        status_code: int,
        content_type: str | None = None,
        body: T | None = None,
        headers: Mapping[str, str | list[str]] | None = None,
        cookies: list[str] | None = None,
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.headers: dict[str, str | list[str]] = dict(headers) if headers else {}
        self.cookies = list(cookies or [])
        if content_type:
            self.headers.setdefault("Content-Type", content_type)

    def is_json(self) -> bool:
        content_type = self.headers.get("Content-Type", "")
        if isinstance(content_type, list):
            content_type = content_type[0] if content_type else ""
        return content_type.startswith(JSON)

    def to_event(self) -> dict[str, Any]:
        """The answer in HTTP API's payload format 2.0."""
        body: Any = self.body
        if self.is_json() and not isinstance(body, (str, bytes)):
            from pydantic_core import to_jsonable_python

            body = _dumps(to_jsonable_python(body))
        encoded = isinstance(body, bytes)
        if encoded:
            body = base64.b64encode(body).decode()
        headers = {k: v if isinstance(v, str) else ", ".join(v) for k, v in self.headers.items() if v is not None}
        return {
            "statusCode": self.status_code,
            "body": body,
            "isBase64Encoded": encoded,
            "headers": headers,
            "cookies": list(self.cookies),
        }


class Query:
    """Marks a route function's parameter as read from the query string, with pydantic's field
    constraints (`max_length`, `pattern` …); a pydantic model annotated so takes its fields from it."""

    def __init__(self, **constraints: Any) -> None:
        self.constraints = constraints


class RequestInvalid(strict.Invalid):
    """The request's parameters or body do not validate; `errors` are pydantic's (or shoken.strict's,
    of the same shape), located."""


class ResponseInvalid(Exception):
    """A route function returned something its return annotation does not allow (a bug)."""


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))  # as Powertools serialized answers


def _missing(loc: tuple[Any, ...]) -> dict[str, Any]:
    return {"type": "missing", "loc": loc, "msg": "Field required", "input": None}


def _located(error: ValidationError | strict.Invalid, prefix: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [{**e, "loc": prefix + tuple(e.get("loc", ()))} for e in error.errors()]


def _is_sequence(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    return any(_is_sequence(arg) for arg in typing.get_args(annotation)) if origin is not None else False


class _Param:
    """One parameter of a route function and where its value comes from."""

    __slots__ = ("adapter", "default", "model_fields", "name", "required", "sequence", "where")

    def __init__(
        self,
        name: str,
        where: str,  # "path", "query", "query-model" or "body"
        required: bool,
        default: Any,
        # pydantic's validator, a light model (parsed by itself) or None for a plain path string
        adapter: TypeAdapter[Any] | type[strict.Model] | None,
        *,
        sequence: bool = False,
        model_fields: tuple[tuple[str, bool], ...] = (),  # query models: (alias, is a sequence)
    ) -> None:
        self.name, self.where, self.required, self.default, self.adapter = name, where, required, default, adapter
        self.sequence, self.model_fields = sequence, model_fields

    def validate(self, value: Any) -> Any:
        """The argument for `value`; raises pydantic's ValidationError or strict.Invalid."""
        if self.adapter is None:
            return value
        if isinstance(self.adapter, type):
            return self.adapter.parse(value)
        return self.adapter.validate_python(value, from_attributes=True)


class _Plan:
    """How to call one route function, worked out on its first call (cold start pays for none)."""

    __slots__ = ("light_returns", "params", "returns")

    def __init__(
        self,
        params: list[_Param],
        returns: TypeAdapter[Any] | None,
        light_returns: tuple[type[strict.Model], ...] = (),
    ) -> None:
        self.params, self.returns, self.light_returns = params, returns, light_returns


class _Route:
    # Plain classes rather than dataclasses: a dataclass costs its module's import a compile() each.
    __slots__ = ("func", "method", "plan", "regex", "rule")

    def __init__(self, method: str, rule: str, func: Callable[..., Any]) -> None:
        self.method = method
        self.rule = rule  # as registered, with <name> placeholders
        self.func = func
        self.regex: re.Pattern[str] | None = None  # compiled on the first call, like the plan
        self.plan: _Plan | None = None

    def pattern(self) -> re.Pattern[str]:
        if self.regex is None:
            self.regex = re.compile("^" + _PLACEHOLDER.sub(lambda m: f"(?P<{m.group(1)}>{_SEGMENT})", self.rule) + "$")
        return self.regex


def _light_models(annotation: Any) -> tuple[type[strict.Model], ...]:
    """The light models an annotation names (one, or a union of them), else ()."""
    if isinstance(annotation, type) and issubclass(annotation, strict.Model):
        return (annotation,)
    members = typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, type(int | str)) else ()
    if members and all(isinstance(m, type) and issubclass(m, strict.Model) for m in members):
        return tuple(members)
    return ()


def _plan(func: Callable[..., Any], path_names: set[str]) -> _Plan:
    hints = typing.get_type_hints(func, include_extras=True)
    params: list[_Param] = []
    for name, parameter in inspect.signature(func).parameters.items():
        annotation = hints.get(name, str)
        required = parameter.default is inspect.Parameter.empty
        default = None if required else parameter.default
        if name in path_names and annotation is str:
            params.append(_Param(name, "path", True, None, None))  # the route's pattern matched a string
            continue
        if isinstance(annotation, type) and issubclass(annotation, strict.Model):
            params.append(_Param(name, "body", required, default, annotation))
            continue
        from pydantic import BaseModel, Field, TypeAdapter

        base, marker = annotation, None
        if typing.get_origin(annotation) is Annotated:
            base, *extras = typing.get_args(annotation)
            marker = next((e for e in extras if isinstance(e, Query)), None)
        if name in path_names:
            params.append(_Param(name, "path", True, None, TypeAdapter(base)))
        elif marker is not None and isinstance(base, type) and issubclass(base, BaseModel):
            fields = tuple(
                (info.alias or field_name, _is_sequence(info.annotation))
                for field_name, info in base.model_fields.items()
            )
            params.append(_Param(name, "query-model", required, default, TypeAdapter(base), model_fields=fields))
        elif marker is not None:
            constrained: Any = Annotated[base, Field(**marker.constraints)]
            adapter: TypeAdapter[Any] = TypeAdapter(constrained)
            params.append(_Param(name, "query", required, default, adapter, sequence=_is_sequence(base)))
        else:
            params.append(_Param(name, "body", required, default, TypeAdapter(base)))
    returned = hints.get("return")
    light = _light_models(returned)
    if light:
        return _Plan(params, None, light)
    # A function that builds its own Response (a file) is not validated; nor one that declares nothing.
    builds_response = (typing.get_origin(returned) or returned) is Response
    if returned is None or builds_response:
        return _Plan(params, None)
    from pydantic import TypeAdapter

    return _Plan(params, TypeAdapter(returned))


def _query(event: Mapping[str, Any]) -> tuple[dict[str, str], set[str]]:
    """The query string as HTTP API hands it over (repeated names joined by commas), and the names
    sent more than once (Powertools took the first of those for a single-valued field)."""
    given = dict(event.get("queryStringParameters") or {})
    raw = str(event.get("rawQueryString") or "")
    repeated = {k for k, v in parse_qs(raw, keep_blank_values=True).items() if len(v) > 1} if raw else set()
    return given, repeated


def _query_value(given: Mapping[str, str], repeated: set[str], name: str, sequence: bool) -> Any:
    value = given.get(name)
    if value is None:
        return None
    if sequence:
        return value.split(",")
    return value.split(",")[0] if name in repeated else value


def _body(event: Mapping[str, Any]) -> Any:
    body = event.get("body")
    if not body:
        return None
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    content_type = headers.get("content-type", "").strip()
    if content_type and not content_type.startswith(JSON):  # refused before its bytes are read as text
        raise RequestInvalid(
            [
                {
                    "type": "unsupported_content_type",
                    "loc": ("body",),
                    "msg": f"Unsupported content type: {content_type}",
                    "input": {},
                    "ctx": {},
                }
            ]
        )
    try:
        text = base64.b64decode(body).decode() if event.get("isBase64Encoded") else str(body)
        return json.loads(text) if text else None
    except UnicodeDecodeError:
        raise RequestInvalid(
            [{"type": "json_invalid", "loc": ("body",), "msg": "not UTF-8", "input": {}, "ctx": {"error": "not UTF-8"}}]
        ) from None
    except json.JSONDecodeError as error:
        raise RequestInvalid(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", error.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": error.msg},
                }
            ]
        ) from None


def _arguments(plan: _Plan, event: Mapping[str, Any], path_values: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    given, repeated = _query(event)

    def validate(param: _Param, value: Any, loc: tuple[Any, ...]) -> None:
        try:
            values[param.name] = param.validate(value)
        except strict.Invalid as error:
            errors.extend(_located(error, loc))
        except Exception as error:
            from pydantic import ValidationError

            if not isinstance(error, ValidationError):
                raise
            errors.extend(_located(error, loc))

    body_params = [p for p in plan.params if p.where == "body"]
    for param in plan.params:
        if param.where == "path":
            validate(param, path_values.get(param.name), ("path", param.name))
        elif param.where == "query-model":
            data = {}
            for alias, sequence in param.model_fields:
                value = _query_value(given, repeated, alias, sequence)
                if value is not None:
                    data[alias] = value
            validate(param, data, ("query", param.name))
        elif param.where == "query":
            value = _query_value(given, repeated, param.name, param.sequence)
            if value is None:
                if param.required:
                    errors.append(_missing(("query", param.name)))
                else:
                    values[param.name] = param.default
                continue
            validate(param, value, ("query", param.name))
    if body_params:
        received = _body(event)
        # One body parameter is the whole body; several would each be a member of it (none here).
        single = len(body_params) == 1
        for param in body_params:
            loc: tuple[Any, ...] = ("body",) if single else ("body", param.name)
            value = received if single else (received or {}).get(param.name) if isinstance(received, dict) else None
            if value is None:
                if param.required:
                    errors.append(_missing(loc))
                else:
                    values[param.name] = param.default
                continue
            validate(param, value, loc)
    if errors:
        raise RequestInvalid(errors)
    return values


class Resolver:
    """The route functions of one area, registered with the decorators Powertools' resolver has."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], _Route] = {}

    def route(self, rule: str, method: str) -> Callable[[F], F]:
        def register(func: F) -> F:
            key = (method.upper(), _PLACEHOLDER.sub(lambda m: "{" + m.group(1) + "}", rule))
            self._routes[key] = _Route(method.upper(), rule, func)
            return func

        return register

    def get(self, rule: str) -> Callable[[F], F]:
        return self.route(rule, "GET")

    def post(self, rule: str) -> Callable[[F], F]:
        return self.route(rule, "POST")

    def put(self, rule: str) -> Callable[[F], F]:
        return self.route(rule, "PUT")

    def patch(self, rule: str) -> Callable[[F], F]:
        return self.route(rule, "PATCH")

    def delete(self, rule: str) -> Callable[[F], F]:
        return self.route(rule, "DELETE")

    @property
    def route_keys(self) -> set[tuple[str, str]]:
        """(method, path as in shoken.routes) of every registered function."""
        return set(self._routes)

    def find(self, method: str, path: str) -> _Route | None:
        return self._routes.get((method, path))

    def call(self, route: _Route, event: Mapping[str, Any]) -> dict[str, Any] | None:
        """Call `route`'s function for `event`; None when the request's path does not fit the route's
        placeholders (an answer of 404). Raises RequestInvalid for bad input."""
        pattern = route.pattern()
        match = pattern.match(str(event.get("rawPath") or ""))
        if match is None:
            return None
        if route.plan is None:
            route.plan = _plan(route.func, set(pattern.groupindex))
        plan = route.plan
        result = route.func(**_arguments(plan, event, match.groupdict()))
        if isinstance(result, Response):
            return result.to_event()
        if plan.light_returns:
            if not isinstance(result, plan.light_returns):
                raise ResponseInvalid(f"{type(result).__name__} is none of {plan.light_returns}")
            body = result.to_json()
        elif plan.returns is not None:
            from pydantic import ValidationError

            try:
                value = plan.returns.validate_python(result, from_attributes=True)
            except ValidationError as error:
                raise ResponseInvalid(str(error)) from error
            body = plan.returns.dump_python(value, mode="json", by_alias=True)
        else:
            from pydantic_core import to_jsonable_python

            body = to_jsonable_python(result)
        return Response(200, JSON, _dumps(body)).to_event()

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Powertools' OpenAPI document of these routes (a resolver built for the document only)."""
        return self.powertools_resolver().get_openapi_schema(**kwargs)

    def powertools_resolver(self) -> Any:
        from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
        from aws_lambda_powertools.event_handler import Response as PowertoolsResponse
        from aws_lambda_powertools.event_handler.openapi.params import Query as PowertoolsQuery

        def translate(annotation: Any) -> Any:
            light = _light_models(annotation)
            if light:
                twins = tuple(m.pydantic_model() for m in light)
                return twins[0] if len(twins) == 1 else typing.Union[twins]  # noqa: UP007
            if typing.get_origin(annotation) is Annotated:
                base, *extras = typing.get_args(annotation)
                extras = [PowertoolsQuery(**e.constraints) if isinstance(e, Query) else e for e in extras]
                return Annotated[(base, *extras)] if extras else base
            if (typing.get_origin(annotation) or annotation) is Response:
                args = typing.get_args(annotation)
                return PowertoolsResponse[args[0]] if args else PowertoolsResponse  # type: ignore[valid-type]
            return annotation

        app = APIGatewayHttpResolver(enable_validation=True)
        for route in self._routes.values():
            hints = typing.get_type_hints(route.func, include_extras=True)
            signature = inspect.signature(route.func)
            parameters = [
                p.replace(annotation=translate(hints[p.name])) if p.name in hints else p
                for p in signature.parameters.values()
            ]
            returned = translate(hints["return"]) if "return" in hints else inspect.Signature.empty

            @functools.wraps(route.func)
            def described(*args: Any, _func: Callable[..., Any] = route.func, **kwargs: Any) -> Any:
                return _func(*args, **kwargs)

            described.__signature__ = signature.replace(  # type: ignore[attr-defined]
                parameters=parameters, return_annotation=returned
            )
            app.route(route.rule, route.method)(described)
        return app
