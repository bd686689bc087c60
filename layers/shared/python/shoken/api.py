"""The HTTP edge shared by every function: resolver set-up, admission, errors and cookies in one place.

Route functions stay thin: they take a typed request, call one logic function and return a typed
response. Everything around that (who may call, error bodies, cookies, headers) happens here.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import importlib.machinery
import json
import sys
import threading
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from shoken import audit, routes
from shoken.db import dynamo
from shoken.db.dynamo import Item
from shoken.errors import (
    BodyTooDeep,
    InternalError,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    ShokenError,
    Unauthenticated,
)
from shoken.gate import Admission, HttpRequest, admit, through_cloudfront
from shoken.observability import count, logger
from shoken.principal import Principal, Scope
from shoken.resolver import JSON, Query, RequestInvalid, Resolver, Response
from shoken.runtime import Runtime
from shoken.strict import json_too_deep, reason_ja

if TYPE_CHECKING:  # only the annotations name it: the runtime import costs a cold start about 5 ms (issue 19)
    from aws_lambda_powertools.utilities.typing import LambdaContext

__all__ = ["Query", "Resolver", "Response", "make_resolver", "serve"]

API_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Type": "application/json; charset=utf-8",
}


class _Call:
    """One invocation: its runtime, request and admission, and the cookies its route sets."""

    __slots__ = ("admission", "event", "request", "runtime", "set_cookies")

    def __init__(self, runtime: Runtime, request: HttpRequest, admission: Admission, event: dict[str, Any]) -> None:
        self.runtime = runtime
        self.request = request
        self.admission = admission
        self.event = event
        self.set_cookies: list[str] = []


# Log keys naming the caller of one invocation, removed before and after every invocation.
PER_CALL_KEYS = ("role", "user")

_call: contextvars.ContextVar[_Call] = contextvars.ContextVar("shoken_call")


def current() -> _Call:
    return _call.get()


def rt() -> Runtime:
    """The Runtime of the current invocation (config, clock, clients)."""
    return _call.get().runtime


def audit_event(
    action: str,
    *,
    scope: Scope,
    actor: dict[str, Any] | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    **detail: Any,
) -> None:
    """Records an audit event of the request being served, done by its signed-in caller unless `actor`
    names someone else (a sign-in in progress, a device being set up)."""
    call = _call.get()
    if actor is None:
        actor = audit.actor_of(call.admission.principal)
    audit.record(
        call.runtime,
        action,
        actor=actor,
        scope=scope,
        request=call.request,
        target_type=target_type,
        target_id=target_id,
        **detail,
    )


def audit_item(
    action: str,
    *,
    scope: Scope,
    target_type: str | None = None,
    target_id: str | None = None,
    **detail: Any,
) -> Item:
    """The audit item of a money movement by the signed-in caller, to be written in the movement's own
    transaction (db/ledger.py), so there is never a movement without its record or the reverse."""
    call = _call.get()
    return audit.entry(
        call.runtime,
        action,
        actor=audit.actor_of(call.admission.principal),
        scope=scope,
        request=call.request,
        target_type=target_type,
        target_id=target_id,
        **detail,
    )


def principal() -> Principal:
    """The signed-in caller of a SESSION route (admission guarantees there is one)."""
    found = _call.get().admission.principal
    if found is None:
        raise Unauthenticated()
    return found


def pending() -> dict[str, Any]:
    """The claims of the sign-in in progress (PENDING routes)."""
    found = _call.get().admission.pending
    if found is None:
        raise Unauthenticated()
    return found


def terminal_binding() -> dict[str, Any]:
    """The claims of the terminal this device is bound to (TERMINAL routes)."""
    found = _call.get().admission.terminal
    if found is None:
        raise Unauthenticated()
    return found


def session_ends() -> int:
    """Epoch second at which the caller's session ends whatever its activity (absolute lifetime)."""
    claims = _call.get().admission.claims or {}
    return int(claims.get("aex", 0))


def raw_body() -> bytes:
    """The request body as sent (file uploads are not JSON and may not be UTF-8)."""
    event = _call.get().event
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else str(body).encode()


def set_cookie(header_value: str) -> None:
    _call.get().set_cookies.append(header_value)


def language() -> str:
    """The language of the caller's messages: English when the English wallet asks (X-Shoken-Language)."""
    call = _call.get(None)
    return "en" if call is not None and call.request.headers.get("x-shoken-language") == "en" else "ja"


def error_response(error: ShokenError) -> Response[str]:
    return Response(
        status_code=error.status,
        content_type=JSON,
        body=json.dumps(error.body(language()), ensure_ascii=False),
        headers=error.headers or None,
    )


def aws_fault(error: Exception) -> ShokenError:
    """An AWS fault no route code handled, classified once (db/dynamo.py) and logged as such."""
    classified = dynamo.classify(error)
    if classified.status >= 500 and not dynamo.is_transient(error):
        logger.exception("permanent AWS error")  # a bug or misconfiguration: alarms via error_internal_error
    else:
        logger.warning("AWS busy", extra={"error": type(error).__name__})
    count(f"error_{classified.code}", 1)
    return classified


_RUNNING: set[str] = set()  # deferred modules whose code is running now
_RUN_LOCK = threading.RLock()  # two threads' first uses run a module's code once (the local server)


class _Deferred(ModuleType):
    """A module imported in a `deferred` block whose code has not run yet: the first attribute it
    lacks runs it (importlib's LazyLoader does the same, but without a lock before Python 3.12)."""

    def __getattr__(self, name: str) -> Any:
        with _RUN_LOCK:
            if type(self) is _Deferred and self.__name__ not in _RUNNING:
                _RUNNING.add(self.__name__)
                try:
                    loader: Any = self.__loader__
                    loader.exec_module(self)
                finally:
                    _RUNNING.discard(self.__name__)
                object.__setattr__(self, "__class__", ModuleType)  # a plain module from now on
        if type(self) is _Deferred:  # asked for by its own code while it runs (a circular import)
            raise AttributeError(f"partially initialized module {self.__name__!r} has no attribute {name!r}")
        return getattr(self, name)


class _DeferringLoader:
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        created: ModuleType | None = self.loader.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        module.__class__ = _Deferred


class _Deferring:
    """A finder for sys.meta_path: modules of `packages` found while it is there run their code on
    their first use, not at their import."""

    def __init__(self, packages: tuple[str, ...]) -> None:
        self.prefixes = tuple(f"{p}." for p in packages)

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not name.startswith(self.prefixes):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _DeferringLoader(spec.loader)  # type: ignore[assignment]
        return spec


@contextlib.contextmanager
def deferred(*packages: str) -> Iterator[None]:
    """`with api.deferred("admin"): from admin import users, …`: each module imported in the block
    runs on the first request of one of its routes, not at every cold start (issue 19). A handler
    serves dozens of routes and one request uses one of them; the others' modules and what they
    import stay off the cold start. Modules loaded before the block are taken as they are."""
    finder = _Deferring(packages)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def make_resolver() -> Resolver:
    """The route functions of one area; serve() calls the one the event's route key names."""
    return Resolver()


def _invalid(error: RequestInvalid) -> ShokenError:
    details = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ())[1:]) or "body",
            "reason": e.get("msg", ""),
            "reason_ja": reason_ja(e),
        }
        for e in error.errors()
    ]
    return InvalidRequest(details=details)


def _dispatch(app: Resolver, event: dict[str, Any]) -> dict[str, Any]:
    """Call the area's function for the event's route; domain and AWS errors become answers here,
    once for every route (STYLE: no try/except in route functions)."""
    method, _, path = str(event.get("routeKey", "")).partition(" ")
    found = app.find(method, path)
    try:
        answer = app.call(found, event) if found is not None else None
    except ShokenError as error:
        if error.status >= 500:
            logger.warning("service error", extra={"code": error.code})
        count(f"error_{error.code}", 1)
        return error_response(error).to_event()
    except dynamo.AWS_ERRORS as error:
        return error_response(aws_fault(error)).to_event()
    except dynamo.TransactionFailed as failed:
        if not failed.conflict:
            raise  # a condition no route code refused: a bug, answered 500 with its trace
        # Cancelled by another transaction's timing (or a throttle) where the route does not try again:
        # busy, like any transient AWS fault, so that the caller sends it again.
        logger.warning("transaction busy", extra={"reasons": failed.reasons})
        busy = dynamo.AwsBusy()
        count(f"error_{busy.code}", 1)
        return error_response(busy).to_event()
    except RequestInvalid as error:
        return error_response(_invalid(error)).to_event()
    return answer if answer is not None else error_response(NotFound()).to_event()


def serve(app: Resolver, event: dict[str, Any], context: LambdaContext, runtime: Runtime) -> dict[str, Any]:
    """Admit the caller by the route table, call the route's function, then attach cookies and headers."""
    route = routes.by_key(str(event.get("routeKey", "")))
    # The logger outlives the invocation (warm starts): keys about one caller must not reach the next.
    logger.remove_keys(PER_CALL_KEYS)
    call = _Call(runtime=runtime, request=HttpRequest.from_event(event), admission=Admission(), event=event)
    token = _call.set(call)
    try:
        call.request = through_cloudfront(call.request, runtime)
        if route is None:
            raise NotFound()
        _check_body(route, event)
        call.admission = admit(route, call.request, runtime)
        if call.admission.principal:
            logger.append_keys(role=call.admission.principal.role.value, user=call.admission.principal.user_id)
        result = _dispatch(app, event)
    except ShokenError as error:
        result = _plain(error)
    except dynamo.AWS_ERRORS as error:  # during admission (its session reads), before any route code
        result = _plain(aws_fault(error))
    except Exception:  # a bug, never bad input: log it with its trace and answer with a stable code
        logger.exception("unhandled error")
        result = _plain(InternalError())
    finally:
        _call.reset(token)
        logger.remove_keys(PER_CALL_KEYS)
    headers = {**API_HEADERS, **(result.get("headers") or {})}
    result["headers"] = headers
    cookies = [*call.admission.set_cookies, *call.set_cookies]
    if cookies:
        result["cookies"] = [*(result.get("cookies") or []), *cookies]
    return result


def _check_body(route: routes.Route, event: dict[str, Any]) -> None:
    """Refuse a body over the route's documented size, or JSON nested too deep to parse safely,
    before admission and before the resolver parses it (the parser and validator recurse)."""
    body = event.get("body") or ""
    if not body:
        return
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(str(body).encode())
    limit = route.body_limit
    if size > limit:
        raise PayloadTooLarge(f"送信されたデータが大きすぎます ({limit // 1024:,}KBまで)。")
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    content_type = headers.get("content-type", "").strip().lower()
    if content_type and not content_type.startswith("application/json"):
        return
    try:
        text = raw_body().decode()
    except UnicodeDecodeError:
        # RFC 8259: JSON is UTF-8; API Gateway hands other bytes on base64-encoded (a 500 in the resolver).
        raise InvalidRequest(
            details=[{"field": "body", "reason": "not valid UTF-8", "reason_ja": "文字コードがUTF-8ではありません。"}]
        ) from None
    if json_too_deep(text):
        raise BodyTooDeep()


def _plain(error: ShokenError) -> dict[str, Any]:
    return {
        "statusCode": error.status,
        "headers": error.headers,
        "body": json.dumps(error.body(language()), ensure_ascii=False),
        "isBase64Encoded": False,
    }
