"""The us-east-1 stack: what CloudFront accepts only from that region (the WAF web ACL and its log)."""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy, Stack
from constructs import Construct

from infra.constructs.firewall import WebFirewall
from infra.stage_config import StageConfig


class EdgeStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.firewall = WebFirewall(
            self,
            "Firewall",
            name=f"{config.prefix}-web",
            rate_limit=config.waf_rate_limit,
            log_retention_days=config.log_retention_days,
            removal_policy=RemovalPolicy.RETAIN if config.production else RemovalPolicy.DESTROY,
        )

    @property
    def web_acl_arn(self) -> str:
        return self.firewall.arn
