"""Alarms on the signals that mean money or access is at risk, an SNS topic for them, and a dashboard.

Thresholds are per 5 minutes. Everything treats missing data as fine: a quiet night is not an outage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names

PERIOD = Duration.minutes(5)
API_5XX_THRESHOLD = 5
API_4XX_PERCENT = 25
API_4XX_MIN_REQUESTS = 100
DURATION_P99_SHARE_OF_TIMEOUT = 0.8
STREAM_MAX_ITERATOR_AGE_MS = 5 * 60 * 1000
# The operations the functions use; ThrottledRequests is reported per operation.
TABLE_OPERATIONS = (
    dynamodb.Operation.GET_ITEM,
    dynamodb.Operation.BATCH_GET_ITEM,
    dynamodb.Operation.QUERY,
    dynamodb.Operation.PUT_ITEM,
    dynamodb.Operation.UPDATE_ITEM,
    dynamodb.Operation.DELETE_ITEM,
    dynamodb.Operation.BATCH_WRITE_ITEM,
    dynamodb.Operation.TRANSACT_WRITE_ITEMS,
)


@dataclass(frozen=True)
class MonitoredFunction:
    function: lambda_.Function
    timeout_seconds: int


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        production: bool,
        alarm_email: str | None,
        http_api: apigwv2.HttpApi,
        functions: Mapping[str, MonitoredFunction],
        table: dynamodb.ITable,
        payments_service: str,
        stream_function: lambda_.IFunction | None,
        failure_queue: sqs.IQueue | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self._prefix = prefix
        # CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key, so the topic
        # gets its own key that CloudWatch may use.
        key = kms.Key(
            self,
            "AlarmKey",
            description=f"{prefix} alarm topic encryption",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN if production else RemovalPolicy.DESTROY,
        )
        key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        self.topic = sns.Topic(self, "AlarmTopic", display_name=f"{prefix} alarms", master_key=key, enforce_ssl=True)
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self.alarms: list[cloudwatch.Alarm] = []

        errors_5xx = http_api.metric_server_error(period=PERIOD, statistic="Sum")
        errors_4xx = http_api.metric_client_error(period=PERIOD, statistic="Sum")
        requests = http_api.metric_count(period=PERIOD, statistic="Sum")
        self._alarm("api-5xx", errors_5xx, API_5XX_THRESHOLD, "API answered with server errors")
        # HTTP APIs report throttling (429) as a client error, so this rate covers both.
        self._alarm(
            "api-4xx-rate",
            cloudwatch.MathExpression(
                expression=f"IF(requests >= {API_4XX_MIN_REQUESTS}, 100 * errors / requests, 0)",
                using_metrics={"errors": errors_4xx, "requests": requests},
                label="4xx % (incl. 429 throttling)",
                period=PERIOD,
            ),
            API_4XX_PERCENT,
            "Unusual share of rejected API requests: throttling (429), an attack or a broken client",
        )

        for key_name, monitored in functions.items():
            function = monitored.function
            self._alarm(f"{key_name}-errors", function.metric_errors(period=PERIOD), 1, f"{key_name} function errors")
            self._alarm(f"{key_name}-throttles", function.metric_throttles(period=PERIOD), 1, f"{key_name} throttled")
            self._alarm(
                f"{key_name}-duration-p99",
                function.metric_duration(period=PERIOD, statistic="p99"),
                int(monitored.timeout_seconds * 1000 * DURATION_P99_SHARE_OF_TIMEOUT),
                f"{key_name} p99 duration close to its timeout",
            )

        table_throttles = table.metric_throttled_requests_for_operations(
            operations=list(TABLE_OPERATIONS), period=PERIOD
        )
        self._alarm("table-throttles", table_throttles, 1, "DynamoDB throttled requests")

        self.payment_failures: dict[str, cloudwatch.Metric] = {}
        for code, threshold in names.PAYMENT_FAILURE_ALARMS.items():
            metric = cloudwatch.Metric(
                namespace=names.METRICS_NAMESPACE,
                metric_name=f"error_{code}",
                dimensions_map={"service": payments_service},
                statistic="Sum",
                period=PERIOD,
            )
            self.payment_failures[code] = metric
            self._alarm(f"payments-failure-{code.replace('_', '-')}", metric, threshold, f"payments failing: {code}")

        if stream_function is not None:
            iterator_age = cloudwatch.Metric(
                namespace="AWS/Lambda",
                metric_name="IteratorAge",
                dimensions_map={"FunctionName": stream_function.function_name},
                statistic="Maximum",
                period=PERIOD,
            )
            self._alarm("stream-iterator-age", iterator_age, STREAM_MAX_ITERATOR_AGE_MS, "stream consumer lagging")
        if failure_queue is not None:
            self._alarm(
                "worker-failures",
                failure_queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
                1,
                "stream records or scheduled jobs failed and were parked in the failure queue",
            )

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=prefix)
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(title="API requests", left=[requests], width=8),
            cloudwatch.GraphWidget(title="API errors", left=[errors_5xx, errors_4xx], width=8),
            cloudwatch.GraphWidget(
                title="API latency p99", left=[http_api.metric_latency(period=PERIOD, statistic="p99")], width=8
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Payment failures by reason",
                left=[
                    cloudwatch.MathExpression(
                        # Every `error_<code>` metric the payments function emits, one line per reason.
                        expression=(
                            f"SEARCH('{{{names.METRICS_NAMESPACE},service}} "
                            f"service=\"{payments_service}\" MetricName=error', 'Sum', 300)"
                        ),
                        label="",
                        period=PERIOD,
                    )
                ],
                width=12,
            ),
            cloudwatch.GraphWidget(title="DynamoDB throttled requests", left=[table_throttles], width=12),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Function errors",
                left=[m.function.metric_errors(period=PERIOD, label=k) for k, m in functions.items()],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Function duration p99",
                left=[
                    m.function.metric_duration(period=PERIOD, statistic="p99", label=k) for k, m in functions.items()
                ],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Function throttles",
                left=[m.function.metric_throttles(period=PERIOD, label=k) for k, m in functions.items()],
                width=8,
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms), width=24),
        )

    def _alarm(self, name: str, metric: cloudwatch.IMetric, threshold: float, description: str) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            f"Alarm-{name}",
            alarm_name=f"{self._prefix}-{name}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)
        return alarm
