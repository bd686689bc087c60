"""Who may touch what: each function's AWS permissions, written once as a readable matrix.

Everything goes through `grant_*` except where a grant is broader than the function needs; those
statements are written out with the condition that narrows them and the reason next to them.
"""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager

from infra import nag, names
from infra.constructs.email import Email

# Writes the history function may make, each limited by dynamodb:LeadingKeys below. TransactWriteItems
# is authorized per contained action (PutItem, UpdateItem …), so it needs no action of its own.
HISTORY_WRITE_ACTIONS: tuple[str, ...] = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem")


# The action families CDK's bucket grants use; acknowledged per role, for that one bucket only.
_S3_READ_ACTIONS = ("s3:GetBucket*", "s3:GetObject*", "s3:List*")
_S3_WRITE_ACTIONS = ("s3:Abort*", "s3:DeleteObject*")


def _acknowledge_table_indexes(function: lambda_.IFunction, table: dynamodb.ITable) -> None:
    nag.acknowledge(
        _role(function),
        f"AwsSolutions-IAM5[Resource::{nag.ref(table)}/index/*]",
        "Queries on the GSIs of shoken.table.INDEXES; the wildcard matches only this table's own indexes.",
    )


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


def _role(function: lambda_.IFunction) -> iam.IRole:
    if function.role is None:
        raise ValueError(f"{function.node.path} has no role to grant to")
    return function.role


def grant_history_writes(function: lambda_.IFunction, table: dynamodb.ITable) -> None:
    """History reads every transaction but writes only export reservations and audit entries.

    `grant_write_data` would let it rewrite balances; the condition restricts every write to items
    whose partition key starts with one of names.HISTORY_WRITABLE_KEY_PREFIXES (SPEC §7).
    """
    function.add_to_role_policy(
        iam.PolicyStatement(
            actions=list(HISTORY_WRITE_ACTIONS),
            resources=[table.table_arn],
            conditions={
                "ForAllValues:StringLike": {
                    "dynamodb:LeadingKeys": [f"{prefix}*" for prefix in names.HISTORY_WRITABLE_KEY_PREFIXES]
                }
            },
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
    covered = {"auth", "admin", "payments", "wallet", "history", names.WORKER_STREAM.key, names.WORKER_SCHEDULE.key}
    if set(functions) - covered:
        raise ValueError(f"no permissions decided for {sorted(set(functions) - covered)} in infra/constructs/access.py")
    for function in functions.values():
        _acknowledge_table_indexes(function, table)
    # Every HTTP function checks that its requests came through CloudFront; the workers serve none.
    for key in names.HTTP_AREAS:
        origin_secret.grant_read(functions[key])

    auth = functions["auth"]
    table.grant_read_write_data(auth)
    secret.grant_read(auth)
    email.grant_send(auth)

    admin = functions["admin"]
    table.grant_read_write_data(admin)
    secret.grant_read(admin)
    email.grant_send(admin)
    uploads.grant_read_write(admin)
    _acknowledge_bucket(admin, uploads, write=True)

    # Payments: the table and the signing key, nothing else; tests/infra fails if it gains S3 or SES.
    payments = functions["payments"]
    table.grant_read_write_data(payments)
    secret.grant_read(payments)

    wallet = functions["wallet"]
    table.grant_read_write_data(wallet)
    secret.grant_read(wallet)

    history = functions["history"]
    table.grant_read_data(history)
    grant_history_writes(history, table)
    secret.grant_read(history)
    # Read is what presigning a download link needs: the link carries the function's permission.
    exports.grant_read(history)
    _acknowledge_bucket(history, exports, write=False)

    for key in (names.WORKER_STREAM.key, names.WORKER_SCHEDULE.key):
        worker = functions.get(key)
        if worker is None:
            continue
        table.grant_read_write_data(worker)
        exports.grant_read_write(worker)
        uploads.grant_read(worker)
        email.grant_send(worker)
        _acknowledge_bucket(worker, exports, write=True)
        _acknowledge_bucket(worker, uploads, write=False)
