"""Each function's AWS permissions (SPEC §7): least privilege, and the two lines that must never move:
payments cannot reach S3 or SES, history cannot write anything but export jobs and audit entries."""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

import pytest

from infra import names
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
def test_history_writes_only_jobs_and_audit_entries(synth: Synth, stage: str) -> None:
    expected_keys = sorted(f"{prefix}*" for prefix in names.HISTORY_WRITABLE_KEY_PREFIXES)
    assert expected_keys == ["AUDIT#*", "JOB#*"]
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
            ["dynamodb:PutItem", "ses:SendEmail", "s3:PutObject", "s3:GetObject", "secretsmanager:GetSecretValue"],
            [],
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


def test_workers_permissions_when_present(synth: Synth) -> None:
    if names.WORKER_STREAM.key not in synth.logical_ids["dev"]:
        pytest.skip("functions/workers does not exist yet")
    for key in (names.WORKER_STREAM.key, names.WORKER_SCHEDULE.key):
        for action in ("dynamodb:PutItem", "s3:PutObject", "s3:GetObject", "ses:SendEmail"):
            assert grants(synth, "dev", key, action), f"{key} needs {action}"
    assert grants(synth, "dev", names.WORKER_STREAM.key, "dynamodb:GetRecords")
