"""Builds the CDK app: for each city and stage, the us-east-1 edge stack and the main stack, with
cdk-nag on everything. Used by infra/app.py (the CLI's entry point) and by tests/infra."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import App, Environment, Stack, Tags

from infra import bundling, nag, names, stage_config
from infra.constructs.backup import BackupCopyStack
from infra.stacks.edge import EdgeStack
from infra.stacks.edge_alarms import EdgeAlarmsStack
from infra.stacks.shoken import ShokenStack
from infra.stage_config import StageConfig


@dataclass(frozen=True)
class Deployment:
    config: StageConfig
    edge: EdgeStack
    main: ShokenStack
    edge_alarms: EdgeAlarmsStack
    backup_copy: BackupCopyStack | None


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() in {"true", "1", "yes"}


def add_deployment(app: App, config: StageConfig) -> Deployment:
    account = config.account or names.PLACEHOLDER_ACCOUNT
    edge = EdgeStack(
        app,
        names.edge_stack_name(config.city, config.stage),
        config=config,
        env=Environment(account=account, region=names.EDGE_REGION),
        description=f"shoken {config.committee_name} ({config.stage}): WAF for CloudFront",
        cross_region_references=True,
    )
    backup_copy = (
        BackupCopyStack(
            app,
            names.backup_copy_stack_name(config.city, config.stage),
            prefix=config.prefix,
            env=Environment(account=account, region=config.backup_copy_region),
            description=f"shoken {config.committee_name} ({config.stage}): backup copies of the table",
        )
        if config.backup_copy_region
        else None
    )
    main = ShokenStack(
        app,
        config.prefix,
        config=config,
        # A cross-region reference: with cdk.json's `defaultCrossStackReferences: weak` the main stack
        # reads the edge stack's output (Fn::GetStackOutput), and CDK deploys the edge stack first.
        web_acl_arn=edge.web_acl_arn,
        env=Environment(account=account, region=config.region),
        description=f"shoken {config.committee_name} ({config.stage}): premium electronic gift vouchers",
        cross_region_references=True,
    )
    if backup_copy is not None:
        main.add_stack_dependency(backup_copy, "the backup plan copies into that stack's vault")
    edge_alarms = EdgeAlarmsStack(
        app,
        names.edge_alarms_stack_name(config.city, config.stage),
        config=config,
        distribution_id=main.web.distribution.distribution_id,
        web_acl_metric_name=edge.firewall.metric_name,
        env=Environment(account=account, region=names.EDGE_REGION),
        description=f"shoken {config.committee_name} ({config.stage}): CloudFront and WAF alarms",
        cross_region_references=True,
    )
    stacks: list[Stack] = [edge, main, edge_alarms, *([backup_copy] if backup_copy else [])]
    for stack in stacks:
        Tags.of(stack).add("project", names.PROJECT)
        Tags.of(stack).add("city", config.city)
        Tags.of(stack).add("stage", config.stage)
    return Deployment(config=config, edge=edge, main=main, edge_alarms=edge_alarms, backup_copy=backup_copy)


def create_app(
    context: Mapping[str, Any] | None = None,
    configs: Sequence[StageConfig] | None = None,
    *,
    outdir: str | None = None,
) -> tuple[App, list[Deployment]]:
    """The app for the stage chosen by context (or for `configs`, as the tests do)."""
    app = App(context=dict(context) if context is not None else None, outdir=outdir)
    if _truthy(app.node.try_get_context(names.CONTEXT_SKIP_BUNDLING)):
        app.node.set_context(names.BUNDLING_STACKS_CONTEXT, [])
    if app.node.try_get_context(names.BUNDLING_STACKS_CONTEXT) != []:
        # Assets are bundled while the stacks are built: without the runtime's Python, stop first.
        bundling.runtime_python()
    if configs is None:
        keys = (names.CONTEXT_STAGE, names.CONTEXT_CITY, names.CONTEXT_CONFIG_FILE, names.CONTEXT_ACCOUNT)
        chosen = {key: app.node.try_get_context(key) for key in keys}
        # The CLI sets CDK_DEFAULT_ACCOUNT from the caller's credentials when it has any.
        configs = [stage_config.load(chosen, default_account=os.environ.get("CDK_DEFAULT_ACCOUNT"))]
    deployments = [add_deployment(app, config) for config in configs]
    nag.add_checks(app)
    return app, deployments
