"""A thin typed wrapper over the low-level DynamoDB client: (de)serialization, paging and transactions.

Numbers come back as int (yen, counts, epochs); shoken stores no fractional numbers, so a Decimal
that is not integral is a bug and is refused rather than turned into a float.
"""

from __future__ import annotations

import contextvars
import random
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from shoken.errors import BusyRefused, InternalError, ShokenError, variant
from shoken.table import PARTITION_KEY, SORT_KEY

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

Item = dict[str, Any]
Key = tuple[str, str]

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _to_python(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueError(f"non-integral number in table: {value}")
        return int(value)
    if isinstance(value, dict):
        return {k: _to_python(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_python(v) for v in value]
    if isinstance(value, set):
        return {_to_python(v) for v in value}
    return value


# DynamoDB numbers hold 38 significant digits; boto3's serializer refuses larger ones, and so do we
# (by handing them to it).
_LARGEST_INT = 10**38


def serialize(value: Any) -> Any:
    """boto3's TypeSerializer, with its common cases written out: a payment's transaction and its
    audit record are serialized on every call and boto3's type dispatch was a tenth of a payment's
    CPU (bench/payment_cpu.py). Anything else (Decimal, sets, bytes, refused floats) goes to boto3."""
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is int and -_LARGEST_INT < value < _LARGEST_INT:
        return {"N": str(value)}
    if kind is bool:
        return {"BOOL": value}
    if kind is dict:
        return {"M": {k: serialize(v) for k, v in value.items()}}
    if kind is list:
        return {"L": [serialize(v) for v in value]}
    if value is None:
        return {"NULL": True}
    if isinstance(value, str):  # a StrEnum (shoken.status): stored as its value
        return {"S": str(value)}
    return _serializer.serialize(value)


def serialize_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: serialize(v) for k, v in item.items() if v is not None}


def deserialize(raw: Mapping[str, Any]) -> Any:
    """One attribute value as Python, numbers as int (see _to_python); the inverse of serialize()."""
    if len(raw) == 1:
        [(tag, value)] = raw.items()
        if tag == "S":
            return value
        if tag == "N":
            try:
                return int(value)
            except ValueError:  # "1.0", "1E+2": DynamoDB's own spelling of a number; Decimal decides
                pass
        elif tag == "M":
            return deserialize_item(value)
        elif tag == "L":
            return [deserialize(v) for v in value]
        elif tag == "BOOL":
            return value
        elif tag == "NULL":
            return None
    return _to_python(_deserializer.deserialize(dict(raw)))  # type: ignore[arg-type]


def deserialize_item(raw: Mapping[str, Any]) -> Item:
    """An item (or a map's members) as Python. Most attributes are strings, taken here without a call
    of deserialize() each: half the time of decoding a payment's six items."""
    out: Item = {}
    for name, value in raw.items():
        text = value.get("S")
        out[name] = text if text is not None and len(value) == 1 else deserialize(value)
    return out


R = TypeVar("R")


class Found(dict[Key, Item]):
    """One BatchGetItem's items by key, each decoded into its typed record (db/records.py) once, on the
    first `record()` of it: the admission check and the payment's plan read the same terminal and
    store, and decode them once between them."""

    __slots__ = ("_records",)

    def __init__(self) -> None:
        super().__init__()
        self._records: dict[Key, Any] = {}

    def record(self, kind: type[R], key: Key) -> R | None:
        """The item at `key` as a `kind` (a db/records.py class, built from the item), or None."""
        done = self._records.get(key)
        if done is None:
            item = self.get(key)
            if item is None:
                return None
            done = self._records[key] = kind(item)  # type: ignore[call-arg]
        if not isinstance(done, kind):
            raise TypeError(f"{key} was read as {type(done).__name__}, not {kind.__name__}")
        return done


def key_of(pk: str, sk: str) -> dict[str, Any]:
    return {PARTITION_KEY: {"S": pk}, SORT_KEY: {"S": sk}}


@dataclass(frozen=True)
class Page:
    items: list[Item]
    last_key: dict[str, Any] | None  # raw DynamoDB key, to be wrapped in a signed cursor
    scanned: int


# --- AWS faults, classified once ------------------------------------------------------------------------
# Transient: the request may well succeed if sent again shortly (botocore has already retried it).
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "TransactionInProgressException",
        "TransactionConflict",
        "TransactionConflictException",
        "LimitExceededException",
    }
)
TRANSIENT_CAUSES: tuple[type[BaseException], ...] = (
    ReadTimeoutError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ConnectionClosedError,
)


class AwsBusy(BusyRefused):
    """DynamoDB (or another AWS service) throttled or timed out: answered 503 with Retry-After."""

    variant = "aws"


WriteUncertain = variant(AwsBusy, "uncertain", "WriteUncertain")  # the write's outcome unknown: the same screen retries


class AwsBroken(InternalError):
    """A request AWS refuses whatever the timing (validation, missing table, access): a bug or a
    misconfiguration, answered 500 and counted so it alarms (error_internal_error)."""


def is_transient(error: BaseException) -> bool:
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code", "") in TRANSIENT_CODES
    return isinstance(error, TRANSIENT_CAUSES)


def classify(error: BaseException) -> ShokenError:
    """The one place an AWS fault becomes what the caller sees: transient → 503 + Retry-After,
    anything else (ValidationException, ResourceNotFound, AccessDenied, …) → 500."""
    return AwsBusy() if is_transient(error) else AwsBroken()


AWS_ERRORS: tuple[type[Exception], ...] = (ClientError, BotoCoreError)

# Unprocessed keys and items of batch calls: retried with exponential back-off and full jitter.
BATCH_ATTEMPTS = 5
BATCH_BASE_SECONDS = 0.05
BATCH_CAP_SECONDS = 0.5


def backoff(attempt: int) -> float:
    """Seconds to wait before retry `attempt` (1, 2, …): uniform in [0, min(cap, base × 2^attempt)]."""
    return random.uniform(0, min(BATCH_CAP_SECONDS, BATCH_BASE_SECONDS * 2**attempt))


class ConditionFailed(Exception):
    """A single-item conditional write found the item not as expected."""

    def __init__(self, item: Item | None) -> None:
        self.item = item
        super().__init__("condition failed")


class TransactionFailed(Exception):
    """TransactWriteItems was cancelled; `reasons[i]` is the code for the i-th action (None if fine)."""

    def __init__(self, reasons: list[str | None], items: list[Item | None]) -> None:
        self.reasons = reasons
        self.items = items
        super().__init__(f"transaction cancelled: {reasons}")

    def failed_at(self, position: int) -> bool:
        return position < len(self.reasons) and self.reasons[position] == "ConditionalCheckFailed"

    def refuse(self, refusals: Mapping[int, Exception]) -> NoReturn:
        """Raises the refusal of the first action, in the table's order, whose condition failed (the order
        says which refusal wins when several fail). When none did: busy (AwsBusy, 503 with Retry-After) if
        another transaction or a throttle cancelled it, so that the caller tries again rather than seeing a
        failure; itself otherwise (a bug: 500)."""
        for position, refusal in refusals.items():
            if self.failed_at(position):
                raise refusal from self
        if self.conflict:
            raise AwsBusy() from self
        raise self

    @property
    def throttled(self) -> bool:
        return any(r in {"ThrottlingError", "ProvisionedThroughputExceeded"} for r in self.reasons)

    @property
    def conflict(self) -> bool:
        return any(
            r in {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"} for r in self.reasons
        )


class Expr:
    """Collects #name and :value placeholders while an expression is written."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self._placeholders: dict[str, str] = {}  # name -> its placeholder, so a name is given one

    def n(self, name: str) -> str:
        placeholder = self._placeholders.get(name)
        if placeholder is None:
            placeholder = self._placeholders[name] = f"#n{len(self.names)}"
            self.names[placeholder] = name
        return placeholder

    def path(self, *parts: str) -> str:
        return ".".join(self.n(p) for p in parts)

    def v(self, value: Any) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def one_of(self, name: str, values: list[str]) -> str:
        """`name IN (...)`; DynamoDB takes at most 100 operands, and an empty list matches nothing."""
        placeholders = ", ".join(self.v(v) for v in values[:99]) or self.v("\u0000none")
        return f"{self.n(name)} IN ({placeholders})"

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.names:
            out["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            out["ExpressionAttributeValues"] = {k: serialize(v) for k, v in self.values.items()}
        return out


_POOL: ThreadPoolExecutor | None = None
QUERY_THREADS = 8  # boto3 clients are thread-safe; the default connection pool holds 10


def _pool() -> ThreadPoolExecutor:
    """Threads for parallel queries, made on first use (most invocations never need them)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=QUERY_THREADS, thread_name_prefix="query")
    return _POOL


class Dynamo:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table = table_name

    # --- reads -------------------------------------------------------------------------------
    def get(self, key: Key, *, consistent: bool = True) -> Item | None:
        raw = self.client.get_item(TableName=self.table, Key=key_of(*key), ConsistentRead=consistent)
        return deserialize_item(raw["Item"]) if "Item" in raw else None

    def batch_get(self, keys: Sequence[Key], *, consistent: bool = True) -> Found:
        """One BatchGetItem (plus retries of unprocessed keys, which only happen under throttling)."""
        wanted = list(dict.fromkeys(keys))
        found = Found()
        for start in range(0, len(wanted), 100):
            request: dict[str, Any] = {
                self.table: {"Keys": [key_of(*k) for k in wanted[start : start + 100]], "ConsistentRead": consistent}
            }
            for attempt in range(BATCH_ATTEMPTS + 1):
                if attempt:
                    time.sleep(backoff(attempt))
                raw = self.client.batch_get_item(RequestItems=request)
                for rawitem in raw["Responses"].get(self.table, []):
                    item = deserialize_item(rawitem)
                    found[(item[PARTITION_KEY], item[SORT_KEY])] = item
                request = raw.get("UnprocessedKeys") or {}
                if not request:
                    break
            else:
                raise AwsBusy()  # still throttled after the back-off: the caller tries again later
        return found

    def query(
        self,
        *,
        pk_name: str,
        pk: str,
        index: str | None = None,
        sk_name: str | None = None,
        sk_between: tuple[str, str] | None = None,
        sk_begins: str | None = None,
        newest_first: bool = False,
        limit: int | None = None,
        start_key: dict[str, Any] | None = None,
        filter_expr: str | None = None,
        expr: Expr | None = None,
        consistent: bool = False,
    ) -> Page:
        expr = expr or Expr()
        condition = f"{expr.n(pk_name)} = {expr.v(pk)}"
        if sk_name and sk_between:
            condition += f" AND {expr.n(sk_name)} BETWEEN {expr.v(sk_between[0])} AND {expr.v(sk_between[1])}"
        elif sk_name and sk_begins:
            condition += f" AND begins_with({expr.n(sk_name)}, {expr.v(sk_begins)})"
        params: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "ScanIndexForward": not newest_first,
            **expr.params(),
        }
        if index:
            params["IndexName"] = index
        elif consistent:
            params["ConsistentRead"] = True
        if limit:
            params["Limit"] = limit
        if start_key:
            params["ExclusiveStartKey"] = start_key
        if filter_expr:
            params["FilterExpression"] = filter_expr
        raw = self.client.query(**params)
        return Page(
            items=[deserialize_item(i) for i in raw.get("Items", [])],
            last_key=raw.get("LastEvaluatedKey"),
            scanned=raw.get("ScannedCount", 0),
        )

    def query_many(self, requests: Sequence[Mapping[str, Any]]) -> list[Page]:
        """Several queries at once (a day's by_committee shards), answered in request order. Each
        request is `query`'s keywords, with `filter_builder` (Expr -> FilterExpression or None) for a
        filter, so every request gets its own placeholders."""

        def one(request: Mapping[str, Any]) -> Page:
            args = dict(request)
            build = args.pop("filter_builder", None)
            expr = Expr()
            return self.query(**args, filter_expr=build(expr) if build else None, expr=expr)

        if len(requests) <= 1:
            return [one(r) for r in requests]
        # Each request runs in a copy of the caller's context, so per-invocation context follows it.
        futures = [_pool().submit(contextvars.copy_context().run, one, r) for r in requests]
        return [f.result() for f in futures]

    def query_all(self, **kwargs: Any) -> Iterable[Item]:
        """Every item of a key range, page by page; for bounded ranges and background jobs only."""
        start: dict[str, Any] | None = None
        while True:
            page = self.query(start_key=start, **kwargs)
            yield from page.items
            if not page.last_key:
                return
            start = page.last_key

    # --- writes ------------------------------------------------------------------------------
    def put(self, item: Item, *, condition: str | None = None, expr: Expr | None = None) -> None:
        params: dict[str, Any] = {"TableName": self.table, "Item": serialize_item(item)}
        if condition:
            params["ConditionExpression"] = condition
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            params.update((expr or Expr()).params())
        try:
            self.client.put_item(**params)
        except ClientError as error:
            raise _condition_failed(error) from error

    def update(
        self, key: Key, update: str, expr: Expr, *, condition: str | None = None, returns: str = "ALL_NEW"
    ) -> Item:
        params: dict[str, Any] = {
            "TableName": self.table,
            "Key": key_of(*key),
            "UpdateExpression": update,
            "ReturnValues": returns,
            **expr.params(),
        }
        if condition:
            params["ConditionExpression"] = condition
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        try:
            raw = self.client.update_item(**params)
        except ClientError as error:
            raise _condition_failed(error) from error
        return deserialize_item(raw.get("Attributes", {}))

    def take_back(self, key: Key, counter: str) -> None:
        """Take back one count a conditioned ADD made (a try given back, a use undone), only while the
        counter is above 0: a reset in between (an unlock, a new password, a new window) stands."""
        expr = Expr()
        name = expr.n(counter)
        try:
            self.update(key, f"ADD {name} {expr.v(-1)}", expr, condition=f"{name} > {expr.v(0)}", returns="NONE")
        except ConditionFailed:
            return

    def delete(self, key: Key, *, condition: str | None = None, expr: Expr | None = None) -> None:
        params: dict[str, Any] = {"TableName": self.table, "Key": key_of(*key)}
        if condition:
            params["ConditionExpression"] = condition
            params.update((expr or Expr()).params())
        try:
            self.client.delete_item(**params)
        except ClientError as error:
            raise _condition_failed(error) from error

    def batch_put(self, items: Iterable[Item]) -> None:
        """Unconditional bulk load (seeding, bulk registration after validation, benchmarks)."""
        batch: list[Item] = []
        for item in items:
            batch.append(item)
            if len(batch) == 25:
                self._write_batch(batch)
                batch = []
        if batch:
            self._write_batch(batch)

    def _write_batch(self, batch: list[Item]) -> None:
        request: dict[str, Any] = {self.table: [{"PutRequest": {"Item": serialize_item(i)}} for i in batch]}
        for attempt in range(BATCH_ATTEMPTS + 1):
            if attempt:
                time.sleep(backoff(attempt))
            raw = self.client.batch_write_item(RequestItems=request)
            request = raw.get("UnprocessedItems") or {}
            if not request:
                return
        raise AwsBusy()

    def transact(self, actions: list[dict[str, Any]], *, token: str | None = None) -> None:
        """TransactWriteItems; a cancellation becomes TransactionFailed with one reason per action."""
        params: dict[str, Any] = {"TransactItems": actions}
        if token:
            # DynamoDB treats a repeat with the same token within 10 minutes as the same request,
            # so botocore's own retry after a lost response cannot apply the transaction twice.
            params["ClientRequestToken"] = token
        try:
            self.client.transact_write_items(**params)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons_raw = error.response.get("CancellationReasons", [])
            reasons: list[str | None] = []
            items: list[Item | None] = []
            for reason in reasons_raw:
                code = reason.get("Code")
                reasons.append(None if code in (None, "None") else code)
                items.append(deserialize_item(reason["Item"]) if reason.get("Item") else None)
            if not reasons:
                reasons = ["Unknown"] * len(actions)
                items = [None] * len(actions)
            raise TransactionFailed(reasons, items) from error

    # --- transaction action builders ---------------------------------------------------------
    def tx_put(self, item: Item, *, condition: str | None = None, expr: Expr | None = None) -> dict[str, Any]:
        action: dict[str, Any] = {"TableName": self.table, "Item": serialize_item(item)}
        if condition:
            action["ConditionExpression"] = condition
            action["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            action.update((expr or Expr()).params())
        return {"Put": action}

    def tx_update(self, key: Key, update: str, expr: Expr, *, condition: str | None = None) -> dict[str, Any]:
        action: dict[str, Any] = {
            "TableName": self.table,
            "Key": key_of(*key),
            "UpdateExpression": update,
            **expr.params(),
        }
        if condition:
            action["ConditionExpression"] = condition
            action["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Update": action}

    def tx_check(self, key: Key, condition: str, expr: Expr) -> dict[str, Any]:
        return {
            "ConditionCheck": {
                "TableName": self.table,
                "Key": key_of(*key),
                "ConditionExpression": condition,
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                **expr.params(),
            }
        }

    def tx_delete(self, key: Key, *, condition: str | None = None, expr: Expr | None = None) -> dict[str, Any]:
        action: dict[str, Any] = {"TableName": self.table, "Key": key_of(*key)}
        if condition:
            action["ConditionExpression"] = condition
            action.update((expr or Expr()).params())
        return {"Delete": action}


def _condition_failed(error: ClientError) -> Exception:
    if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
        raw: Any = error.response.get("Item")
        return ConditionFailed(deserialize_item(raw) if raw else None)
    return error
