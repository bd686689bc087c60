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
    # --- 申込・抽選・購入 (shoken/sale.py, redemption.py; functions/admin/sale.py, deposits.py) ---
    "resident_list_missing": Message(
        409,
        "この事業の住民名簿はまだ取り込まれていません。",
        "The resident list of this programme has not been imported yet.",
    ),
    "not_on_resident_list": Message(
        400,
        "入力された内容が住民名簿と一致しません。住民番号・氏名カナ・生年月日をご確認ください。",
        "The details do not match the resident list. Please check the resident number, name (kana) and birth date.",
    ),
    "not_on_resident_list.left": Message(
        400,
        "この引換コードの方は現在の住民名簿に載っていません。実行委員会へお問い合わせください。",
        "The person of this redemption code is not on the current resident list. Please contact the committee.",
    ),
    "eligibility_taken": Message(
        409,
        "この方の申込資格は、既に別のアプリまたは窓口で登録されています。",
        "This person's eligibility has been registered already by another app or at the counter.",
    ),
    "eligibility_taken.wallet": Message(
        409,
        "このアプリは既に別の方の申込資格を登録しています。",
        "This app has registered another person's eligibility already.",
    ),
    "eligibility_taken.app": Message(
        409,
        "この方はアプリで申込資格を登録済みです。アプリから申し込んでください。",
        "This person registered eligibility in the app. Please apply in the app.",
    ),
    "not_eligible": Message(
        403,
        "申込資格が確認されていません。先に住民情報を入力して申込資格を確認してください。",
        "Eligibility has not been confirmed. Please enter your resident details to confirm it first.",
    ),
    "outside_application_window": Message(
        409,
        "申込期間 ({start} ～ {end}) 外のため、申込・変更・取消はできません。",
        "Outside the application period ({start} to {end}): applications cannot be made, changed or withdrawn.",
    ),
    "outside_application_window.closed": Message(
        409,
        "申込は締め切られました。申込・変更・取消はできません。",
        "Applications are closed: they cannot be made, changed or withdrawn.",
    ),
    "over_purchase_limit": Message(
        400, "申込冊数は1冊から{limit}冊までです。", "Between 1 and {limit} units can be applied for."
    ),
    "already_applied": Message(409, "この方は既に申し込んでいます。", "This person has applied already."),
    "already_applied.counter": Message(
        409, "この方は既に窓口で申し込んでいます。", "This person has applied at the counter already."
    ),
    "no_application": Message(409, "申込がありません。", "There is no application."),
    "no_sale": Message(
        404,
        "この事業は申込・抽選による販売を行っていません。",
        "This programme is not sold by application and lottery.",
    ),
    "draw_before_close": Message(
        409,
        "申込期間 ({apply_end} まで) が終わっていないため、抽選できません。",
        "The application period (until {apply_end}) is not over, so the lottery cannot be drawn.",
    ),
    "already_drawn": Message(
        409, "この事業の抽選は既に行われています。", "This programme's lottery has been drawn already."
    ),
    "already_drawn.running": Message(
        409,
        "この事業の抽選は処理中です。完了までお待ちください。",
        "The lottery is being drawn. Please wait until it is done.",
    ),
    "already_drawn.round2": Message(409, "二次抽選は既に行われています。", "The second round has been drawn already."),
    "already_drawn.settings": Message(
        409, "抽選後は申込期間を変更できません。", "The application period cannot be changed after the lottery."
    ),
    "not_drawn": Message(
        409,
        "抽選が終わっていないため、この操作はできません。",
        "The lottery has not been drawn yet, so this cannot be done.",
    ),
    "not_drawn.purchase": Message(
        409,
        "この事業は抽選による販売です。抽選が終わるまで購入(チャージ)はできません。",
        "This programme is sold by lottery: it cannot be bought (charged) until the lottery is drawn.",
    ),
    "not_drawn.deposits": Message(
        409,
        "抽選が終わるまで入金データは取り込めません。",
        "Deposit lists cannot be imported until the lottery is drawn.",
    ),
    "already_closed": Message(409, "申込は既に締め切られています。", "Applications are closed already."),
    "already_closed.settings": Message(
        409,
        "申込を締め切った後は申込期間を変更できません。",
        "The application period cannot be changed after applications are closed.",
    ),
    "not_a_winner": Message(
        409,
        "この方は抽選に当選していないため、この事業の商品券は購入(チャージ)できません。",
        "This person did not win the lottery, so this programme's vouchers cannot be bought (charged).",
    ),
    "purchase_deadline_passed": Message(
        409,
        "購入期限 ({deadline}) を過ぎたため、当選分は購入できません。",
        "The purchase deadline ({deadline}) has passed, so the units won cannot be bought.",
    ),
    "over_allocation": Message(
        409,
        "当選冊数 {won}冊のうち、購入できるのは残り{left}冊です。",
        "Of the {won} units won, {left} can still be bought.",
    ),
    "purchase_open": Message(
        409,
        "購入期限 ({deadline}) が過ぎてから二次抽選を行えます。",
        "The second round can be drawn once the purchase deadline ({deadline}) has passed.",
    ),
    "allocation_changed": Message(
        409,
        "当選分の購入が同時に処理されました。画面を更新して残りの冊数をご確認ください。",
        "A purchase of the units won was made at the same time. Please reload to see the units left.",
    ),
    "redemption_code_invalid": Message(
        400,
        "引換コードが正しくありません。お手元の通知に記載の12文字をご確認ください。",
        "The redemption code is not correct. Please check the 12 characters on your notice.",
    ),
    "redemption_code_used": Message(
        409, "この引換コードは既に使われています。", "This redemption code has been used already."
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
