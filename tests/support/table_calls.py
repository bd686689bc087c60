"""Every AWS call a function's code makes in the tests, checked against what its role is granted:
DynamoDB calls against infra/table_access.py, S3 and SES calls against infra/service_access.py.

IAM is not enforced by moto, so this is how the integration tests prove the policies of
infra/constructs/access.py fit what the code really does: each call is attributed to the Lambda
function whose code made it (the outermost frame under functions/ names it), broken into what IAM
authorizes (one action and partition key per item, per contained action of a transaction; one action
on one bucket's object for S3) and checked against that function's declared actions, key prefixes and
indexes, objects or mail. Calls made by test set-up (tests/support/world.py, seeding) run no function
code and are not checked.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore import signers
from botocore.client import BaseClient

from infra import service_access, table_access
from shoken.db.dynamo import Dynamo
from shoken.table import PARTITION_KEY

FUNCTIONS_DIR = str(Path(__file__).resolve().parents[2] / "functions") + os.sep
GATHERING = bool(os.environ.get("SHOKEN_TABLE_ACCESS_GATHER"))
_KEY_CONDITION = re.compile(r"^\s*(#\w+)\s*=\s*(:\w+)")


@dataclass(frozen=True)
class Call:
    """What IAM evaluates for one part of a request: an action and the key it names (or the index)."""

    action: str
    leading_key: str | None = None
    index: str | None = None


def authorized_parts(operation: str, params: dict[str, Any]) -> Iterator[Call]:
    """The IAM action and partition key of each item a DynamoDB request touches."""

    def pk(item: dict[str, Any]) -> str:
        return str(item[PARTITION_KEY]["S"])

    if operation in ("GetItem", "UpdateItem", "DeleteItem"):
        yield Call(operation, pk(params["Key"]))
    elif operation == "PutItem":
        yield Call(operation, pk(params["Item"]))
    elif operation == "BatchGetItem":
        for request in params["RequestItems"].values():
            for key in request["Keys"]:
                yield Call(operation, pk(key))
    elif operation == "BatchWriteItem":
        for requests in params["RequestItems"].values():
            for request in requests:
                if "PutRequest" in request:
                    yield Call(operation, pk(request["PutRequest"]["Item"]))
                else:
                    yield Call(operation, pk(request["DeleteRequest"]["Key"]))
    elif operation in ("TransactWriteItems", "TransactGetItems"):
        contained = {
            "Put": "PutItem",
            "Update": "UpdateItem",
            "Delete": "DeleteItem",
            "ConditionCheck": "ConditionCheckItem",
            "Get": "GetItem",
        }
        for action in params["TransactItems"]:
            [(kind, body)] = action.items()
            yield Call(contained[kind], pk(body["Item"] if kind == "Put" else body["Key"]))
    elif operation == "Query":
        match = _KEY_CONDITION.match(params["KeyConditionExpression"])
        value = params["ExpressionAttributeValues"][match.group(2)]["S"] if match else None
        if params.get("IndexName"):
            yield Call(operation, value, index=str(params["IndexName"]))
        else:
            yield Call(operation, value)
    else:
        yield Call(operation)


def _bucket_role(name: str) -> str:
    """exports or uploads, by the bucket names the functions are configured with (local/stack.py)."""
    roles = {
        os.environ.get("EXPORT_BUCKET"): service_access.EXPORTS,
        os.environ.get("UPLOAD_BUCKET"): service_access.UPLOADS,
    }
    return roles.get(name, f"bucket {name!r}")


def function_of_stack() -> str | None:
    """The Lambda function whose code is running: the outermost frame under functions/."""
    frame = sys._getframe(2)
    found: str | None = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(FUNCTIONS_DIR):
            found = filename[len(FUNCTIONS_DIR) :]
        frame = frame.f_back  # type: ignore[assignment]
    if found is None:
        return None
    area, _, rest = found.partition(os.sep)
    if not rest:
        return None  # a top-level module (api_document): no function of its own
    return table_access.function_for_module(area, Path(rest).stem)


@dataclass
class Recorder:
    violations: list[str] = field(default_factory=list)
    seen: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    def record(self, operation: str, params: dict[str, Any]) -> None:
        function = function_of_stack() or ACTING.get()
        if function is None:
            return
        access = table_access.ACCESS[function]
        for call in authorized_parts(operation, params):
            prefix = table_access.prefix_of(call.leading_key) if call.leading_key else ""
            self.seen.setdefault(function, set()).add((call.action, f"index:{call.index}" if call.index else prefix))
            # SHOKEN_TABLE_ACCESS_GATHER=<file>: record what each function touches (to review a new
            # access pattern against infra/table_access.py) without failing on it.
            problem = None if GATHERING else access.refuses(call.action, call.leading_key, call.index)
            if problem:
                self.violations.append(f"{function}: {problem} ({operation})")

    def record_service(self, service: str, operation: str, params: dict[str, Any]) -> None:
        """An S3 or SES call: the object's bucket (by its role, exports or uploads) and key, or the mail."""
        function = function_of_stack() or ACTING.get()
        if function is None:
            return
        if service == "ses":
            problem = service_access.refuses_mail(function, operation)
        else:
            bucket = _bucket_role(str(params.get("Bucket")))
            problem = service_access.refuses_object(function, bucket, operation, str(params.get("Key", "")))
        if problem:
            self.violations.append(f"{function}: {problem} ({operation})")

    def take(self) -> list[str]:
        found, self.violations = self.violations, []
        return found

    def dump(self, path: str) -> None:
        merged: dict[str, list[list[str]]] = {}
        if os.path.exists(path):
            merged = json.loads(Path(path).read_text())
        for function, pairs in self.seen.items():
            merged[function] = sorted({*map(tuple, merged.get(function, [])), *pairs})  # type: ignore[arg-type]
        Path(path).write_text(json.dumps(merged, indent=1))


RECORDER = Recorder()
ACTING: ContextVar[str | None] = ContextVar("table_calls_acting", default=None)
_installed = False


def install() -> None:
    """Wrap botocore's one entry point for API calls, for DynamoDB requests only."""
    global _installed
    if _installed:
        return
    original = BaseClient._make_api_call

    def recording(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        service = self.meta.service_model.service_name
        if service == "dynamodb":
            RECORDER.record(operation_name, api_params)
        elif service in ("s3", "ses"):
            RECORDER.record_service(service, operation_name, api_params)
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = recording  # type: ignore[method-assign]

    # A presigned link makes no call: it carries the permission of the function that signed it. S3
    # clients get generate_presigned_url from this module attribute when their class is created.
    original_presign = signers.generate_presigned_url

    def presigning(self: BaseClient, ClientMethod: str, Params: Any = None, *args: Any, **kwargs: Any) -> Any:  # noqa: N803
        operation = self.meta.method_to_api_mapping.get(ClientMethod, ClientMethod)
        RECORDER.record_service("s3", operation, dict(Params or {}))
        return original_presign(self, ClientMethod, Params, *args, **kwargs)

    signers.generate_presigned_url = presigning

    # Dynamo.query_many runs its queries on pool threads, whose stacks do not reach functions/: the
    # function is taken from the caller's stack and travels with the context each query runs in.
    original_many = Dynamo.query_many

    def attributed(self: Dynamo, requests: Any) -> Any:
        token = ACTING.set(function_of_stack())
        try:
            return original_many(self, requests)
        finally:
            ACTING.reset(token)

    Dynamo.query_many = attributed  # type: ignore[method-assign]
    _installed = True
