"""AWS Backup for the table: a daily backup kept a year, optionally copied to a second region.

Point-in-time recovery (35 days) covers mistakes of the last weeks; these backups cover the year a
programme and its audit run, and the copy covers the loss of the whole region.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from constructs import Construct

from infra import nag

RETENTION = Duration.days(365)
# 03:00 Japan time, the quietest hour of a voucher programme.
SCHEDULE = events.Schedule.cron(hour="18", minute="0")


def copy_vault_name(prefix: str) -> str:
    return f"{prefix}-copy"


class TableBackup(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        table: dynamodb.ITable,
        copy_region: str | None,
    ) -> None:
        super().__init__(scope, construct_id)
        # Backups outlive the stack in every stage: CloudFormation cannot delete a vault that holds
        # recovery points, and a dev stack's deletion should not fail on its own backups.
        self.vault = backup.BackupVault(self, "Vault", backup_vault_name=prefix, removal_policy=RemovalPolicy.RETAIN)
        copy_actions = []
        if copy_region:
            stack = Stack.of(self)
            copy_vault_arn = stack.format_arn(
                service="backup",
                region=copy_region,
                resource="backup-vault",
                resource_name=copy_vault_name(prefix),
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            )
            copy_actions.append(
                backup.BackupPlanCopyActionProps(
                    destination_backup_vault=backup.BackupVault.from_backup_vault_arn(
                        self, "CopyVault", copy_vault_arn
                    ),
                    delete_after=RETENTION,
                )
            )
        self.plan = backup.BackupPlan(self, "Plan", backup_plan_name=prefix, backup_vault=self.vault)
        self.plan.add_rule(
            backup.BackupPlanRule(
                rule_name="daily",
                schedule_expression=SCHEDULE,
                delete_after=RETENTION,
                copy_actions=copy_actions or None,
            )
        )
        self.selection = self.plan.add_selection(
            "Table", resources=[backup.BackupResource.from_dynamo_db_table(table)], allow_restores=True
        )
        nag.acknowledge(
            self.selection,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]",
            "AWS Backup's own service role policy for taking backups; AWS maintains it as the service "
            "gains resource types, and the selection limits it to this one table.",
        )
        nag.acknowledge(
            self.selection,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]",
            "AWS Backup's own service role policy for restores, used only when an operator restores "
            "the table from a recovery point.",
        )


class BackupCopyStack(Stack):
    """The vault in the second region that receives the daily copies (deployed before the main stack)."""

    def __init__(self, scope: Construct, construct_id: str, *, prefix: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.vault = backup.BackupVault(
            self,
            "Vault",
            backup_vault_name=copy_vault_name(prefix),
            removal_policy=RemovalPolicy.RETAIN,
        )
