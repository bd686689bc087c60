"""The table in the template is the one shoken.table describes, and production keeps its data."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match, Template

from shoken import table as shape
from tests.infra.conftest import Synth, logical_id, only


def test_table_keys_billing_ttl_pitr_and_stream(synth: Synth) -> None:
    template = Template.from_json(synth.main("dev"))
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [
                {"AttributeName": shape.PARTITION_KEY, "KeyType": "HASH"},
                {"AttributeName": shape.SORT_KEY, "KeyType": "RANGE"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "TimeToLiveSpecification": {"AttributeName": shape.TTL_ATTRIBUTE, "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "SSESpecification": {"SSEEnabled": True},
        },
    )


def test_every_attribute_is_a_string_and_matches_the_shared_definition(synth: Synth) -> None:
    table = only(synth.main("dev"), "AWS::DynamoDB::Table")["Properties"]
    expected = shape.create_table_request("any")
    assert sorted(table["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == expected["AttributeDefinitions"]


@pytest.mark.parametrize("index", shape.INDEXES, ids=lambda i: i.name)
def test_every_index_with_its_keys_and_all_attributes(synth: Synth, index: shape.Index) -> None:
    indexes = only(synth.main("dev"), "AWS::DynamoDB::Table")["Properties"]["GlobalSecondaryIndexes"]
    assert {
        "IndexName": index.name,
        "KeySchema": [
            {"AttributeName": index.partition_key, "KeyType": "HASH"},
            {"AttributeName": index.sort_key, "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    } in indexes


def test_no_index_beyond_the_shared_definition(synth: Synth) -> None:
    indexes = only(synth.main("dev"), "AWS::DynamoDB::Table")["Properties"]["GlobalSecondaryIndexes"]
    assert sorted(i["IndexName"] for i in indexes) == sorted(i.name for i in shape.INDEXES)


def test_production_table_refuses_deletion_and_outlives_its_stack(synth: Synth) -> None:
    Template.from_json(synth.main("prod")).has_resource(
        "AWS::DynamoDB::Table",
        {
            "Properties": Match.object_like({"DeletionProtectionEnabled": True}),
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_development_table_is_disposable(synth: Synth) -> None:
    table = only(synth.main("dev"), "AWS::DynamoDB::Table")
    assert table["Properties"].get("DeletionProtectionEnabled") in (None, False)
    assert table["DeletionPolicy"] == "Delete"


def test_buckets_are_private_encrypted_and_tls_only(synth: Synth) -> None:
    template = synth.main("dev")
    buckets = {k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::S3::Bucket"}
    assert len(buckets) == 4  # access logs, exports, uploads, web
    for bucket_id, bucket in buckets.items():
        properties = bucket["Properties"]
        assert properties["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }, bucket_id
        assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"], bucket_id
    policies = [p["Properties"] for p in template["Resources"].values() if p["Type"] == "AWS::S3::BucketPolicy"]
    for bucket_id in buckets:
        statements = next(p["PolicyDocument"]["Statement"] for p in policies if p["Bucket"] == {"Ref": bucket_id})
        assert any(
            s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            for s in statements
        ), bucket_id


def test_exports_expire_after_the_configured_days(synth: Synth) -> None:
    config = synth.deployments["dev"].config
    exports_id = logical_id(synth.deployments["dev"].main.storage.exports)
    rules = synth.main("dev")["Resources"][exports_id]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert {"ExpirationInDays": config.export_retention_days, "Status": "Enabled"} in rules
