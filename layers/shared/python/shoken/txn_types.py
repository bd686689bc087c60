"""Transaction kinds (取引区分) and states (取引状態) with the labels of the manual's history screen."""

from __future__ import annotations

from enum import StrEnum


class TxnType(StrEnum):
    CHARGE = "charge"
    PAYMENT = "payment"
    PREPAID_PAYMENT = "prepaid_payment"
    ADJUST_LAPSE = "adjust_lapse"
    ADJUST_ADD = "adjust_add"
    ADJUST_SUB = "adjust_sub"
    BONUS_GRANT = "bonus_grant"
    CAMPAIGN_GRANT = "campaign_grant"
    CAMPAIGN_GRANT_CANCEL = "campaign_grant_cancel"
    STORE_CHARGE = "store_charge"
    # A winner's purchase paid by bank transfer, credited from the deposit list (入金データ取込). Before
    # it had its own kind it was stored as a store_charge with channel=bank_transfer; those stay so.
    TRANSFER_CHARGE = "transfer_charge"
    CHARGE_CANCEL = "charge_cancel"
    PAYMENT_CANCEL = "payment_cancel"
    LAPSE = "lapse"

    @property
    def label(self) -> str:
        return TYPE_LABELS[self]

    @property
    def sign(self) -> int:
        """+1 if the transaction adds value to the wallet, -1 if it takes value away."""
        return -1 if self in _DEBITS else 1


TYPE_LABELS: dict[TxnType, str] = {
    TxnType.CHARGE: "チャージ",
    TxnType.PAYMENT: "決済",
    TxnType.PREPAID_PAYMENT: "プリペイド決済",
    TxnType.ADJUST_LAPSE: "残高調整/失効",
    TxnType.ADJUST_ADD: "残高調整(加算)",
    TxnType.ADJUST_SUB: "残高調整(減算)",
    TxnType.BONUS_GRANT: "ボーナス付与",
    TxnType.CAMPAIGN_GRANT: "キャンペーン付与",
    TxnType.CAMPAIGN_GRANT_CANCEL: "キャンペーン付与取消",
    TxnType.STORE_CHARGE: "店頭チャージ",
    TxnType.TRANSFER_CHARGE: "振込購入",
    TxnType.CHARGE_CANCEL: "チャージ取消",
    TxnType.PAYMENT_CANCEL: "決済取消",
    TxnType.LAPSE: "残高失効",
}

_DEBITS = frozenset(
    {
        TxnType.PAYMENT,
        TxnType.PREPAID_PAYMENT,
        TxnType.ADJUST_LAPSE,
        TxnType.ADJUST_SUB,
        TxnType.CAMPAIGN_GRANT_CANCEL,
        TxnType.CHARGE_CANCEL,
        TxnType.LAPSE,
    }
)


# Purchases of units that チャージ取消 takes back, under the same rules (nothing spent, nothing lapsed).
PURCHASES = frozenset({TxnType.STORE_CHARGE, TxnType.TRANSFER_CHARGE})


class TxnStatus(StrEnum):
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"done": "正常", "cancelled": "取消済み"}[self.value]
