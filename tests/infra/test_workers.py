"""The workers' triggers: the table stream (bisect, retries, failure queue) and the daily expiry."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import names
from tests.infra.conftest import Synth, logical_id, only, resources


def str_refs(value: Any) -> list[Any]:
    """Every {"Ref": ...} inside an intrinsic function."""
    if isinstance(value, dict):
        return [value] if set(value) == {"Ref"} else [r for v in value.values() for r in str_refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in str_refs(v)]
    return []


def test_triggers_follow_the_workers_folder(synth: Synth) -> None:
    template = synth.main("dev")
    if names.WORKER_STREAM.key not in synth.logical_ids["dev"]:
        assert not resources(template, "AWS::Lambda::EventSourceMapping")
        assert not resources(template, "AWS::Scheduler::Schedule")
        pytest.skip("functions/workers does not exist yet: no triggers, and the synth still succeeds")
    aliases = synth.deployments["dev"].main.functions.aliases
    mappings = [m["Properties"] for m in resources(template, "AWS::Lambda::EventSourceMapping").values()]
    [mapping] = [m for m in mappings if "StartingPosition" in m]  # the stream's
    [from_queue] = [m for m in mappings if "StartingPosition" not in m]
    # Both triggers invoke the `live` alias (the version this deploy published), never $LATEST.
    assert {"Ref": logical_id(aliases[names.WORKER_STREAM.key])} in str_refs(mapping["FunctionName"])
    assert str(mapping["FunctionName"]).endswith(f"':{names.LIVE_ALIAS}']]}}")
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] > 0
    assert "OnFailure" in mapping["DestinationConfig"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # The totals consumer receives only new transactions (Lambda's event filter)
    [pattern] = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert pattern == {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["txn"]}}}}

    # Jobs reach their own function through a queue fed by a pipe that filters job items
    workers = synth.deployments["dev"].main.workers
    assert workers is not None
    jobs_queue = logical_id(workers.jobs)
    assert from_queue["EventSourceArn"] == {"Fn::GetAtt": [jobs_queue, "Arn"]}
    assert {"Ref": logical_id(aliases[names.WORKER_JOBS.key])} in str_refs(from_queue["FunctionName"])
    assert from_queue["BatchSize"] == 1
    queue = template["Resources"][jobs_queue]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * names.WORKER_JOBS.timeout_seconds
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [logical_id(workers.failures), "Arn"]}
    pipe = only(template, "AWS::Pipes::Pipe")["Properties"]
    assert pipe["Source"] == {"Fn::GetAtt": [logical_id(synth.deployments["dev"].main.data.table), "StreamArn"]}
    assert pipe["Target"] == {"Fn::GetAtt": [jobs_queue, "Arn"]}
    [job_pattern] = [json.loads(f["Pattern"]) for f in pipe["SourceParameters"]["FilterCriteria"]["Filters"]]
    assert job_pattern["dynamodb"] == {"NewImage": {"kind": {"S": ["job"]}}}
    assert "DeadLetterConfig" in pipe["SourceParameters"]["DynamoDBStreamParameters"]

    schedule = only(template, "AWS::Scheduler::Schedule")["Properties"]
    assert schedule["ScheduleExpressionTimezone"] == "Asia/Tokyo"
    assert schedule["ScheduleExpression"].startswith("cron(")
    target = schedule["Target"]
    assert target["Arn"] == {"Ref": logical_id(aliases[names.WORKER_SCHEDULE.key])}
    assert "DeadLetterConfig" in target
