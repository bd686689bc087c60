"""Alarms exist for every signal issue 8 lists, notify one topic, and a dashboard shows them."""

from __future__ import annotations

import pytest

from infra import names
from shoken import errors
from tests.infra.conftest import Synth, only, resources

STAGES = ("dev", "prod")


def alarms(synth: Synth, stage: str) -> dict[str, dict]:
    return {
        alarm["Properties"]["AlarmName"]: alarm["Properties"]
        for alarm in resources(synth.main(stage), "AWS::CloudWatch::Alarm").values()
    }


@pytest.mark.parametrize("stage", STAGES)
def test_api_table_and_function_alarms(synth: Synth, stage: str) -> None:
    prefix = synth.deployments[stage].config.prefix
    found = alarms(synth, stage)
    expected = {f"{prefix}-api-5xx", f"{prefix}-api-4xx-rate", f"{prefix}-table-throttles"}
    for key in synth.logical_ids[stage]:
        expected |= {f"{prefix}-{key}-errors", f"{prefix}-{key}-duration-p99", f"{prefix}-{key}-throttles"}
    assert expected <= set(found)
    assert found[f"{prefix}-api-5xx"]["MetricName"] == "5xx"
    assert found[f"{prefix}-payments-duration-p99"]["ExtendedStatistic"] == "p99"
    throttles = found[f"{prefix}-table-throttles"]["Metrics"]
    assert any(m.get("MetricStat", {}).get("Metric", {}).get("MetricName") == "ThrottledRequests" for m in throttles)


@pytest.mark.parametrize("stage", STAGES)
def test_payment_failures_by_reason_from_the_emf_metrics(synth: Synth, stage: str) -> None:
    config = synth.deployments[stage].config
    found = alarms(synth, stage)
    service = names.service_name(config.city, config.stage, "payments")
    for code in names.PAYMENT_FAILURE_ALARMS:
        alarm = found[f"{config.prefix}-payments-failure-{code.replace('_', '-')}"]
        stats = [m["MetricStat"]["Metric"] for m in alarm.get("Metrics", []) if "MetricStat" in m]
        metric = next((m for m in stats if m.get("Namespace") == "shoken"), alarm)
        assert metric["Namespace"] == "shoken"
        assert metric["MetricName"] == f"error_{code}"
        assert metric["Dimensions"] == [{"Name": "service", "Value": service}]


@pytest.mark.parametrize("stage", STAGES)
def test_503s_page_only_when_sustained_and_500s_at_once(synth: Synth, stage: str) -> None:
    prefix = synth.deployments[stage].config.prefix
    found = alarms(synth, stage)
    # A 503 (throttling, a time-out; the till retries) pages on a share of requests held 15 minutes
    busy = found[f"{prefix}-payments-failure-service-unavailable"]
    assert (busy["EvaluationPeriods"], busy["DatapointsToAlarm"]) == (3, 3)
    assert busy["Threshold"] == names.SERVICE_UNAVAILABLE_PERCENT
    expression = next(m["Expression"] for m in busy["Metrics"] if "Expression" in m)
    assert "100 * errors / requests" in expression
    used = {m["MetricStat"]["Metric"]["MetricName"] for m in busy["Metrics"] if "MetricStat" in m}
    assert used == {"error_service_unavailable", "Invocations"}
    # The API's 5xx count (503s included) must hold 2 periods; a 500 in payments pages at once
    api = found[f"{prefix}-api-5xx"]
    assert (api["EvaluationPeriods"], api["DatapointsToAlarm"]) == (names.API_5XX_PERIODS, names.API_5XX_PERIODS)
    broken = found[f"{prefix}-payments-failure-internal-error"]
    assert (broken["Threshold"], broken["EvaluationPeriods"]) == (1, 1)


@pytest.mark.parametrize("stage", STAGES)
def test_every_alarm_notifies_the_topic(synth: Synth, stage: str) -> None:
    template = synth.main(stage)
    [topic] = resources(template, "AWS::SNS::Topic")
    for name, alarm in alarms(synth, stage).items():
        assert alarm["AlarmActions"] == [{"Ref": topic}], name
        assert alarm["TreatMissingData"] == "notBreaching", name


def test_alarm_email_is_subscribed_where_configured(synth: Synth) -> None:
    prod = synth.deployments["prod"].config
    assert prod.alarm_email
    subscription = only(synth.main("prod"), "AWS::SNS::Subscription")["Properties"]
    assert subscription == {**subscription, "Protocol": "email", "Endpoint": prod.alarm_email}
    assert synth.deployments["dev"].config.alarm_email is None
    assert not resources(synth.main("dev"), "AWS::SNS::Subscription")


def test_dashboard_shows_payment_failures_by_reason(synth: Synth) -> None:
    body = only(synth.main("dev"), "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]
    text = str(body)
    assert "Payment failures by reason" in text
    assert "SEARCH(" in text


def test_worker_alarms_when_workers_exist(synth: Synth) -> None:
    if names.WORKER_STREAM.key not in synth.logical_ids["dev"]:
        pytest.skip("functions/workers does not exist yet")
    prefix = synth.deployments["dev"].config.prefix
    assert {f"{prefix}-stream-iterator-age", f"{prefix}-worker-failures"} <= set(alarms(synth, "dev"))


def test_alarmed_payment_failure_codes_exist() -> None:
    """A renamed error code would leave its alarm watching a metric nobody emits."""

    def codes(cls: type[errors.ShokenError]) -> set[str]:
        return {cls.code} | {code for sub in cls.__subclasses__() for code in codes(sub)}

    assert set(names.PAYMENT_FAILURE_ALARMS) <= codes(errors.ShokenError)
