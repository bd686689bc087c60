"""S3 buckets: CSV exports (short-lived), CSV uploads for bulk registration, and their access logs."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import nag


def secure_bucket(
    scope: Construct,
    construct_id: str,
    *,
    access_logs: s3.IBucket,
    removal_policy: RemovalPolicy,
    expire_after_days: int | None = None,
) -> s3.Bucket:
    """A private bucket: encrypted, public access blocked, TLS 1.2+ only, access logged."""
    rules = [s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1))]
    if expire_after_days is not None:
        rules.append(s3.LifecycleRule(expiration=Duration.days(expire_after_days)))
    return s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.S3_MANAGED,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        server_access_logs_bucket=access_logs,
        server_access_logs_prefix=f"s3/{construct_id.lower()}/",
        lifecycle_rules=rules,
        removal_policy=removal_policy,
    )


class Storage(Construct):
    """Exports expire after a few days (the link the UI gives is short-lived anyway); uploads are
    kept a while for the registration report; the access-log bucket receives S3 and CloudFront logs."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        production: bool,
        access_log_days: int,
        export_days: int,
        upload_days: int,
    ) -> None:
        super().__init__(scope, construct_id)
        # Buckets are emptied by hand before a non-production stack is deleted: CDK's auto-delete
        # would add a custom-resource Lambda with broad S3 rights to every stage.
        removal = RemovalPolicy.RETAIN if production else RemovalPolicy.DESTROY
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            # CloudFront standard logging writes with an ACL; S3 server access logs use the
            # bucket policy CDK adds. BUCKET_OWNER_PREFERRED accepts both and owns every object.
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(access_log_days))],
            removal_policy=removal,
        )
        nag.acknowledge(
            self.access_logs,
            "AwsSolutions-S1",
            "This is the access-log bucket itself; logging its own accesses into itself would loop.",
        )
        self.exports = secure_bucket(
            self, "Exports", access_logs=self.access_logs, removal_policy=removal, expire_after_days=export_days
        )
        self.uploads = secure_bucket(
            self, "Uploads", access_logs=self.access_logs, removal_policy=removal, expire_after_days=upload_days
        )
