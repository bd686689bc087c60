"""Powertools Logger, Tracer and Metrics, set up once; every handler uses these three objects."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

# Service name and log level come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL, set per
# function by the stack; the namespace is shared so dashboards see every function's metrics.
logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="shoken")

# Keys that must never reach a log line, whatever a caller passes as extra fields.
SECRET_FIELDS = frozenset({"password", "new_password", "code", "token", "cookie", "authorization", "qr"})


def safe(fields: dict[str, object]) -> dict[str, object]:
    """Drop secret fields before logging a dict that came from a request."""
    return {k: ("***" if k.lower() in SECRET_FIELDS else v) for k, v in fields.items()}
