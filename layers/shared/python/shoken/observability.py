"""Powertools Logger, Tracer and Metrics, set up once; every handler uses these three objects."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics

# Service name and log level come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL, set per
# function by the stack; the namespace is shared so dashboards see every function's metrics.
logger = Logger()
metrics = Metrics(namespace="shoken")

F = TypeVar("F", bound=Callable[..., Any])


class _Tracer:
    """Powertools Tracer, created only when SDK tracing is on (POWERTOOLS_TRACE_DISABLED=false).

    Importing the X-Ray SDK builds a botocore session at import (~150 ms of every cold start), so by
    default the functions rely on Lambda's active tracing and load the SDK only when a stage asks
    for subsegment-level traces.
    """

    @staticmethod
    def enabled() -> bool:
        return os.environ.get("POWERTOOLS_TRACE_DISABLED", "true").lower() not in ("1", "true")

    def capture_lambda_handler(self, handler: F) -> F:
        if not self.enabled():
            return handler
        from aws_lambda_powertools import Tracer

        return cast(F, Tracer().capture_lambda_handler(handler))


tracer = _Tracer()


# The handlers are typed for Lambda's context; the local server and the tests call them with their own.
def entry(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A Lambda handler set up with the three: the context in every log line, a trace, metrics flushed."""
    return logger.inject_lambda_context(tracer.capture_lambda_handler(metrics.log_metrics(handler)))


def http_entry(handler: Callable[..., Any]) -> Callable[..., Any]:
    """`entry` for an API function, whose log lines carry the API Gateway request id.

    The id is read here rather than by Powertools' `correlation_id_path`, which evaluates a JMESPath
    expression (and formats a debug line) on every invocation, a few per cent of a payment's own CPU."""

    @functools.wraps(handler)
    def with_request_id(event: dict[str, Any], context: Any) -> Any:
        request_context = event.get("requestContext") if isinstance(event, dict) else None
        logger.set_correlation_id(request_context.get("requestId") if isinstance(request_context, dict) else None)
        return handler(event, context)

    return entry(with_request_id)


# Powertools buffers metrics even when POWERTOOLS_METRICS_DISABLED is set and prints them every
# 100 data points; locally and in tests nothing should be buffered at all.
_METRICS_ON = os.environ.get("POWERTOOLS_METRICS_DISABLED", "false").lower() not in ("1", "true")


def count(name: str, value: float = 1) -> None:
    """Add to a CloudWatch (EMF) metric of this invocation; a no-op where metrics are off."""
    if _METRICS_ON:
        metrics.add_metric(name=name, unit="Count", value=value)


# Keys that must never reach a log line, whatever a caller passes as extra fields.
SECRET_FIELDS = frozenset({"password", "new_password", "code", "token", "cookie", "authorization", "qr"})


def safe(fields: dict[str, object]) -> dict[str, object]:
    """Drop secret fields before logging a dict that came from a request."""
    return {k: ("***" if k.lower() in SECRET_FIELDS else v) for k, v in fields.items()}
