"""Operations: mail, WAF and CloudFront alarms, the monthly budget, table backups, and Lambda versions
with a `live` alias per deploy (docs/deploy.md)."""

from __future__ import annotations

from typing import Any

import pytest

from infra import names
from infra.constructs import backup
from infra.constructs.firewall import LOG_GROUP_PREFIX
from tests.infra.conftest import Synth, logical_id, only, resources

STAGES = ("dev", "prod")


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        a["Properties"]["AlarmName"]: a["Properties"] for a in resources(template, "AWS::CloudWatch::Alarm").values()
    }


def metric_stats(alarm: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Metric id -> the metric of a metric-math alarm."""
    return {m["Id"]: m["MetricStat"]["Metric"] for m in alarm.get("Metrics", []) if "MetricStat" in m}


def dimensions(metric: dict[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}


@pytest.mark.parametrize("stage", STAGES)
def test_ses_events_reach_cloudwatch_and_bounces_and_complaints_alarm(synth: Synth, stage: str) -> None:
    template = synth.main(stage)
    prefix = synth.deployments[stage].config.prefix
    destination = only(template, "AWS::SES::ConfigurationSetEventDestination")["Properties"]
    configuration_set = logical_id(synth.deployments[stage].main.email.configuration_set)
    assert destination["ConfigurationSetName"] == {"Ref": configuration_set}
    event = destination["EventDestination"]
    assert event["Enabled"] is True
    assert {"bounce", "complaint", "send"} <= set(event["MatchingEventTypes"])
    [dimension] = event["CloudWatchDestination"]["DimensionConfigurations"]
    assert dimension["DimensionName"] == "ses:configuration-set"
    assert dimension["DimensionValueSource"] == "messageTag"

    found = alarms(template)
    bounce = found[f"{prefix}-mail-bounce-rate"]
    metrics = metric_stats(bounce)
    assert {m["MetricName"] for m in metrics.values()} == {"Send", "Bounce"}
    for metric in metrics.values():
        assert metric["Namespace"] == "AWS/SES"
        assert dimensions(metric) == {"ses:configuration-set": {"Ref": configuration_set}}
    assert bounce["Threshold"] == 5
    complaints = found[f"{prefix}-mail-complaints"]
    assert (complaints["Namespace"], complaints["MetricName"]) == ("AWS/SES", "Complaint")
    assert complaints["Threshold"] == 1
    assert complaints["AlarmActions"], "a complaint must notify someone"


@pytest.mark.parametrize("stage", STAGES)
def test_waf_logs_to_cloudwatch_without_cookies(synth: Synth, stage: str) -> None:
    template = synth.edge(stage)
    acl = only(template, "AWS::WAFv2::WebACL")
    acl_id = next(k for k, v in template["Resources"].items() if v is acl)
    logging = only(template, "AWS::WAFv2::LoggingConfiguration")["Properties"]
    assert logging["ResourceArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    log_group = only(template, "AWS::Logs::LogGroup")["Properties"]
    assert log_group["LogGroupName"].startswith(LOG_GROUP_PREFIX)
    assert log_group["RetentionInDays"] == synth.deployments[stage].config.log_retention_days
    [destination] = logging["LogDestinationConfigs"]
    # The log group's ARN as WAF wants it: ...:log-group:<name>, without CDK's trailing `:*`.
    parts = destination["Fn::Join"][1]
    assert parts[0].endswith(":log-group:") and parts[0].startswith("arn:aws:logs:us-east-1:")
    assert parts[1:] == [{"Ref": logical_id(synth.deployments[stage].edge.firewall.log_group)}]
    redacted = {field["SingleHeader"]["Name"] for field in logging["RedactedFields"]}
    assert {"cookie", "authorization"} <= redacted


@pytest.mark.parametrize("stage", STAGES)
def test_us_east_1_alarms_on_waf_blocks_and_cloudfront_5xx(synth: Synth, stage: str) -> None:
    deployment = synth.deployments[stage]
    assert deployment.edge_alarms.region == names.EDGE_REGION
    template = synth.template_json(deployment.edge_alarms.stack_name)
    prefix = deployment.config.prefix
    found = alarms(template)
    blocked = found[f"{prefix}-waf-blocked"]
    assert (blocked["Namespace"], blocked["MetricName"], blocked["Statistic"]) == (
        "AWS/WAFV2",
        "BlockedRequests",
        "Sum",
    )
    acl_metric_name = only(synth.edge(stage), "AWS::WAFv2::WebACL")["Properties"]["VisibilityConfig"]["MetricName"]
    assert dimensions(blocked) == {"WebACL": acl_metric_name, "Rule": "ALL"}
    assert blocked["Threshold"] == names.WAF_BLOCKED_ALARM_THRESHOLD

    cloudfront = found[f"{prefix}-cloudfront-5xx"]
    metrics = metric_stats(cloudfront)
    assert {m["MetricName"] for m in metrics.values()} == {"Requests", "5xxErrorRate"}
    for metric in metrics.values():
        assert metric["Namespace"] == "AWS/CloudFront"
        assert dimensions(metric)["Region"] == "Global"
        # The distribution of this deployment's main stack, read across regions.
        assert "DistributionId" in dimensions(metric)
        assert dimensions(metric)["DistributionId"] != ""
    assert cloudfront["Threshold"] == names.CLOUDFRONT_5XX_PERCENT
    topics = resources(template, "AWS::SNS::Topic")
    assert len(topics) == 1
    [topic_id] = topics
    for alarm in (blocked, cloudfront):
        assert alarm["AlarmActions"] == [{"Ref": topic_id}]
    subscriptions = resources(template, "AWS::SNS::Subscription")
    if deployment.config.alarm_email:
        assert [s["Properties"]["Endpoint"] for s in subscriptions.values()] == [deployment.config.alarm_email]


@pytest.mark.parametrize("stage", STAGES)
def test_monthly_budget_notifies_the_alarm_topic(synth: Synth, stage: str) -> None:
    config = synth.deployments[stage].config
    template = synth.main(stage)
    budget = only(template, "AWS::Budgets::Budget")["Properties"]
    data = budget["Budget"]
    assert (data["BudgetType"], data["TimeUnit"]) == ("COST", "MONTHLY")
    assert data["BudgetLimit"] == {"Amount": config.monthly_budget_usd, "Unit": "USD"}
    notifications = {
        (n["Notification"]["NotificationType"], n["Notification"]["Threshold"]): n["Subscribers"]
        for n in budget["NotificationsWithSubscribers"]
    }
    assert set(notifications) == {("ACTUAL", 80), ("FORECASTED", 100)}
    topic_id = logical_id(synth.deployments[stage].main.monitoring.topic)
    for subscribers in notifications.values():
        assert {"SubscriptionType": "SNS", "Address": {"Ref": topic_id}} in subscribers
    # Budgets may publish to the (KMS-encrypted) topic.
    policies = [p["Properties"]["PolicyDocument"] for p in resources(template, "AWS::SNS::TopicPolicy").values()]
    assert "budgets.amazonaws.com" in str(policies)


@pytest.mark.parametrize("stage", STAGES)
def test_daily_table_backup_kept_a_year_and_copied_where_the_stage_says(synth: Synth, stage: str) -> None:
    deployment = synth.deployments[stage]
    template = synth.main(stage)
    plan = only(template, "AWS::Backup::BackupPlan")["Properties"]["BackupPlan"]
    [rule] = plan["BackupPlanRule"]
    assert rule["ScheduleExpression"] == "cron(0 18 * * ? *)"  # daily, 03:00 in Japan
    assert rule["Lifecycle"] == {"DeleteAfterDays": 365}
    vault = only(template, "AWS::Backup::BackupVault")
    assert vault["DeletionPolicy"] == "Retain"  # backups outlive the stack in every stage
    selection = only(template, "AWS::Backup::BackupSelection")["Properties"]["BackupSelection"]
    table_id = logical_id(deployment.main.data.table)
    assert {"Fn::GetAtt": [table_id, "Arn"]} in selection["Resources"]
    copy_region = deployment.config.backup_copy_region
    if copy_region is None:
        assert "CopyActions" not in rule
        assert deployment.backup_copy is None
        return
    [copy] = rule["CopyActions"]
    assert copy["Lifecycle"] == {"DeleteAfterDays": 365}
    destination = str(copy["DestinationBackupVaultArn"])
    assert f":{copy_region}:" in destination
    assert backup.copy_vault_name(deployment.config.prefix) in destination
    assert deployment.backup_copy is not None and deployment.backup_copy.region == copy_region
    vault = only(synth.template_json(deployment.backup_copy.stack_name), "AWS::Backup::BackupVault")
    assert vault["Properties"]["BackupVaultName"] == backup.copy_vault_name(deployment.config.prefix)
    assert deployment.backup_copy in deployment.main.dependencies


def test_prod_copies_its_backups_to_another_region(synth: Synth) -> None:
    config = synth.deployments["prod"].config
    assert config.backup_copy_region is not None and config.backup_copy_region != config.region


@pytest.mark.parametrize("stage", STAGES)
def test_each_deploy_publishes_versions_behind_a_live_alias(synth: Synth, stage: str) -> None:
    template = synth.main(stage)
    aliases = {
        a["Properties"]["FunctionName"]["Ref"]: a["Properties"]
        for a in resources(template, "AWS::Lambda::Alias").values()
    }
    for key, function_id in synth.logical_ids[stage].items():
        alias = aliases[function_id]
        assert alias["Name"] == names.LIVE_ALIAS, key
        version_id = alias["FunctionVersion"]["Fn::GetAtt"][0]
        version = template["Resources"][version_id]
        assert version["Type"] == "AWS::Lambda::Version", key
        assert version["Properties"]["FunctionName"] == {"Ref": function_id}
        # Kept when the next deploy publishes another, so a rollback is one update-alias.
        assert version["DeletionPolicy"] == "Retain", key
