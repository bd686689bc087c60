"""The message catalogue: for each code of a DomainError (shoken.errors), its HTTP status and what it
says to a person, in Japanese and in English (the English wallet asks with X-Shoken-Language: en).
The edge answers with the message of the caller's language; the UIs show the message the answer
carries, so each text lives only here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("ja", "en")


@dataclass(frozen=True)
class Message:
    status: int
    ja: str  # str.format template over the error's facts
    en: str


CATALOGUE: dict[str, Message] = {
    # --- the ledger (db/ledger.py) ---
    "wallet_suspended": Message(403, "このアプリユーザは利用停止中です。", "This wallet is suspended."),
    "wallet_suspended.qr": Message(
        403,
        "このアカウントは利用停止中のため、QRコードを表示できません。",
        "This account is suspended, so no payment QR code can be shown.",
    ),
    "purchase_limit_exceeded": Message(
        409,
        "お一人あたりの購入上限を超えるため、チャージできません。",
        "This would exceed the purchase limit per person, so it cannot be charged.",
    ),
    "charge_already_spent": Message(
        409,
        "このチャージの一部が既に利用されているため、取り消せません。",
        "Part of this charge has been spent already, so it cannot be cancelled.",
    ),
    "already_cancelled": Message(409, "この取引は既に取り消されています。", "This transaction is cancelled already."),
    # --- money rules (money.py) and the payment (payment.py) ---
    "insufficient_balance": Message(
        409,
        "残高が不足しています。この店舗でご利用可能な金額を超えています。",
        "Not enough balance: the amount is more than can be used at this store.",
    ),
    "insufficient_balance.here": Message(
        409,
        "残高が不足しています。この店舗でご利用可能な金額は {available:,}円です。",
        "Not enough balance. The amount usable at this store is ¥{available:,}.",
    ),
    "qr_unknown": Message(
        400,
        "このQRコードは無効です。利用者アプリで新しいQRコードを表示してもらってください。",
        "This QR code is not valid. Please show a new QR code in the wallet.",
    ),
    "qr_expired": Message(
        400,
        "QRコードの有効期限が切れています。利用者アプリで新しいQRコードを表示してもらってください。",
        "This QR code has expired. Please show a new QR code in the wallet.",
    ),
    "qr_used": Message(
        409,
        "このQRコードは使用済みです。利用者アプリで新しいQRコードを表示してもらってください。",
        "This QR code has been used already. Please show a new QR code in the wallet.",
    ),
    "wallet_other_service": Message(
        400,
        "このQRコードはこの加盟店では利用できない商品券のものです。",
        "This QR code is for vouchers that cannot be used at this store.",
    ),
    "mpm_expired": Message(
        400,
        "お支払いの受付時間が過ぎました。お店の方に新しいQRコードを表示してもらってください。",
        "The time to pay has passed. Please ask the store staff to show a new QR code.",
    ),
    "mpm_paid": Message(409, "このお支払いは完了しています。", "This payment is complete already."),
    # --- 決済取消 (functions/payments/cancel.py) ---
    "cancel_window_passed": Message(
        409,
        "取消可能期間(決済から90日間)を過ぎているため、取り消せません。",
        "The time to cancel (90 days from the payment) has passed, so it cannot be cancelled.",
    ),
    "not_cancellable": Message(409, "この取引は取り消しできません。", "This transaction cannot be cancelled."),
    "cancel_value_moved": Message(
        409,
        "支払ったカードの残高が再発行・アプリへの移行で重ねて移されているため、この取引は取り消せません。"
        "委員会事務局にお問い合わせください。",
        "The paying card's value has been moved on more than once (reissue, move to the app), so this "
        "payment cannot be cancelled. Please contact the committee office.",
    ),
    # --- programmes (functions/admin/programmes.py) ---
    "programme_terms_frozen": Message(
        409,
        "販売または申込の開始後は、販売価格・商品券の額・販売開始日・利用期間を変更できません。"
        "販売済みの商品券と条件が変わってしまうためです。",
        "Once sales or applications have started, the price, the value, the first day of sale and the use "
        "period cannot be changed: vouchers already sold would no longer match.",
    ),
    # --- idempotency (db/idempotency.py) ---
    "idempotency_key_reused": Message(
        409,
        "同じ操作キーで異なる内容の操作が送信されました。画面を再読み込みしてから、もう一度操作してください。",
        "A different request was sent with the same operation key. Please reload the screen and try again.",
    ),
    # --- 取引履歴, ファイルダウンロード and 集計 (shoken.history_errors) ---
    "invalid_request.history_date_format": Message(
        400, "取引日時の形式が正しくありません。", "The date and time of the search are not in a valid format."
    ),
    "invalid_request.history_date_order": Message(
        400, "取引日時の終了が開始より前です。", "The end of the search period is before its start."
    ),
    "range_too_long": Message(
        400,
        "取引日時の指定可能期間は{days}日間です。期間を短くしてください。",
        "A search covers at most {days} days. Please choose a shorter period.",
    ),
    "invalid_request.history_number_format": Message(
        400, "取引番号は18桁の数字で入力してください。", "A transaction number is 18 digits."
    ),
    "not_found.history_transaction": Message(404, "取引が見つかりません。", "The transaction was not found."),
    "forbidden.reports_committee_only": Message(
        403, "集計はアクワイアラ管理者のみ利用できます。", "Reports are for the committee's administrators only."
    ),
    "invalid_request.report_committee": Message(400, "アクワイアラを指定してください。", "Please choose a committee."),
    "invalid_request.report_period_format": Message(
        400, "期間の形式が正しくありません。", "The period is not in a valid format."
    ),
    "invalid_request.report_period_order": Message(
        400, "期間の終了日が開始日より前です。", "The last day of the period is before its first day."
    ),
    "invalid_request.report_period_too_long": Message(
        400, "期間は{days}日以内で指定してください。", "A report covers at most {days} days."
    ),
    "forbidden.daily_merchant_only": Message(
        403, "日計は加盟店アプリで利用できます。", "The day's totals are shown in the merchant app."
    ),
    "invalid_request.daily_date_format": Message(400, "日付の形式が正しくありません。", "The date is not valid."),
    "invalid_request.reference_date_format": Message(
        400, "基準日の形式が正しくありません。", "The reference date is not valid."
    ),
    "invalid_request.reference_date_future": Message(
        400,
        "基準日に未来の日付は指定できません。本日以前の日付を指定してください。",
        "The reference date cannot be in the future. Please choose today or an earlier day.",
    ),
    "not_found.export_file": Message(404, "ファイルが見つかりません。", "The file was not found."),
    "invalid_request.export_not_ready": Message(400, "ファイルはまだ作成中です。", "The file is still being made."),
    "not_found.export_expired": Message(
        404,
        "ファイルの保存期間が過ぎました。もう一度ダウンロード予約をしてください。",
        "The file is no longer kept. Please reserve the download again.",
    ),
}


def entry(key: str) -> Message:
    return CATALOGUE[key]


def text(key: str, facts: Mapping[str, Any], language: str = "ja") -> str:
    """What the error says, in `language` (Japanese unless English is asked for)."""
    template = CATALOGUE[key].en if language == "en" else CATALOGUE[key].ja
    return template.format(**facts)
