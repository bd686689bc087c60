"""The single table's shape, read by the CDK stack, the local server and the tests, so all three agree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PARTITION_KEY = "PK"
SORT_KEY = "SK"
TTL_ATTRIBUTE = "expires_at_epoch"


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str
    purpose: str


# History indexes share one sort key (`hist_sk` = "<UTC ISO time>#<transaction number>") so that a
# transaction written once appears, newest first, in the partition of each scope that may see it.
HISTORY_SORT_KEY = "hist_sk"

INDEXES: tuple[Index, ...] = (
    Index("by_store", "hist_store", HISTORY_SORT_KEY, "transactions of one store, by month"),
    Index("by_company", "hist_company", HISTORY_SORT_KEY, "transactions of one company, by month"),
    # `ACQ#<committee>#<day>#<shard>`: a committee's JST day split over shoken.db.keys.HISTORY_SHARDS
    # partitions by transaction number, so a country-wide programme's writes spread (issue 13.8).
    Index("by_committee", "hist_committee", HISTORY_SORT_KEY, "transactions of one committee, by day and shard"),
    Index("by_terminal", "hist_terminal", HISTORY_SORT_KEY, "transactions of one terminal, by month"),
    Index("by_wallet", "hist_wallet", HISTORY_SORT_KEY, "transactions of one citizen's wallet, by month"),
    Index("list1", "L1PK", "L1SK", "entity lists: companies, stores, terminals, users, jobs, audit"),
    Index("list2", "L2PK", "L2SK", "second list for entities listed two ways (store by company and committee)"),
)


def index(name: str) -> Index:
    for candidate in INDEXES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def create_table_request(table_name: str) -> dict[str, Any]:
    """The CreateTable request for moto and tests; infra/constructs/data.py builds the same shape in CDK."""
    attributes = {PARTITION_KEY, SORT_KEY}
    for idx in INDEXES:
        attributes.update((idx.partition_key, idx.sort_key))
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        "KeySchema": [
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": idx.name,
                "KeySchema": [
                    {"AttributeName": idx.partition_key, "KeyType": "HASH"},
                    {"AttributeName": idx.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for idx in INDEXES
        ],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }
