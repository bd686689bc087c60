"""Each function's AWS permissions (SPEC §7): least privilege, and the two lines that must never move:
payments cannot reach S3 or SES, history cannot write anything but export jobs and audit entries."""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

import pytest

from infra import names, service_access, table_access
from tests.infra.conftest import Synth, logical_id, resources

STAGES = ("dev", "prod")
DYNAMODB_WRITES = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
)


def role_id(synth: Synth, stage: str, key: str) -> str:
    function = synth.main(stage)["Resources"][synth.logical_ids[stage][key]]
    return function["Properties"]["Role"]["Fn::GetAtt"][0]


def statements(synth: Synth, stage: str, key: str) -> list[dict[str, Any]]:
    """Every statement of every policy attached to the function's role."""
    template = synth.main(stage)
    role = role_id(synth, stage, key)
    found: list[dict[str, Any]] = []
    for policy in resources(template, "AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            found.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    found.extend(
        s
        for p in template["Resources"][role]["Properties"].get("Policies", [])
        for s in p["PolicyDocument"]["Statement"]
    )
    return found


def actions(statement: dict[str, Any]) -> list[str]:
    value = statement.get("Action", [])
    return [value] if isinstance(value, str) else list(value)


def allowed(synth: Synth, stage: str, key: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for statement in statements(synth, stage, key):
        if statement["Effect"] == "Allow":
            for action in actions(statement):
                yield action, statement


def grants(synth: Synth, stage: str, key: str, wanted: str) -> bool:
    """Whether any allowed action pattern covers `wanted` (e.g. `s3:*` covers `s3:GetObject`)."""
    return any(fnmatchcase(wanted.lower(), action.lower()) for action, _ in allowed(synth, stage, key))


def services(synth: Synth, stage: str, key: str) -> set[str]:
    return {action.split(":")[0] for action, _ in allowed(synth, stage, key)}


@pytest.mark.parametrize("stage", STAGES)
def test_no_function_role_uses_managed_policies(synth: Synth, stage: str) -> None:
    template = synth.main(stage)
    for key in synth.logical_ids[stage]:
        assert not template["Resources"][role_id(synth, stage, key)]["Properties"].get("ManagedPolicyArns"), key


@pytest.mark.parametrize("stage", STAGES)
def test_payments_touches_only_the_table_and_the_signing_key(synth: Synth, stage: str) -> None:
    assert services(synth, stage, "payments") <= {"dynamodb", "secretsmanager", "logs", "xray"}
    for action, _ in allowed(synth, stage, "payments"):
        assert not action.lower().startswith(("s3:", "ses:", "sns:", "sqs:", "kms:")), action
        assert action != "*", action
    assert grants(synth, stage, "payments", "dynamodb:TransactWriteItems") or grants(
        synth, stage, "payments", "dynamodb:PutItem"
    )
    assert grants(synth, stage, "payments", "secretsmanager:GetSecretValue")


@pytest.mark.parametrize("stage", STAGES)
def test_history_writes_only_jobs_audit_entries_and_read_marks(synth: Synth, stage: str) -> None:
    expected_keys = sorted(f"{prefix}*" for prefix in table_access.ACCESS["history"].write_prefixes)
    # Besides export jobs (and their open-job markers) and audit entries, only a store's own お知らせ
    # read-marks (merchant app).
    assert expected_keys == ["AUDIT#*", "JOB#*", "JOBOPEN#*", "NOTICEREAD#*"]
    conditioned_writes = 0
    for action, statement in allowed(synth, stage, "history"):
        if not any(fnmatchcase(write.lower(), action.lower()) for write in DYNAMODB_WRITES):
            continue
        condition = statement.get("Condition", {}).get("ForAllValues:StringLike", {})
        leading_keys = condition.get("dynamodb:LeadingKeys")
        assert leading_keys is not None, f"history may {action} without a dynamodb:LeadingKeys condition"
        assert sorted([leading_keys] if isinstance(leading_keys, str) else leading_keys) == expected_keys
        conditioned_writes += 1
    assert conditioned_writes > 0, "history must still be able to reserve exports and write audit entries"
    assert grants(synth, stage, "history", "dynamodb:Query")
    assert grants(synth, stage, "history", "s3:GetObject")
    assert not grants(synth, stage, "history", "s3:PutObject")
    assert not grants(synth, stage, "history", "ses:SendEmail")


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(
    ("key", "may", "may_not"),
    [
        ("auth", ["dynamodb:PutItem", "ses:SendEmail", "secretsmanager:GetSecretValue"], ["s3:GetObject"]),
        (
            "admin",
            ["dynamodb:PutItem", "ses:SendEmail", "s3:PutObject", "secretsmanager:GetSecretValue"],
            ["s3:GetObject", "s3:DeleteObject"],
        ),
        (
            "programme",
            ["dynamodb:PutItem", "s3:PutObject", "secretsmanager:GetSecretValue"],
            ["ses:SendEmail", "s3:GetObject", "s3:DeleteObject"],
        ),
        ("wallet", ["dynamodb:PutItem", "secretsmanager:GetSecretValue"], ["s3:GetObject", "ses:SendEmail"]),
    ],
)
def test_http_function_permissions(synth: Synth, stage: str, key: str, may: list[str], may_not: list[str]) -> None:
    for action in may:
        assert grants(synth, stage, key, action), f"{key} needs {action}"
    for action in may_not:
        assert not grants(synth, stage, key, action), f"{key} must not {action}"


@pytest.mark.parametrize("stage", STAGES)
def test_admin_reaches_uploads_but_not_exports(synth: Synth, stage: str) -> None:
    main = synth.deployments[stage].main
    exports = logical_id(main.storage.exports)
    uploads = logical_id(main.storage.uploads)
    referenced = str([s.get("Resource") for action, s in allowed(synth, stage, "admin") if action.startswith("s3:")])
    assert uploads in referenced
    assert exports not in referenced


@pytest.mark.parametrize("stage", STAGES)
def test_mail_is_sent_only_from_the_configured_address(synth: Synth, stage: str) -> None:
    mail_from = synth.deployments[stage].config.mail_from
    for key in synth.logical_ids[stage]:
        for action, statement in allowed(synth, stage, key):
            if action.startswith("ses:"):
                assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": mail_from}}, key


def object_patterns(statement: dict[str, Any], bucket_id: str) -> set[str]:
    """The object-key patterns a statement names in one bucket (its `<bucket ARN>/<pattern>` resources)."""
    found: set[str] = set()
    listed = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
    for resource in listed:
        join = resource.get("Fn::Join") if isinstance(resource, dict) else None
        if join and join[0] == "" and len(join[1]) == 2 and join[1][0] == {"Fn::GetAtt": [bucket_id, "Arn"]}:
            found.add(str(join[1][1]).removeprefix("/"))
    return found


def granted_objects(synth: Synth, stage: str, key: str, bucket: str, action: str) -> set[str]:
    """The key patterns of `bucket` (exports or uploads) on which the function's role allows `action`."""
    main = synth.deployments[stage].main
    bucket_id = logical_id(
        {service_access.EXPORTS: main.storage.exports, service_access.UPLOADS: main.storage.uploads}[bucket]
    )
    return {
        pattern
        for granted, statement in allowed(synth, stage, key)
        if fnmatchcase(action.lower(), granted.lower())
        for pattern in object_patterns(statement, bucket_id)
    }


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(
    "use", service_access.OBJECT_USES, ids=lambda u: f"{u.function}-{u.action}-{u.bucket}/{u.keys}"
)
def test_the_template_grants_every_object_use(synth: Synth, stage: str, use: service_access.ObjectUse) -> None:
    # Given what the code does with S3 (infra/service_access.py, checked call by call in the integration tests)
    # Then the function's role allows that action on those objects of that bucket
    granted = granted_objects(synth, stage, use.function, use.bucket, use.action)
    assert any(fnmatchcase(use.keys, pattern) for pattern in granted), (
        f"{use.function} may not {use.action} on {use.bucket}/{use.keys} (granted on {sorted(granted)})"
    )


@pytest.mark.parametrize("stage", STAGES)
def test_the_job_runner_deletes_only_resident_lists_from_uploads(synth: Synth, stage: str) -> None:
    # The bulk-registration files stay (the registration report reads them); the lists are deleted.
    assert granted_objects(synth, stage, names.WORKER_JOBS.key, service_access.UPLOADS, "s3:DeleteObject") == {
        service_access.RESIDENT_LISTS
    }


@pytest.mark.parametrize("stage", STAGES)
def test_only_the_declared_senders_may_send_mail(synth: Synth, stage: str) -> None:
    senders = {key for key in synth.logical_ids[stage] if grants(synth, stage, key, service_access.SEND_EMAIL)}
    assert senders == service_access.MAIL_SENDERS


def test_workers_permissions_when_present(synth: Synth) -> None:
    if names.WORKER_STREAM.key not in synth.logical_ids["dev"]:
        pytest.skip("functions/workers does not exist yet")
    for action in ("dynamodb:PutItem", "s3:PutObject", "s3:GetObject", "ses:SendEmail", "sqs:ReceiveMessage"):
        assert grants(synth, "dev", names.WORKER_JOBS.key, action), f"the job runner needs {action}"
    assert grants(synth, "dev", names.WORKER_STREAM.key, "dynamodb:GetRecords")
    # The totals consumer writes totals: no buckets, no mail, no reads of other items.
    assert services(synth, "dev", names.WORKER_STREAM.key) <= {"dynamodb", "logs", "xray", "sqs"}
    assert granted_prefixes(synth, "dev", names.WORKER_STREAM.key, "dynamodb:UpdateItem") == {"AGG#", "AGGMARK#"}
    # The schedule only queues lapse jobs: its job items, no buckets, no mail.
    assert services(synth, "dev", names.WORKER_SCHEDULE.key) <= {"dynamodb", "logs", "xray"}


# What the payment function touches (shoken.payment, functions/payments): sessions and terminal
# bindings (USER#, TERM#), the store and committee, wallets, QR and MPM requests, idempotency,
# transactions and audit entries. Written out here a second time on purpose: a key kind added to
# payments in infra/table_access.py must be added here too, by someone who means it.
# CARD# (issue 16): a card payment checks the card and counts its wrong PINs and day's spending.
PAYMENTS_READS = {"ACQ#", "AUDIT#", "CARD#", "IDEM#", "MPM#", "QR#", "ST#", "TERM#", "TXN#", "USER#", "WALLET#"}
PAYMENTS_WRITES = {"AUDIT#", "CARD#", "IDEM#", "MPM#", "QR#", "TXN#", "WALLET#"}
NEVER_GRANTED = ("dynamodb:Scan", "dynamodb:PartiQLSelect", "dynamodb:DeleteTable", "dynamodb:UpdateTable")


STREAM_ACTIONS = {"dynamodb:ListStreams", "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}


def dynamodb_statements(synth: Synth, stage: str, key: str) -> list[dict[str, Any]]:
    """The statements that grant table or index actions (not the stream's, which has its own ARN)."""
    found = []
    for statement in statements(synth, stage, key):
        table_actions = [a for a in actions(statement) if a.startswith("dynamodb:") and a not in STREAM_ACTIONS]
        if statement["Effect"] == "Allow" and table_actions:
            found.append(statement)
    return found


def leading_keys(statement: dict[str, Any]) -> set[str]:
    value = statement.get("Condition", {}).get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys", [])
    return {value} if isinstance(value, str) else set(value)


def granted_prefixes(synth: Synth, stage: str, key: str, action: str) -> set[str]:
    """Key prefixes `action` is allowed on in the table, from the template's conditions."""
    found: set[str] = set()
    for statement in dynamodb_statements(synth, stage, key):
        if any(fnmatchcase(action.lower(), a.lower()) for a in actions(statement)) and "/index/" not in str(
            statement["Resource"]
        ):
            found |= {pattern.removesuffix("*") for pattern in leading_keys(statement)}
    return found


@pytest.mark.parametrize("stage", STAGES)
def test_payments_gets_only_its_actions_and_key_kinds(synth: Synth, stage: str) -> None:
    # Given the payments role as synthesized
    # Then it cannot scan, delete, batch-write or query, and reaches only its own key kinds
    for action in ("dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Query", *NEVER_GRANTED):
        assert not grants(synth, stage, "payments", action), f"payments must not {action}"
    assert granted_prefixes(synth, stage, "payments", "dynamodb:GetItem") == PAYMENTS_READS
    assert granted_prefixes(synth, stage, "payments", "dynamodb:ConditionCheckItem") == PAYMENTS_READS
    assert granted_prefixes(synth, stage, "payments", "dynamodb:PutItem") == PAYMENTS_WRITES
    assert granted_prefixes(synth, stage, "payments", "dynamodb:UpdateItem") == PAYMENTS_WRITES


@pytest.mark.parametrize("stage", STAGES)
def test_every_table_grant_is_limited_to_key_kinds_or_named_indexes(synth: Synth, stage: str) -> None:
    # Given every function's role
    for key in synth.logical_ids[stage]:
        for action in NEVER_GRANTED:
            assert not grants(synth, stage, key, action), f"{key} must not {action}"
        for statement in dynamodb_statements(synth, stage, key):
            resources_ = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            if "/index/" in str(resources_):
                # Then index grants are Query only, on indexes named one by one (no /index/*)
                assert actions(statement) == ["dynamodb:Query"], (key, statement)
                assert all("/index/*" not in str(r) for r in resources_), (key, statement)
            else:
                # Then item grants carry the LeadingKeys condition, never a wildcard action
                assert leading_keys(statement), f"{key} has a table grant without dynamodb:LeadingKeys: {statement}"
                assert all("*" not in a for a in actions(statement)), (key, statement)


@pytest.mark.parametrize("key", table_access.FUNCTIONS)
def test_the_template_grants_what_table_access_declares(synth: Synth, key: str) -> None:
    # Given the declaration of infra/table_access.py
    access = table_access.ACCESS[key]
    # Then each role gets exactly those actions on exactly those key kinds, and no other action
    for action in table_access.ITEM_ACTIONS:
        expected = set(access.read_prefixes) if action in access.read_actions else set()
        if action in access.write_actions:
            expected |= set(access.write_prefixes)
        assert granted_prefixes(synth, "prod", key, action) == expected, (key, action)


@pytest.mark.parametrize("stage", STAGES)
def test_the_pin_pepper_and_the_resident_key_are_read_only_by_their_functions(synth: Synth, stage: str) -> None:
    main = synth.deployments[stage].main
    for secret, readers in (
        (main.pin_pepper.secret, names.PIN_PEPPER_READERS),
        (main.resident_key.secret, names.RESIDENT_KEY_READERS),
    ):
        secret_id = logical_id(secret)
        for key in synth.logical_ids[stage]:
            reads = any(
                action == "secretsmanager:GetSecretValue" and secret_id in str(s.get("Resource"))
                for action, s in allowed(synth, stage, key)
            )
            assert reads is (key in readers), f"{key} {'must not read' if reads else 'needs'} {secret_id}"
