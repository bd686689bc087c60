"""The workers' triggers: the table stream (bisect, retries, failure queue) and the daily expiry."""

from __future__ import annotations

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
    mapping = only(template, "AWS::Lambda::EventSourceMapping")["Properties"]
    # Both triggers invoke the `live` alias (the version this deploy published), never $LATEST.
    assert {"Ref": logical_id(aliases[names.WORKER_STREAM.key])} in str_refs(mapping["FunctionName"])
    assert str(mapping["FunctionName"]).endswith(f"':{names.LIVE_ALIAS}']]}}")
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] > 0
    assert "OnFailure" in mapping["DestinationConfig"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    schedule = only(template, "AWS::Scheduler::Schedule")["Properties"]
    assert schedule["ScheduleExpressionTimezone"] == "Asia/Tokyo"
    assert schedule["ScheduleExpression"].startswith("cron(")
    target = schedule["Target"]
    assert target["Arn"] == {"Ref": logical_id(aliases[names.WORKER_SCHEDULE.key])}
    assert "DeadLetterConfig" in target
