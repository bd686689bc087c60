"""The workers' triggers: the table stream (bisect, retries, failure queue) and the daily expiry."""

from __future__ import annotations

import pytest

from infra import names
from tests.infra.conftest import Synth, only, resources


def test_triggers_follow_the_workers_folder(synth: Synth) -> None:
    template = synth.main("dev")
    if names.WORKER_STREAM.key not in synth.logical_ids["dev"]:
        assert not resources(template, "AWS::Lambda::EventSourceMapping")
        assert not resources(template, "AWS::Scheduler::Schedule")
        pytest.skip("functions/workers does not exist yet: no triggers, and the synth still succeeds")
    mapping = only(template, "AWS::Lambda::EventSourceMapping")["Properties"]
    assert mapping["FunctionName"] == {"Ref": synth.logical_ids["dev"][names.WORKER_STREAM.key]}
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] > 0
    assert "OnFailure" in mapping["DestinationConfig"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    schedule = only(template, "AWS::Scheduler::Schedule")["Properties"]
    assert schedule["ScheduleExpressionTimezone"] == "Asia/Tokyo"
    assert schedule["ScheduleExpression"].startswith("cron(")
    target = schedule["Target"]
    assert target["Arn"] == {"Fn::GetAtt": [synth.logical_ids["dev"][names.WORKER_SCHEDULE.key], "Arn"]}
    assert "DeadLetterConfig" in target
