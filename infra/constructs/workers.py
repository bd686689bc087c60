"""What triggers the workers: the table's stream, split in two (report totals read new transactions
from it directly; job records go through EventBridge Pipes to the jobs queue, so a job lap of
minutes never holds a shard), and a daily schedule (expiry), with one queue that keeps whatever
failed for inspection and replay."""

from __future__ import annotations

import json

from aws_cdk import Duration, Stack, TimeZone
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import nag, names

STREAM_BATCH_SIZE = 100
STREAM_RETRY_ATTEMPTS = 5
# A stream record lives 24 h; past this age it goes to the failure queue rather than block its shard.
STREAM_MAX_RECORD_AGE = Duration.hours(6)
# AWS's advice for a queue feeding Lambda: a visibility timeout of six times the function's timeout.
JOBS_VISIBILITY = Duration.seconds(6 * names.WORKER_JOBS.timeout_seconds)
JOBS_MAX_RECEIVES = 3


class Workers(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.ITable,
        stream_function: lambda_.IFunction,
        jobs_function: lambda_.IFunction,
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
            "This queue is itself the dead-letter destination of the stream consumer, the jobs pipe and "
            "queue, and the daily schedule; nothing consumes it automatically, so it needs no "
            "dead-letter queue of its own.",
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
                filters=[lambda_.FilterCriteria.filter(names.TOTALS_STREAM_FILTER)],
            )
        )
        self.jobs = sqs.Queue(
            self,
            "Jobs",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=JOBS_VISIBILITY,
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.failures, max_receive_count=JOBS_MAX_RECEIVES),
        )
        # One job lap per invocation: a lap runs up to the function's timeout and saves a checkpoint.
        jobs_function.add_event_source(sources.SqsEventSource(self.jobs, batch_size=1, report_batch_item_failures=True))
        pipe_role = self._service_role(
            "JobsPipeRole",
            "pipes.amazonaws.com",
            "lets EventBridge Pipes forward job items' stream records to the jobs queue",
        )
        table.grant_stream_read(pipe_role)
        self.jobs.grant_send_messages(pipe_role)
        nag.acknowledge(
            pipe_role,
            "AwsSolutions-IAM5[Resource::*]",
            "dynamodb:ListStreams (part of CDK's grant_stream_read) supports no resource-level permission; "
            "the stream actions themselves are limited to this table's stream.",
        )
        if table.table_stream_arn is None:
            raise ValueError("the table needs its stream for the workers")
        self.jobs_pipe = pipes.CfnPipe(
            self,
            "JobsPipe",
            role_arn=pipe_role.role_arn,
            source=table.table_stream_arn,
            source_parameters=pipes.CfnPipe.PipeSourceParametersProperty(
                dynamo_db_stream_parameters=pipes.CfnPipe.PipeSourceDynamoDBStreamParametersProperty(
                    starting_position="TRIM_HORIZON",
                    batch_size=1,
                    maximum_retry_attempts=STREAM_RETRY_ATTEMPTS,
                    maximum_record_age_in_seconds=int(STREAM_MAX_RECORD_AGE.to_seconds()),
                    dead_letter_config=pipes.CfnPipe.DeadLetterConfigProperty(arn=self.failures.queue_arn),
                ),
                filter_criteria=pipes.CfnPipe.FilterCriteriaProperty(
                    filters=[pipes.CfnPipe.FilterProperty(pattern=json.dumps(names.JOBS_STREAM_FILTER))]
                ),
            ),
            target=self.jobs.queue_arn,
        )
        self.failures.grant_send_messages(pipe_role)
        # The scheduler's own role, so its one finding is acknowledged here rather than stack-wide.
        schedule_role = self._service_role(
            "ScheduleRole", "scheduler.amazonaws.com", "lets EventBridge Scheduler start the shoken daily jobs"
        )
        self.expiry = scheduler.Schedule(
            self,
            "DailyExpiry",
            description="shoken: expiry, expiry reminders, deletion of personal data past retention (workers.schedule)",
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

    def _service_role(self, construct_id: str, service: str, description: str) -> iam.Role:
        """A role only `service` acting for this account may assume (no confused deputy)."""
        return iam.Role(
            self,
            construct_id,
            assumed_by=iam.ServicePrincipal(
                service, conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}}
            ),
            description=description,
        )
