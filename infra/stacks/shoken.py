"""The stack of one city and stage: wires data, storage, signing key, email, API, web, functions,
workers and monitoring together. No resource is defined here, only connections."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from constructs import Construct

from infra import names
from infra.constructs import access
from infra.constructs.api import Api
from infra.constructs.backup import TableBackup
from infra.constructs.data import Data
from infra.constructs.email import Email
from infra.constructs.functions import Functions
from infra.constructs.generated_key import pin_pepper, resident_key, signing_key
from infra.constructs.monitoring import MonitoredFunction, Monitoring
from infra.constructs.origin_secret import OriginSecret
from infra.constructs.storage import Storage
from infra.constructs.web import Web
from infra.constructs.workers import Workers
from infra.stage_config import StageConfig


class ShokenStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        web_acl_arn: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        removal = RemovalPolicy.RETAIN if config.production else RemovalPolicy.DESTROY

        self.data = Data(self, "Data", production=config.production)
        self.backup = TableBackup(
            self,
            "Backup",
            prefix=config.prefix,
            table=self.data.table,
            copy_region=config.backup_copy_region,
        )
        self.storage = Storage(
            self,
            "Storage",
            production=config.production,
            access_log_days=config.access_log_retention_days,
            export_days=config.export_retention_days,
            upload_days=config.upload_retention_days,
        )
        self.signing_key = signing_key(self, production=config.production)
        self.origin_secret = OriginSecret(self, "OriginSecret")
        self.resident_key = resident_key(self, production=config.production)
        self.pin_pepper = pin_pepper(self, production=config.production)
        self.email = Email(self, "Email", domain=config.identity_domain, mail_from=config.mail_from)
        self.api = Api(
            self,
            "Api",
            name=config.prefix,
            rate_limit=config.api_rate_limit,
            burst_limit=config.api_burst_limit,
            log_retention_days=config.log_retention_days,
            removal_policy=removal,
        )
        self.web = Web(
            self,
            "Web",
            api_domain=self.api.domain_name,
            origin_secret=self.origin_secret.header_value,
            access_logs=self.storage.access_logs,
            removal_policy=removal,
            log_retention_days=config.log_retention_days,
            web_acl_arn=web_acl_arn,
            domain_name=config.domain_name,
            certificate_arn=config.certificate_arn,
            allowed_countries=config.allowed_countries,
        )
        # Every value a function's config model may ask for; each function takes only its own.
        environment_values = {
            "TABLE_NAME": self.data.table.table_name,
            "STAGE": config.stage,
            "SESSION_KEY_SECRET_ID": self.signing_key.secret.secret_arn,
            "RESIDENT_KEY_SECRET_ID": self.resident_key.secret.secret_arn,
            "PIN_PEPPER_SECRET_ID": self.pin_pepper.secret.secret_arn,
            "ORIGIN_SECRET_ID": self.origin_secret.secret.secret_arn,
            "MAIL_FROM": config.mail_from,
            "PUBLIC_BASE_URL": self.web.url,
            "SES_CONFIGURATION_SET": self.email.configuration_set_name,
            "EXPORT_BUCKET": self.storage.exports.bucket_name,
            "UPLOAD_BUCKET": self.storage.uploads.bucket_name,
            "EXPORT_RETENTION_DAYS": str(config.export_retention_days),
            "REMINDER_SEND_RATE": str(config.ses_send_rate),
        }
        if config.local_endpoints is not None:
            # sam local: download links are signed for the local server's S3 stand-in (local/s3_links.py).
            environment_values["S3_LINK_ENDPOINT"] = f"{config.local_endpoints.public_base_url}/_local/s3"
        self.functions = Functions(self, "Functions", config=config, environment_values=environment_values)
        access.apply(
            functions=self.functions.by_key,
            table=self.data.table,
            secret=self.signing_key.secret,
            origin_secret=self.origin_secret.secret,
            email=self.email,
            exports=self.storage.exports,
            uploads=self.storage.uploads,
        )
        for key in names.RESIDENT_KEY_READERS:
            resident_reader = self.functions.by_key.get(key)
            if resident_reader is not None:
                self.resident_key.secret.grant_read(resident_reader)
        for key in names.PIN_PEPPER_READERS:
            pin_reader = self.functions.by_key.get(key)
            if pin_reader is not None:
                self.pin_pepper.secret.grant_read(pin_reader)
        self.api.route(self.functions.http_aliases)

        stream_function = self.functions.get(names.WORKER_STREAM.key)
        stream_alias = self.functions.alias(names.WORKER_STREAM.key)
        jobs_alias = self.functions.alias(names.WORKER_JOBS.key)
        schedule_alias = self.functions.alias(names.WORKER_SCHEDULE.key)
        self.workers = (
            Workers(
                self,
                "Workers",
                table=self.data.table,
                stream_function=stream_alias,
                jobs_function=jobs_alias,
                schedule_function=schedule_alias,
            )
            if stream_alias is not None and jobs_alias is not None and schedule_alias is not None
            else None
        )
        specs = {spec.key: spec for spec in (*names.http_function_specs(), *names.WORKER_SPECS)}
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            prefix=config.prefix,
            production=config.production,
            alarm_email=config.alarm_email,
            http_api=self.api.http_api,
            functions={
                key: MonitoredFunction(function, specs[key].timeout_seconds)
                for key, function in self.functions.by_key.items()
            },
            table=self.data.table,
            payments_service=names.service_name(config.city, config.stage, "payments"),
            stream_function=stream_function,
            failure_queue=self.workers.failures if self.workers else None,
            jobs_queue=self.workers.jobs if self.workers else None,
            email=self.email,
            monthly_budget_usd=config.monthly_budget_usd,
        )

        CfnOutput(self, "Url", value=self.web.url, description="the UIs: /admin/, /merchant/, /wallet/")
        CfnOutput(self, "TableName", value=self.data.table.table_name)
        CfnOutput(self, "ExportBucket", value=self.storage.exports.bucket_name)
        CfnOutput(self, "UploadBucket", value=self.storage.uploads.bucket_name)
        CfnOutput(self, "AlarmTopic", value=self.monitoring.topic.topic_arn)
