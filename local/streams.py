"""The table's DynamoDB stream, delivered locally to its two consumers as AWS would deliver it.

moto records stream changes in memory; a Stream reads them with the DynamoDB Streams API (through
moto) and hands each batch, in order, to `workers.stream.lambda_handler` (the records that pass
the totals filter, as Lambda's event filter does) and the job records, one SQS-shaped message
each, to `workers.queue.lambda_handler` (what EventBridge Pipes and the jobs queue do in AWS).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import boto3

from infra.names import JOBS_STREAM_FILTER, TOTALS_STREAM_FILTER
from local.apigw import FakeLambdaContext
from local.stack import REGION

WORKER_TIMEOUT_MS = 900_000


def matches(pattern: dict[str, Any], record: Any) -> bool:
    """The subset of Lambda/EventBridge filter patterns shoken uses: nested keys, lists of exact values."""
    if not isinstance(record, dict):
        return False
    for name, wanted in pattern.items():
        if isinstance(wanted, dict):
            if not matches(wanted, record.get(name)):
                return False
        elif record.get(name) not in wanted:
            return False
    return True


class Stream:
    def __init__(self, table_name: str, *, from_start: bool, timeout_ms: int = WORKER_TIMEOUT_MS) -> None:
        # botocore now addresses streams per account (<account>.streams-ddb...), which moto does not
        # route yet; the regional endpoint reaches the same moto backend.
        self.client: Any = boto3.client(
            "dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com"
        )
        arn = boto3.client("dynamodb").describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
        shard = self.client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self.iterator = self.client.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON" if from_start else "LATEST"
        )["ShardIterator"]
        self.timeout_ms = timeout_ms

    def pump(self, *, limit: int = 100) -> int:
        """Deliver what the stream holds now (in batches of `limit`); returns how many records."""
        from workers import queue, stream

        delivered = 0
        while True:
            reply = self.client.get_records(ShardIterator=self.iterator, Limit=limit)
            self.iterator = reply["NextShardIterator"]
            records = reply.get("Records", [])
            if not records:
                return delivered
            totals = [r for r in records if matches(TOTALS_STREAM_FILTER, r)]
            if totals:
                stream.lambda_handler({"Records": totals}, FakeLambdaContext("shoken-workers-stream", 60_000))
            for record in records:
                if matches(JOBS_STREAM_FILTER, record):
                    message = {"messageId": str(uuid.uuid4()), "body": json.dumps(record, default=str)}
                    context = FakeLambdaContext(function_name="shoken-workers-jobs", timeout_ms=self.timeout_ms)
                    queue.lambda_handler({"Records": [message]}, context)
            delivered += len(records)

    def drain(self, *, rounds: int = 50) -> None:
        """Pump until nothing new arrives (jobs write to the table, which adds records)."""
        for _ in range(rounds):
            if self.pump() == 0:
                return


def run_forever(stream: Stream, stop: threading.Event, interval: float = 0.3) -> None:
    while not stop.is_set():
        try:
            if stream.pump() == 0:
                time.sleep(interval)
        except Exception as error:  # keep the local server alive; the next pump retries
            print(f"stream consumer error: {error!r}", flush=True)
            time.sleep(1)
