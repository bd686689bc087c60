"""The us-east-1 alarms: CloudFront and a CloudFront-scoped WAF publish their metrics only there, and
an alarm watches and notifies only in its own region, so this stack has its own alarm topic."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from infra import names
from infra.constructs.alarms import PERIOD, add_alarm, alarm_topic
from infra.stage_config import StageConfig


class EdgeAlarmsStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        distribution_id: str,
        web_acl_metric_name: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.topic, _ = alarm_topic(
            self, prefix=config.prefix, production=config.production, alarm_email=config.alarm_email
        )
        # CloudFront-scoped web ACLs report per web ACL (its metric name) and rule, with no Region.
        blocked = cloudwatch.Metric(
            namespace="AWS/WAFV2",
            metric_name="BlockedRequests",
            dimensions_map={"WebACL": web_acl_metric_name, "Rule": "ALL"},
            statistic="Sum",
            period=PERIOD,
        )
        self.waf_blocked = add_alarm(
            self,
            self.topic,
            prefix=config.prefix,
            name="waf-blocked",
            metric=blocked,
            threshold=names.WAF_BLOCKED_ALARM_THRESHOLD,
            description="WAF blocked an unusual number of requests: an attack, a scanner, or a rule hitting real users "
            "(the aws-waf-logs-* log group says which)",
        )
        dimensions = {"DistributionId": distribution_id, "Region": "Global"}
        requests = cloudwatch.Metric(
            namespace="AWS/CloudFront",
            metric_name="Requests",
            dimensions_map=dimensions,
            statistic="Sum",
            period=PERIOD,
        )
        error_rate = cloudwatch.Metric(
            namespace="AWS/CloudFront",
            metric_name="5xxErrorRate",
            dimensions_map=dimensions,
            statistic="Average",
            period=PERIOD,
        )
        self.cloudfront_5xx = add_alarm(
            self,
            self.topic,
            prefix=config.prefix,
            name="cloudfront-5xx",
            metric=cloudwatch.MathExpression(
                expression=f"IF(requests >= {names.CLOUDFRONT_MIN_REQUESTS}, rate, 0)",
                using_metrics={"requests": requests, "rate": error_rate},
                label="CloudFront 5xx %",
                period=PERIOD,
            ),
            threshold=names.CLOUDFRONT_5XX_PERCENT,
            description="CloudFront answered viewers with server errors (origin down, or the API failing)",
        )
