"""The alarm topic and the one shape of alarm every stack uses (the main stack and the us-east-1 one,
where CloudFront's and WAF's metrics live: an alarm can only watch and notify in its own region)."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

PERIOD = Duration.minutes(5)


def alarm_topic(
    scope: Construct, *, prefix: str, production: bool, alarm_email: str | None
) -> tuple[sns.Topic, kms.Key]:
    """An encrypted topic CloudWatch may publish to, subscribed by the stage's alarm address."""
    # CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key, so the topic
    # gets its own key that CloudWatch may use.
    key = kms.Key(
        scope,
        "AlarmKey",
        description=f"{prefix} alarm topic encryption",
        enable_key_rotation=True,
        removal_policy=RemovalPolicy.RETAIN if production else RemovalPolicy.DESTROY,
    )
    key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
    topic = sns.Topic(scope, "AlarmTopic", display_name=f"{prefix} alarms", master_key=key, enforce_ssl=True)
    if alarm_email:
        topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
    return topic, key


def add_alarm(
    scope: Construct,
    topic: sns.ITopic,
    *,
    prefix: str,
    name: str,
    metric: cloudwatch.IMetric,
    threshold: float,
    description: str,
    periods: int = 1,
) -> cloudwatch.Alarm:
    """At or above `threshold` in `periods` periods in a row (a sustained rate, not one blip); missing
    data is fine (a quiet night is not an outage)."""
    alarm = cloudwatch.Alarm(
        scope,
        f"Alarm-{name}",
        alarm_name=f"{prefix}-{name}",
        alarm_description=description,
        metric=metric,
        threshold=threshold,
        evaluation_periods=periods,
        datapoints_to_alarm=periods,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    alarm.add_alarm_action(actions.SnsAction(topic))
    alarm.add_ok_action(actions.SnsAction(topic))
    return alarm
