"""Request and response models of the programme function's routes (住民名簿, 販売, 入金). Written
without `from __future__ import annotations` (shoken.validation)."""

from typing import Literal

from pydantic import Field

from shoken.console_models import JobView, ResidentFields
from shoken.validation import BodyInt, Day, Schema


# --- resident lists (住民名簿, issues 15/23) ---------------------------------------------
class ResidentUploadDiff(Schema):
    added: int
    removed: int
    unchanged: int
    added_lines: list[int]  # the file's lines of the residents added (the first 200)


class ResidentUploadView(JobView):
    diff: ResidentUploadDiff | None = None


class ResidentUploadList(Schema):
    items: list[ResidentUploadView]


class ResidentListView(Schema):
    programme_id: str
    listed: bool  # whether the programme has a resident list
    count: int = 0
    uploaded_at: str | None = None
    uploaded_by: str | None = None
    file_name: str | None = None
    columns: list[str]  # the columns an upload must have, in any order
    reasons: dict[str, str]  # why personal data may be searched: code -> label


class ResidentSearch(ResidentFields):
    reason: str = Field(min_length=1, max_length=40)


class ResidentSearchResult(Schema):
    listed: bool
    message: str


class SaleSettings(Schema):
    apply_start: Day
    apply_end: Day
    units_on_sale: BodyInt = Field(ge=1, le=10_000_000)
    purchase_end: Day | None = None  # 購入期限 of the winners (None: the programme's sale end)


class DrawView(Schema):
    state: str  # drawing / drawn
    rule: str
    seed: str  # also in the audit log, written before the draw: anyone can recompute the result
    drawn_at: str | None = None
    applicants: int = 0
    winners: int = 0
    units_won: int = 0
    units_asked: int = 0
    job_id: str | None = None  # the job computing the result (its progress: GET …/sale until drawn)


class SaleCounts(Schema):
    eligible: int  # people on the resident list
    applications: int
    units_asked: int
    units_on_sale: int
    winners: int
    units_won: int
    units_paid: int  # of the units won, bought
    units_unpaid: int


class SecondRoundRequest(Schema):
    purchase_end: Day  # 二次抽選の購入期限


class SecondRoundView(Schema):
    state: str  # drawing / drawn
    seed: str
    purchase_end: str
    pool: int = 0  # units lapsed and drawn again
    applicants: int = 0
    winners: int = 0
    units_won: int = 0


class SaleView(Schema):
    programme_id: str
    limit_units: int  # お一人あたりの購入上限: the programme's own limit
    settings: SaleSettings | None = None
    draw: DrawView | None = None
    counts: SaleCounts | None = None
    second_round: SecondRoundView | None = None
    open: bool = False  # today is inside the 申込期間 and it was not closed early
    closed_at: str | None = None  # 締切 by the committee before the period's last day


class SaleJobList(Schema):
    items: list[JobView]  # the programme's draw and results-mail jobs, newest first


class DepositLine(Schema):
    """One deposit of an uploaded list: credited (with the charge's number) or why not (for the clerk)."""

    line: int
    day: str
    payer: str
    amount: int
    reference: str | None = None
    credited: bool = False
    number: str | None = None
    units: int | None = None
    reason: str | None = None


class DepositUpload(Schema):
    upload_id: str
    at: str
    by: str | None = None
    rows: int
    credited: int
    credited_amount: int
    items: list[DepositLine]


class DepositUploadList(Schema):
    items: list[DepositUpload]  # the programme's 入金データ取込, newest first


class DrawRequest(Schema):
    rule: Literal["lot", "equal_then_lot"]


class PaperApplication(ResidentFields):
    units: BodyInt = Field(ge=1, le=100)


class ApplicationView(Schema):
    programme_id: str
    units: int
    channel: str
    applied_at: str
