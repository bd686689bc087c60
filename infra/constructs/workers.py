"""What triggers the workers: the table's stream (exports, reports, bulk registration) and a daily
schedule (expiry), with one queue that keeps whatever failed for inspection and replay."""

from __future__ import annotations

from aws_cdk import Duration, Stack, TimeZone
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import nag, names

STREAM_BATCH_SIZE = 100
STREAM_RETRY_ATTEMPTS = 5
# A stream record lives 24 h; past this age it goes to the failure queue rather than block its shard.
STREAM_MAX_RECORD_AGE = Duration.hours(6)


class Workers(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.ITable,
        stream_function: lambda_.IFunction,
        schedule_function: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        self.failures = sqs.Queue(
            self,
            "Failures",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        nag.acknowledge(
            self.failures,
            "AwsSolutions-SQS3",
            "This queue is itself the dead-letter destination of the stream consumer and the daily "
            "schedule; nothing consumes it automatically, so it needs no dead-letter queue of its own.",
        )
        stream_function.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=STREAM_BATCH_SIZE,
                # A poison record is isolated by halving the batch, retried, then parked in the queue.
                bisect_batch_on_error=True,
                retry_attempts=STREAM_RETRY_ATTEMPTS,
                max_record_age=STREAM_MAX_RECORD_AGE,
                report_batch_item_failures=True,
                on_failure=sources.SqsDlq(self.failures),
            )
        )
        # The scheduler's own role, so its one finding is acknowledged here rather than stack-wide.
        schedule_role = iam.Role(
            self,
            "ScheduleRole",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            ),
            description="lets EventBridge Scheduler start the shoken daily jobs",
        )
        self.expiry = scheduler.Schedule(
            self,
            "DailyExpiry",
            description="shoken: expire vouchers past their usage period (workers.schedule)",
            schedule=scheduler.ScheduleExpression.cron(
                minute=names.EXPIRY_SCHEDULE_MINUTE,
                hour=names.EXPIRY_SCHEDULE_HOUR,
                time_zone=TimeZone.ASIA_TOKYO,
            ),
            target=targets.LambdaInvoke(
                schedule_function,
                input=scheduler.ScheduleTargetInput.from_object(names.EXPIRY_SCHEDULE_INPUT),
                retry_attempts=3,
                dead_letter_queue=self.failures,
                role=schedule_role,
            ),
        )
        nag.acknowledge(
            schedule_role,
            f"AwsSolutions-IAM5[Resource::{nag.ref(schedule_function)}:*]",
            "lambda:InvokeFunction on the schedule function's versions and aliases (CDK's grant_invoke); "
            "no other function.",
        )
