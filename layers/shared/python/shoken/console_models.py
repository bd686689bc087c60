"""Models both console functions (admin, programme) use: a job's progress, a wallet's balance lines
and the fields a resident is matched by. Written without `from __future__ import annotations`
(shoken.validation)."""

from pydantic import Field

from shoken.validation import Schema


class JobCreated(Schema):
    line: int
    id: str
    name: str


class JobError(Schema):
    line: int
    column: str
    reason: str


class JobView(Schema):
    job_id: str
    job_kind: str
    label: str
    state: str
    state_label: str
    done_count: int
    total_count: int
    message: str | None = None
    error_count: int = 0
    errors: list[JobError] = Field(default_factory=list)
    created: list[JobCreated] = Field(default_factory=list)  # 登録結果: the IDs a bulk upload made
    file_name: str | None = None
    created_at: str
    updated_at: str


class BalanceLine(Schema):
    voucher_type: str
    voucher_type_label: str
    expires_on: str
    programme_id: str
    balance: int


class ResidentFields(Schema):
    """The three fields a programme's resident list is matched by, as typed at the counter."""

    resident_key: str = Field(min_length=1, max_length=40)
    name_kana: str = Field(min_length=1, max_length=120)
    birth_date: str = Field(min_length=1, max_length=20)
