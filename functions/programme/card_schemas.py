"""Request and response models of the card routes (カード型, issue 16)."""

from pydantic import Field

from shoken.console_models import BalanceLine
from shoken.validation import BodyInt, Schema

PIN_FIELD = Field(default=None, pattern=r"^[0-9]{4}$")
HOLDER_NAME = Field(default=None, max_length=20)  # printed on the sheet only, never stored


class CardResident(Schema):
    resident_key: str = Field(min_length=1, max_length=40)
    name_kana: str = Field(min_length=1, max_length=120)
    birth_date: str = Field(min_length=1, max_length=20)
    holder_name: str | None = HOLDER_NAME


class CardIssueRequest(Schema):
    """窓口でのカード発行: for a resident of a programme's list (searched by the same fields), or, with
    no programme, for a resident the clerk has identified in person. PIN chosen, or generated if empty."""

    committee_id: str | None = Field(default=None, max_length=20)  # the system admin names the city
    programme_id: str | None = Field(default=None, min_length=1, max_length=20)
    resident: CardResident | None = None
    holder_name: str | None = HOLDER_NAME
    pin: str | None = PIN_FIELD
    reason: str | None = Field(default=None, max_length=40)


class CardBatchRequest(Schema):
    """一括発行 from the programme's resident list: the rows of the list (the same CSV columns) whose
    residents get a card; PINs are generated and printed on each sheet."""

    programme_id: str = Field(min_length=1, max_length=20)
    rows: list[CardResident] = Field(min_length=1, max_length=100)
    reason: str = Field(max_length=40)


class CardReissueRequest(Schema):
    holder_name: str | None = HOLDER_NAME
    pin: str | None = PIN_FIELD


class CardLinkRequest(Schema):
    """アプリへの移行: the app wallet's ユーザID (shown in the app's menu)."""

    wallet_id: str = Field(pattern=r"^[0-9]{12}$")


class CardView(Schema):
    card_number: str
    card_number_display: str
    wallet_id: str
    committee_id: str
    status: str
    status_label: str
    pin_locked: bool
    pin_failures: int
    balance: int
    issued_at: str
    replaces: str | None = None
    moved_to: str | None = None


class CardDetail(CardView):
    balances: list[BalanceLine]
    daily_limit: int
    spent_today: int


class CardSheet(Schema):
    """The issued cards and their sheet: the only time the secrets exist outside the card itself."""

    cards: list[CardView]
    skipped: list[int] = Field(default_factory=list)  # batch: the row numbers whose resident already holds a card
    # the rows (1 at the counter) whose card an earlier request wrote and failed before its sheet was made:
    # printed again with new secrets and PIN (the old ones were never seen)
    printed_again: list[int] = Field(default_factory=list)
    file_name: str
    content_type: str = "application/pdf"
    content_base64: str


class CardSettings(Schema):
    daily_limit: BodyInt = Field(ge=1_000, le=1_000_000)


class CardSettingsView(CardSettings):
    committee_id: str
