"""Who may touch what: each function's AWS permissions, written once as a readable matrix.

The table is granted from infra/table_access.py (actions and key kinds per function); the other
resources go through CDK's `grant_*`, each acknowledged to cdk-nag with its reason where it uses a
wildcard.
"""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager

from infra import nag, names, service_access, table_access
from infra.constructs.email import Email

# The action families CDK's bucket grants use; acknowledged per role, for that one bucket only.
_S3_READ_ACTIONS = ("s3:GetBucket*", "s3:GetObject*", "s3:List*")
_S3_WRITE_ACTIONS = ("s3:Abort*", "s3:DeleteObject*")


def _acknowledge_bucket(function: lambda_.IFunction, bucket: s3.IBucket, *, write: bool) -> None:
    findings = [*_S3_READ_ACTIONS, *(_S3_WRITE_ACTIONS if write else ())]
    for action in findings:
        nag.acknowledge(
            _role(function),
            f"AwsSolutions-IAM5[Action::{action}]",
            f"CDK's bucket grant ({action}) on the single bucket this function works with, none other.",
        )
    nag.acknowledge(
        _role(function),
        f"AwsSolutions-IAM5[Resource::{nag.ref(bucket)}/*]",
        "Objects of one bucket: export and upload keys are generated per job, so they are not known ahead.",
    )


def _grant_upload_put(function: lambda_.IFunction, uploads: s3.IBucket, keys: str) -> None:
    """PutObject (and ending its own multipart upload) on one key pattern of the uploads bucket."""
    uploads.grant_put(function, keys)
    nag.acknowledge(
        _role(function),
        "AwsSolutions-IAM5[Action::s3:Abort*]",
        "CDK's put grant (s3:Abort*): ending a multipart upload of a file this function started.",
    )
    nag.acknowledge(
        _role(function),
        f"AwsSolutions-IAM5[Resource::{nag.ref(uploads)}/{keys}]",
        "Uploaded files: each upload's key is generated per job, so it is not known ahead.",
    )


def _role(function: lambda_.IFunction) -> iam.IRole:
    if function.role is None:
        raise ValueError(f"{function.node.path} has no role to grant to")
    return function.role


def grant_table(function: lambda_.IFunction, table: dynamodb.ITable, access: table_access.Access) -> None:
    """Only the actions the function uses, each on only its key kinds (infra/table_access.py).

    Item actions are conditioned on `dynamodb:LeadingKeys` (ForAllValues: every key of a batch and
    every action of a transaction must match); queries on indexes are granted per named index,
    because an index query names the index's partition key, not the table's. No Scan, no PartiQL.
    """
    for actions, prefixes in (
        (access.read_actions, access.read_prefixes),
        (access.write_actions, access.write_prefixes),
    ):
        if not actions or not prefixes:
            continue
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=list(actions),
                resources=[table.table_arn],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{p}*" for p in prefixes]}},
            )
        )
    if access.indexes:
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=[table_access.QUERY],
                resources=[f"{table.table_arn}/index/{name}" for name in access.indexes],
            )
        )


def apply(
    *,
    functions: dict[str, lambda_.Function],
    table: dynamodb.ITable,
    secret: secretsmanager.ISecret,
    origin_secret: secretsmanager.ISecret,
    email: Email,
    exports: s3.IBucket,
    uploads: s3.IBucket,
) -> None:
    """The permission matrix (SPEC §7: each function gets only the AWS permissions it needs)."""
    # A new route area gets its function automatically, but what it may touch is a decision to
    # write down here, not a default to inherit.
    covered = set(table_access.FUNCTIONS)
    if set(functions) - covered:
        undecided = sorted(set(functions) - covered)
        raise ValueError(
            f"no permissions decided for {undecided} in infra/table_access.py and infra/constructs/access.py"
        )
    for key, function in functions.items():
        grant_table(function, table, table_access.ACCESS[key])
    # Every HTTP function checks that its requests came through CloudFront; the workers serve none.
    for key in names.HTTP_AREAS:
        origin_secret.grant_read(functions[key])

    auth = functions["auth"]
    secret.grant_read(auth)
    email.grant_send(auth)

    # The console's two functions only put an uploaded file where its job reads it (bulk registration,
    # 住民名簿): put on those keys only, never read or delete; the programme function sends no mail.
    admin = functions["admin"]
    secret.grant_read(admin)
    email.grant_send(admin)
    _grant_upload_put(admin, uploads, service_access.BULK_FILES)

    programme = functions["programme"]
    secret.grant_read(programme)
    _grant_upload_put(programme, uploads, service_access.RESIDENT_LISTS)

    # Payments: its table items and the signing key, nothing else; tests/infra fails if it gains
    # S3, SES, Scan, DeleteItem, BatchWriteItem or a key kind it does not use.
    payments = functions["payments"]
    secret.grant_read(payments)

    wallet = functions["wallet"]
    secret.grant_read(wallet)

    history = functions["history"]
    secret.grant_read(history)
    # Read is what presigning a download link needs: the link carries the function's permission.
    exports.grant_read(history)
    _acknowledge_bucket(history, exports, write=False)

    # The job runner (exports, bulk registration, grants, lapses) works with the buckets and mail;
    # the stream consumer (report totals) and the schedule get their table items and nothing else.
    worker = functions.get(names.WORKER_JOBS.key)
    if worker is not None:
        exports.grant_read_write(worker)
        uploads.grant_read(worker)
        # The resident-list job deletes the file it has read (personal data): delete on those keys only.
        uploads.grant_delete(worker, service_access.RESIDENT_LISTS)
        email.grant_send(worker)
        _acknowledge_bucket(worker, exports, write=True)
        _acknowledge_bucket(worker, uploads, write=False)
        # s3:DeleteObject* is already acknowledged on this role (the exports grant).
        nag.acknowledge(
            _role(worker),
            f"AwsSolutions-IAM5[Resource::{nag.ref(uploads)}/{service_access.RESIDENT_LISTS}]",
            "Uploaded resident lists: each upload's key is generated per job, so it is not known ahead.",
        )
