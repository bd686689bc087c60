"""Every state an item can be in, in one place (issue 21.6): the values stored in the table and
compared in code come from these enums, never from string literals. Each is a StrEnum, so a stored
"active" and Status.ACTIVE are equal and an item read back needs no conversion.

The Japanese labels the screens show for a state live beside it, so a new state cannot be added
without its label. A transaction's own state (正常 / 取消済み) is txn_types.TxnStatus."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """The `status` of a user, company, store, terminal, programme, notice, wallet or card."""

    ACTIVE = "active"
    SUSPENDED = "suspended"  # 利用停止 by the committee or the company (user, store, terminal, wallet)
    BLOCKED = "blocked"  # a card (and its wallet) reported lost or stolen
    REPLACED = "replaced"  # an old card after its reissue
    MOVED = "moved"  # a card whose value moved into an app wallet
    ERASED = "erased"  # a wallet whose personal data was erased (個人情報削除)
    WITHDRAWN = "withdrawn"  # a notice taken down before its end date (取下げ)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.ACTIVE: "有効",
    Status.SUSPENDED: "利用停止",
    Status.BLOCKED: "利用停止(紛失・盗難)",
    Status.REPLACED: "再発行済み(旧カード)",
    Status.MOVED: "アプリへ移行済み",
    Status.ERASED: "個人情報削除済み",
    Status.WITHDRAWN: "取下げ",
}

# What a card can be in (a subset of Status).
CARD_STATES = (Status.ACTIVE, Status.BLOCKED, Status.REPLACED, Status.MOVED)


class JobState(StrEnum):
    """The `state` of a background job (db/jobs.py)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    PAUSED = "paused"


class DrawState(StrEnum):
    """A sale programme's `draw_state` and `round2_state`: absent until the draw's job has written
    every result."""

    DRAWING = "drawing"  # the seed is stored and the job queued
    DRAWN = "drawn"


class RequestState(StrEnum):
    """The `state` of a payment request a wallet or a till waits on (the CPM QR's, the MPM request's)."""

    WAITING = "waiting"  # a wallet's QR not yet read
    OPEN = "open"  # a till's MPM request not yet paid
    PAID = "paid"
    EXPIRED = "expired"


class PayoutState(StrEnum):
    """The `state` of a payout run (精算)."""

    CREATED = "created"
    PAID = "paid"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return PAYOUT_STATE_LABELS[self]


PAYOUT_STATE_LABELS = {PayoutState.CREATED: "作成済み", PayoutState.PAID: "振込済み", PayoutState.CANCELLED: "取消"}


class DrawResult(StrEnum):
    """What a resident's application came to after the draw (当選 / 落選)."""

    WON = "won"
    LOST = "lost"


def status_label(value: object) -> str:
    """The screens' word for a stored `status`; the value itself if it is none of Status."""
    try:
        return Status(str(value)).label
    except ValueError:
        return str(value)


class MailState(StrEnum):
    """The `state` of a mail's once-only marker (失効お知らせ, 抽選結果): being sent under a lease, sent,
    or refused by SES (a re-run tries it again)."""

    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
