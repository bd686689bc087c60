"""The history search and its rows: request and response models shared by the screen and the exports."""

from typing import Annotated, Any, Literal, Self

from pydantic import Field

from shoken.db.dynamo import Item
from shoken.txn_types import TxnStatus, TxnType
from shoken.validation import QueryInt, Schema

TYPE_CODES = "|".join(t.value for t in TxnType)
# A page's cursor travels in the URL; it carries the rows a committee-wide page read and did not
# return (shoken.history_search), as many as fit in this.
CURSOR_CHARS = 3000


# 取引日時: a day, or a day and a time (YYYY-MM-DD or YYYY/MM/DD, then HH:MM or HH:MM:SS).
When = Annotated[str | None, Field(pattern=r"^[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$")]


class HistorySearch(Schema):
    """取引履歴一覧の検索条件 (every field of the manual's search form)."""

    date_from: When = None
    date_to: When = None
    number: str | None = Field(default=None, max_length=30)
    status: Literal["", "done", "cancelled"] = ""
    types: str | None = Field(default=None, max_length=300, pattern=rf"^(({TYPE_CODES})(,({TYPE_CODES}))*)?$")
    committee: str | None = Field(default=None, max_length=60)
    external_acquirer_id: str | None = Field(default=None, max_length=40)
    company: str | None = Field(default=None, max_length=100)
    store: str | None = Field(default=None, max_length=100)
    external_store_id: str | None = Field(default=None, max_length=40)
    terminal_id: str | None = Field(default=None, max_length=20)
    external_terminal_id: str | None = Field(default=None, max_length=40)
    user_id: str | None = Field(default=None, max_length=20)
    external_user_id: str | None = Field(default=None, max_length=60)
    service_name: str | None = Field(default=None, max_length=60)
    campaign_name: str | None = Field(default=None, max_length=60)
    grant_name: str | None = Field(default=None, max_length=60)
    cursor: str | None = Field(default=None, max_length=CURSOR_CHARS)
    page_size: QueryInt = Field(default=50, ge=1, le=200)


class Row(Schema):
    """One line of 取引履歴一覧, with the manual's columns and the value breakdown."""

    occurred_at: str
    number: str
    status: str
    status_label: str
    txn_type: str
    txn_type_label: str
    committee_name: str | None = None
    company_name: str | None = None
    store_name: str | None = None
    terminal_id: str | None = None
    user_id: str | None = None
    amount: int
    service_name: str | None = None
    prepaid: int
    bonus: int
    grant: int
    common: int
    dedicated: int


class Page(Schema):
    items: list[Row]
    next_cursor: str | None = None
    read: int  # items DynamoDB evaluated for this page (read cost), for the curious and for bench
    index: str  # which index served the search


class Detail(Row):
    committee_id: str
    external_acquirer_id: str | None = None
    company_id: str | None = None
    store_id: str | None = None
    external_store_id: str | None = None
    external_terminal_id: str | None = None
    external_user_id: str | None = None
    campaign_name: str | None = None
    grant_name: str | None = None
    programme_name: str | None = None
    method: str | None = None
    operator_login: str | None = None
    original_number: str | None = None
    cancelled_by: str | None = None
    cancelled_at: str | None = None
    cancellable: bool
    cancel_deadline: str | None = None


class WalletLine(Schema):
    """One line of a citizen's own history (the wallet's 利用履歴, and アプリユーザ詳細 in the console)."""

    number: str
    occurred_at: str
    txn_type: str
    txn_type_label: str
    status: str
    status_label: str
    amount: int  # signed: + adds to the wallet, - takes from it
    store_name: str | None = None
    campaign_name: str | None = None

    @classmethod
    def of(cls, record: Item) -> Self:
        return cls(
            **labelled(record),
            amount=TxnType(record["txn_type"]).sign * int(record["amount"]),
            store_name=record.get("store_name"),
            campaign_name=record.get("campaign_name"),
        )


def labelled(record: Item) -> dict[str, Any]:
    """What every line of a history shows of a transaction: its number, time, type and state, each
    with its Japanese label."""
    txn_type, status = TxnType(record["txn_type"]), TxnStatus(record["status"])
    return {
        "number": str(record["number"]),
        "occurred_at": str(record["occurred_at"]),
        "txn_type": txn_type.value,
        "txn_type_label": txn_type.label,
        "status": status.value,
        "status_label": status.label,
    }
