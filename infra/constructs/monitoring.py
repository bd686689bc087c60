"""Alarms on the signals that mean money or access is at risk, an SNS topic for them, and a dashboard.

Thresholds are per 5 minutes. Everything treats missing data as fine: a quiet night is not an outage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names
from infra.constructs.alarms import PERIOD, add_alarm, alarm_topic
from infra.constructs.email import Email

API_5XX_THRESHOLD = 5
API_4XX_PERCENT = 25
API_4XX_MIN_REQUESTS = 100
DURATION_P99_SHARE_OF_TIMEOUT = 0.8
# Mail is counted per hour: sign-in codes come in bursts, and a rate over a handful is noise.
MAIL_PERIOD = Duration.hours(1)
MAIL_MIN_SENT = 20
MAIL_BOUNCE_PERCENT = 5
MAIL_COMPLAINTS = 1
# AWS Budgets notifications: (type, percent of the monthly limit).
BUDGET_NOTIFICATIONS: tuple[tuple[str, float], ...] = (("ACTUAL", 80), ("FORECASTED", 100))
STREAM_MAX_ITERATOR_AGE_MS = 5 * 60 * 1000
# A job lap runs up to 15 minutes; a message older than two laps means nothing is running jobs.
JOBS_MAX_AGE_SECONDS = 30 * 60
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


def _percent(
    part: tuple[str, cloudwatch.IMetric],
    whole: tuple[str, cloudwatch.IMetric],
    least: int,
    label: str,
    *,
    period: Duration = PERIOD,
) -> cloudwatch.MathExpression:
    """`part` as a percentage of `whole`, 0 while `whole` is under `least` (a few requests or mails
    would make any share look alarming)."""
    (part_name, part_metric), (whole_name, whole_metric) = part, whole
    return cloudwatch.MathExpression(
        expression=f"IF({whole_name} >= {least}, 100 * {part_name} / {whole_name}, 0)",
        using_metrics={part_name: part_metric, whole_name: whole_metric},
        label=label,
        period=period,
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
        jobs_queue: sqs.IQueue | None,
        email: Email,
        monthly_budget_usd: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self._prefix = prefix
        self.topic, self.key = alarm_topic(self, prefix=prefix, production=production, alarm_email=alarm_email)
        self.alarms: list[cloudwatch.Alarm] = []

        errors_5xx = http_api.metric_server_error(period=PERIOD, statistic="Sum")
        errors_4xx = http_api.metric_client_error(period=PERIOD, statistic="Sum")
        requests = http_api.metric_count(period=PERIOD, statistic="Sum")
        self._alarm(
            "api-5xx",
            errors_5xx,
            API_5XX_THRESHOLD,
            "API answered with server errors for 10 minutes",
            periods=names.API_5XX_PERIODS,
        )
        # HTTP APIs report throttling (429) as a client error, so this rate covers both.
        self._alarm(
            "api-4xx-rate",
            _percent(
                ("errors", errors_4xx), ("requests", requests), API_4XX_MIN_REQUESTS, "4xx % (incl. 429 throttling)"
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
            periods = names.PAYMENT_FAILURE_PERIODS[code]
            watched: cloudwatch.IMetric = metric
            limit: float = threshold
            if code == "service_unavailable" and "payments" in functions:
                # A share of the payments function's requests once there are enough of them, else the count.
                requests = functions["payments"].function.metric_invocations(period=PERIOD, statistic="Sum")
                least = names.SERVICE_UNAVAILABLE_MIN_REQUESTS
                share = names.SERVICE_UNAVAILABLE_PERCENT
                watched = cloudwatch.MathExpression(
                    expression=(
                        f"IF(requests >= {least}, 100 * errors / requests, IF(errors >= {threshold}, {share}, 0))"
                    ),
                    using_metrics={"errors": metric, "requests": requests},
                    label="503 % of payment requests",
                    period=PERIOD,
                )
                limit = share
            self._alarm(
                f"payments-failure-{code.replace('_', '-')}",
                watched,
                limit,
                f"payments failing: {code}" + (f" for {periods * 5} minutes" if periods > 1 else ""),
                periods=periods,
            )

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

        if jobs_queue is not None:
            self._alarm(
                "jobs-queue-age",
                jobs_queue.metric_approximate_age_of_oldest_message(period=PERIOD, statistic="Maximum"),
                JOBS_MAX_AGE_SECONDS,
                "jobs (exports, bulk registration, grants, lapses) waiting in the queue, not being run",
            )
        self._mail_alarms(email)
        self.budget = self._budget(prefix, monthly_budget_usd, alarm_email)

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

    def _mail_alarms(self, email: Email) -> None:
        """Bounces and complaints put the account's SES sending at risk (AWS reviews an account past
        5 % bounces or 0.1 % complaints), and a bounce means someone did not get a sign-in code."""
        sent = email.metric("Send", MAIL_PERIOD)
        bounces = email.metric("Bounce", MAIL_PERIOD)
        self._alarm(
            "mail-bounce-rate",
            _percent(("bounces", bounces), ("sent", sent), MAIL_MIN_SENT, "bounced % of sent", period=MAIL_PERIOD),
            MAIL_BOUNCE_PERCENT,
            f"SES bounces at or above {MAIL_BOUNCE_PERCENT} % of mail sent in an hour",
        )
        self._alarm(
            "mail-complaints",
            email.metric("Complaint", MAIL_PERIOD),
            MAIL_COMPLAINTS,
            "A recipient marked shoken's mail as spam (SES complaint)",
        )

    def _budget(self, prefix: str, limit_usd: int, alarm_email: str | None) -> budgets.CfnBudget:
        """The month's cost of the account: actual spend past 80 % and a forecast past 100 %."""
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("budgets.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            )
        )
        self.key.grant(iam.ServicePrincipal("budgets.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        subscribers = [budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=self.topic.topic_arn)]
        if alarm_email:
            subscribers.append(budgets.CfnBudget.SubscriberProperty(subscription_type="EMAIL", address=alarm_email))
        return budgets.CfnBudget(
            self,
            "MonthlyBudget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=f"{prefix}-monthly",
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=limit_usd, unit="USD"),
            ),
            notifications_with_subscribers=[
                budgets.CfnBudget.NotificationWithSubscribersProperty(
                    notification=budgets.CfnBudget.NotificationProperty(
                        notification_type=kind,
                        comparison_operator="GREATER_THAN",
                        threshold=percent,
                        threshold_type="PERCENTAGE",
                    ),
                    subscribers=subscribers,
                )
                for kind, percent in BUDGET_NOTIFICATIONS
            ],
        )

    def _alarm(
        self, name: str, metric: cloudwatch.IMetric, threshold: float, description: str, *, periods: int = 1
    ) -> cloudwatch.Alarm:
        alarm = add_alarm(
            self,
            self.topic,
            prefix=self._prefix,
            name=name,
            metric=metric,
            threshold=threshold,
            description=description,
            periods=periods,
        )
        self.alarms.append(alarm)
        return alarm
