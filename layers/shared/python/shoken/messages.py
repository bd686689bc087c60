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
    # --- cards (shoken/cards.py): at the till, on the balance page, at the counter ---
    "card_unknown": Message(
        400,
        "このカードは登録されていません。実行委員会にお問い合わせください。",
        "This card is not registered. Please ask the committee.",
    ),
    "card_unknown.number": Message(
        400,
        "カード番号が正しくありません。16桁の番号をご確認ください。",
        "The card number is not right. Please check its 16 digits.",
    ),
    "card_unknown.pay_qr": Message(
        400,
        "読み取ったカードのQRコードが正しくありません。実行委員会にお問い合わせください。",
        "The card's QR code read is not right. Please ask the committee.",
    ),
    "card_unknown.balance_qr": Message(
        400, "残高確認用のQRコードが正しくありません。", "The balance QR code is not right."
    ),
    "card_unknown.balance_secret": Message(
        400,
        "残高確認用のQRコードが正しくありません。カードのQRコードをもう一度読み取ってください。",
        "The balance QR code is not right. Please read the card's QR code again.",
    ),
    "card_blocked": Message(
        403,
        "このカードは紛失・盗難の届出により利用停止中です。実行委員会にお問い合わせください。",
        "This card is suspended (reported lost or stolen). Please ask the committee.",
    ),
    "card_replaced": Message(
        403,
        "このカードは再発行により使えなくなりました。新しいカードをお使いください。",
        "This card was replaced by a new one. Please use the new card.",
    ),
    "card_moved": Message(
        403,
        "このカードの残高はアプリへ移行済みのため、カードは使えません。アプリのQRコードをお使いください。",
        "This card's balance was moved to the app. Please use the app's QR code.",
    ),
    "card_locked": Message(
        423,
        "暗証番号を5回間違えたため、このカードはロックされています。実行委員会の窓口でロック解除してください。",
        "This card is locked after 5 wrong PINs. Please have it unlocked at the committee's counter.",
    ),
    "card_pin_required": Message(
        400,
        "カードでのお支払いには暗証番号(4桁)の入力が必要です。",
        "Paying by card needs the card's 4-digit PIN.",
    ),
    "card_pin_wrong": Message(
        400,
        "暗証番号が違います。あと{left}回間違えるとカードがロックされます。",
        "Wrong PIN. {left} more wrong PINs lock the card.",
    ),
    "card_other_city": Message(
        400,
        "このカードは他の市区町村の商品券のカードのため、この加盟店では利用できません。",
        "This card is another city's, so it cannot be used at this store.",
    ),
    "card_balance_qr": Message(
        400,
        "読み取ったのは残高確認用のQRコードです。カードの「お支払い用」QRコードを読み取ってください。",
        "That is the card's balance QR code. Please read its payment QR code.",
    ),
    "card_payment_qr": Message(
        400,
        "これはお支払い用のQRコードです。残高確認には「残高確認用」QRコードを読み取ってください。",
        "That is the card's payment QR code. Please read its balance QR code to see the balance.",
    ),
    "card_daily_limit": Message(
        409,
        "カードの1日あたりの利用上限({limit:,}円)を超えるため、お支払いできません。本日あと{left:,}円まで利用できます。",
        "This is over the card's daily limit (¥{limit:,}): ¥{left:,} can still be paid today.",
    ),
    "weak_pin": Message(
        400,
        "暗証番号は推測されにくい4桁の数字にしてください(同じ数字の繰り返しや連番は使えません)。",
        "Please choose a PIN that is hard to guess (no repeated or consecutive digits).",
    ),
    "weak_pin.format": Message(400, "暗証番号は4桁の数字で入力してください。", "Please enter the PIN as 4 digits."),
    "card_already_issued": Message(
        409,
        "この方には既にカードが発行されています。紛失の場合はカードの利用停止と再発行を行ってください。",
        "This person has a card already. For a lost card, suspend it and issue a new one.",
    ),
    "card_target_not_app": Message(
        400,
        "移行先はアプリのユーザIDを指定してください(カードからカードへは再発行を使います)。",
        "Please name an app user to move to (a card to a card is a reissue).",
    ),
    "card_target_suspended": Message(
        409,
        "移行先のアプリユーザが利用停止中のため、移行できません。",
        "The app user to move to is suspended, so the card cannot be moved.",
    ),
    "invalid_cursor": Message(
        400, "ページ情報が正しくありません。検索をやり直してください。", "The page is not valid. Please search again."
    ),
    # --- 店頭チャージ of a lottery programme: the person at the counter and the wallet charged ---
    "won_units_in_other_wallet": Message(
        409,
        "この方の当選分は既に別のカード・アプリにチャージされています。"
        "同じカード・アプリにチャージするか、そのチャージを取り消してから指定し直してください。",
        "This person's won units were charged to another card or app already. Charge the same one,"
        " or cancel that charge first.",
    ),
    "wallet_of_another_person": Message(
        409,
        "このカード・アプリは別の方の申込資格に登録されています。ご本人のカード・アプリを指定してください。",
        "This card or app is registered to another person's eligibility. Please name the person's own.",
    ),
    "wallet_of_another_person.card": Message(
        409,
        "このカードは別の方に発行されたものです。ご本人のカードを指定してください。",
        "This card was issued to another person. Please name the person's own card.",
    ),
    "applied_in_app": Message(
        409,
        "この方はアプリで申し込んでいます。申し込んだアプリを指定してチャージしてください。",
        "This person applied in the app. Please charge the app the application was made in.",
    ),
    # --- passwords (shoken/passwords.py) ---
    "weak_password": Message(
        400,
        "英字と数字を混ぜた半角{minimum}文字以上で入力してください。",
        "Please use at least {minimum} half-width characters, mixing letters and digits.",
    ),
    "weak_password.login_id": Message(
        400, "ログインIDと同じパスワードは使用できません。", "The password cannot be the same as the login ID."
    ),
    "weak_password.common": Message(
        400,
        "よく使われているパスワードのため使用できません。別のパスワードを設定してください。",
        "This password is too common. Please choose another.",
    ),
    "password_mismatch": Message(
        400, "新しいパスワードとパスワード確認が一致しません。", "The new password and its confirmation differ."
    ),
    # --- admission (shoken/gate.py) ---
    "origin_rejected": Message(
        403,
        "このアドレスからは利用できません。サービスのURLから開いてください。",
        "This address cannot be used. Please open the service from its own URL.",
    ),
    "terminal_suspended": Message(
        403,
        "この端末は利用停止中です。実行委員会にお問い合わせください。",
        "This terminal is suspended. Please ask the committee.",
    ),
    "terminal_unbound": Message(
        401,
        "端末の設定が解除されました。端末IDとパスワードで再度設定してください。",
        "This terminal was unset. Please set it up again with its terminal ID and password.",
    ),
    "terminal_rebound": Message(
        401,
        "この端末IDが別のスマートフォン・タブレットで設定されたため、この機器ではログアウトしました。"
        "この機器で使う場合は、端末IDとパスワードで再度設定してください"
        " (設定し直すと、もう一方の機器がログアウトします)。",
        "This terminal ID was set up on another phone or tablet, so this device is signed out. To use it"
        " here, set it up again with the terminal ID and password (the other device is then signed out).",
    ),
    "store_suspended": Message(
        403,
        "この店舗は利用停止中です。実行委員会にお問い合わせください。",
        "This store is suspended. Please ask the committee.",
    ),
    "too_many_requests.wait": Message(
        429,
        "{limited:ja}{wait:ja}にもう一度お試しください。",
        "Too many tries{limited:en}. Please try again {wait:en}.",
    ),
    # --- busy (503, with Retry-After) ---
    "service_unavailable.aws": Message(
        503,
        "ただいま混み合っています。少し待ってから、もう一度お試しください。",
        "The service is busy. Please wait a moment and try again.",
    ),
    "service_unavailable.uncertain": Message(
        503,
        "通信が混み合っています。同じ画面のまま、もう一度お試しください。",
        "The connection is busy. Please try again from the same screen.",
    ),
    "service_unavailable.overlapped": Message(
        503,
        "他の操作と重なりました。もう一度お試しください。",
        "This overlapped with another operation. Please try again.",
    ),
    "service_unavailable.card_sheet": Message(
        503,
        "前回のカード発行の処理が終わっていません。{wait:ja}にもう一度お試しください。",
        "An earlier card issue for this resident is still being finished. Please try again {wait:en}.",
    ),
    "invalid_request.amount": Message(
        400,
        "金額は1円から{most:,}円までで入力してください。",
        "Please enter an amount from ¥1 to ¥{most:,}.",
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
    # --- admin console: who may do what (403) ---
    "forbidden.committee_admin": Message(
        403, "この操作はアクワイアラ管理者のみ行えます。", "Only a committee administrator can do this."
    ),
    "forbidden.system_admin": Message(
        403,
        "アクワイアラの登録はシステム管理者のみ行えます。",
        "Only a system administrator can register a committee.",
    ),
    "forbidden.app_users": Message(
        403,
        "アプリユーザの管理はアクワイアラ管理者のみ行えます。",
        "Only a committee administrator can manage app users.",
    ),
    "forbidden.cards": Message(
        403,
        "カードの発行・管理はアクワイアラ管理者のみ行えます。",
        "Only a committee administrator can issue and manage cards.",
    ),
    "forbidden.payouts": Message(
        403, "精算はアクワイアラ管理者のみ行えます。", "Only a committee administrator can run payouts."
    ),
    "forbidden.privacy": Message(
        403,
        "個人情報の管理はアクワイアラ管理者のみ行えます。",
        "Only a committee administrator can manage personal data.",
    ),
    "forbidden.store_details": Message(
        403,
        "店舗情報の更新は企業管理者以上が行えます。",
        "Store details are updated by a company administrator or above.",
    ),
    "forbidden.payout_account": Message(
        403,
        "振込先口座は企業管理者またはアクワイアラ管理者が登録します。",
        "A payout account is registered by a company or committee administrator.",
    ),
    "forbidden.payout_by": Message(
        403,
        "振込先の単位は企業管理者またはアクワイアラ管理者が選びます。",
        "Whom payouts go to is chosen by a company or committee administrator.",
    ),
    "forbidden.bulk_kind": Message(
        403, "{label}の一括登録を行う権限がありません。", "You may not bulk-register {label}."
    ),
    "forbidden.self": Message(403, "自分自身に対してこの操作はできません。", "You cannot do this to your own account."),
    "forbidden.higher": Message(
        403, "この操作は上位の管理者のみ行えます。", "Only a higher administrator can do this."
    ),
    # --- admin console: what is not there, or not the caller's to see (404) ---
    "not_found.committee": Message(404, "アクワイアラが見つかりません。", "No such committee."),
    "not_found.programme": Message(404, "商品券事業が見つかりません。", "No such voucher programme."),
    "not_found.company": Message(404, "企業が見つかりません。", "No such company."),
    "not_found.store": Message(404, "店舗が見つかりません。", "No such store."),
    "not_found.terminal": Message(404, "端末が見つかりません。", "No such terminal."),
    "not_found.admin_user": Message(404, "管理ユーザが見つかりません。", "No such admin user."),
    "not_found.app_user": Message(404, "アプリユーザが見つかりません。", "No such app user."),
    "not_found.app_user_email": Message(
        404,
        "このメールアドレスで登録されたアプリユーザはいません。利用者アプリでの登録を案内するか、ユーザIDまたはQRコードで指定してください。",
        "No app user has this email address: ask them to register in the wallet app, or give a user ID or QR code.",
    ),
    "not_found.link_target": Message(
        404,
        "移行先のアプリユーザが見つかりません。ユーザIDをご確認ください。",
        "The app user to move to was not found. Please check the user ID.",
    ),
    "not_found.card": Message(
        404, "カードが見つかりません。カード番号をご確認ください。", "No such card. Please check the card number."
    ),
    "not_found.transaction": Message(404, "取引が見つかりません。", "No such transaction."),
    "not_found.notice": Message(404, "お知らせが見つかりません。", "No such notice."),
    "not_found.payment_request": Message(404, "お支払いの情報が見つかりません。", "No such payment."),
    "not_found.qr_code": Message(404, "QRコードが見つかりません。", "No such QR code."),
    "not_found.payout": Message(404, "精算が見つかりません。", "No such payout."),
    "not_found.statement": Message(404, "支払通知書が見つかりません。", "No such payment statement."),
    "not_found.statement_company": Message(
        404, "この精算にはこの企業への支払がありません。", "This payout pays nothing to this company."
    ),
    "not_found.bulk_upload": Message(404, "一括登録が見つかりません。", "No such bulk registration."),
    "not_found.bulk_kind": Message(404, "登録する種類が見つかりません。", "No such kind of registration."),
    "not_found.resident_import": Message(404, "住民名簿の取込が見つかりません。", "No such resident list import."),
    # --- admin console: what was sent is not right (400) ---
    "invalid_request.file_empty": Message(400, "ファイルが空です。", "The file is empty."),
    "invalid_request.file_too_large": Message(
        400,
        "ファイルが大きすぎます (10MBまで)。ファイルを分けてください。",
        "The file is too large (10 MB at most). Please split it.",
    ),
    "invalid_request.resident_file_too_large": Message(
        400,
        "ファイルが大きすぎます (10MBまで)。",
        "The file is too large (10 MB at most).",
    ),
    "invalid_request.bulk_kind": Message(400, "登録する種類を選択してください。", "Please choose what to register."),
    "invalid_request.audit_period": Message(
        400,
        "期間は{days}日以内で指定してください。",
        "Please give a period of {days} days at most.",
    ),
    "invalid_request.card_rows": Message(
        400,
        "住民名簿と一致しない行が{count}件あります。カードは発行していません。",
        "{count} rows do not match the resident list. No card was issued.",
    ),
    "invalid_request.card_rows_twice": Message(
        400,
        "同じ方が2回以上含まれています。カードは発行していません。",
        "The same person is listed more than once. No card was issued.",
    ),
    "invalid_request.location": Message(
        400,
        "位置情報は緯度と経度の両方を入力してください。",
        "Please enter both the latitude and the longitude.",
    ),
    "invalid_request.payout_period": Message(
        400,
        "精算期間が{days}日を超えます。前の締め日の期間から順に確定してください。",
        "The payout period is longer than {days} days. Please confirm the earlier cut-off periods first.",
    ),
    "invalid_request.paid_date": Message(
        400,
        "振込日は締め日の後、今日までの日付を入力してください。",
        "The transfer date must be after the cut-off date and not after today.",
    ),
    "invalid_request.code_sheet_rows": Message(
        400,
        "{format}で一度に発行できるのは{limit:,}人までです。ファイルを分けてください。",
        "A {format} can be issued for {limit:,} people at a time. Please split the file.",
    ),
    "invalid_request.no_rows": Message(400, "発行する行がありません。", "There are no rows to issue."),
    "invalid_request.residents_erased": Message(
        400,
        "この事業の住民名簿は保存期間の経過により削除済みです。取り込めません。",
        "This programme's resident list was deleted at the end of its retention period, so it cannot be imported.",
    ),
    "invalid_request.wallets_unknown": Message(
        400,
        "登録のないユーザIDが{count:,}件あります。確認して指定し直してください。",
        "{count:,} user IDs are not registered. Please check them and try again.",
    ),
    "invalid_request.charge_wallet": Message(
        400,
        "アプリユーザを ユーザID・メールアドレス・QRコード・カード番号 のいずれかで指定してください。",
        "Please give the app user by user ID, email address, QR code or card number.",
    ),
    "invalid_request.email_reauth": Message(
        400,
        "メールアドレスの変更は「メールアドレス変更」から、現在のパスワードを入力して行ってください。",
        "Change the email address with Change email address, giving the current password.",
    ),
    "invalid_request.committee": Message(400, "アクワイアラを選択してください。", "Please choose the committee."),
    "invalid_request.notice_programme": Message(
        400, "対象の商品券事業を選択してください。", "Please choose the voucher programme."
    ),
    "invalid_request.notice_area": Message(
        400,
        "対象の地区を、登録済みの店舗の地区から選択してください。",
        "Please choose an area that registered stores are in.",
    ),
    "invalid_request.notice_audience": Message(
        400,
        "お知らせの対象は「すべての利用者」「商品券事業の保有者」「すべての加盟店」「地区の加盟店」から選択してください。",
        "Choose whom the notice is for: all residents, a programme's holders, all merchants or an area's merchants.",
    ),
    "invalid_request.notice_end_date": Message(400, "掲載終了日が過去の日付です。", "The end date is in the past."),
    # --- admin console: the record moved under the caller, or is there already (409) ---
    "already_exists.wallet_service": Message(
        409,
        "このウォレットサービスIDは既に使われています。",
        "This wallet service ID is in use already.",
    ),
    "conflict.card_status": Message(
        409,
        "カードの利用停止・再開は、カード詳細の「利用停止(紛失・盗難)」から行ってください。",
        "Suspend or resume a card from its card details (suspension for loss or theft).",
    ),
    "conflict.email_moved": Message(
        409,
        "メールアドレスが他の操作で変更されました。画面を再読み込みしてください。",
        "The email address was changed by another operation. Please reload the screen.",
    ),
    "conflict.card_stopped": Message(
        409,
        "このカードは既に利用停止されているか、使えなくなっています。",
        "This card is suspended already, or can no longer be used.",
    ),
    "conflict.card_not_blocked": Message(
        409,
        "利用停止中のカードではないため、利用再開できません。",
        "The card is not suspended, so it cannot be resumed.",
    ),
    "conflict.card_moved_on": Message(
        409,
        "このカードは既に再発行または移行されています。画面を更新してください。",
        "This card was reissued or moved already. Please reload the screen.",
    ),
    "conflict.card_balance_changed": Message(
        409, "カードの残高が変わりました。もう一度お試しください。", "The card's balance changed. Please try again."
    ),
    "conflict.notice_changed": Message(
        409,
        "他の管理者がこのお知らせを変更しました。画面を開き直してください。",
        "Another administrator changed this notice. Please open it again.",
    ),
    # --- admin console: other refusals of the shared layer, in this console's words ---
    "reason_required.card": Message(
        400, "住民名簿を照合する理由を選択してください。", "Please choose why the resident list is checked."
    ),
    "resident_file_rows.count": Message(
        400,
        "{count:,}件の誤りがあるため、引換コードを発行しませんでした。",
        "{count:,} errors were found, so no redemption code was issued.",
    ),
    "erasure_refused.erased_status": Message(
        409,
        "個人情報を削除したアプリユーザの状態は変更できません。",
        "An app user whose personal data was erased cannot change state.",
    ),
    "erasure_refused.deleted": Message(
        409,
        "この事業の個人情報は削除済みです。保存期間は変更できません。",
        "This programme's personal data is deleted already; its retention period cannot change.",
    ),
    "erasure_refused.not_lapsed": Message(
        409,
        "残高の失効処理がまだ終わっていません。失効処理の完了後に行ってください。",
        "The balances have not lapsed yet. Please do this once the lapse has finished.",
    ),
    # --- admin console: the console's own refusals ---
    "card_name_unprintable": Message(
        400,
        "台紙に印刷できない文字が氏名に含まれています。常用の漢字・かな・英数字で入力してください。",
        "The name has characters the card sheet cannot print. Please use common kanji, kana, letters and digits.",
    ),
    "outside_sale_period": Message(
        409, "販売期間外のため、チャージできません。", "Outside the sale period, so it cannot be charged."
    ),
    "charge_lapsed": Message(
        409,
        "このチャージの利用期限が過ぎ、残額は失効しているため、取り消せません。",
        "This charge's usage period is over and what was left has lapsed, so it cannot be cancelled.",
    ),
    "notice_closed": Message(
        409,
        "掲載期間が終了したか取り下げたお知らせは、変更できません。",
        "A notice whose period has ended, or that was withdrawn, cannot be changed.",
    ),
    "email_change_not_found": Message(
        409,
        "メールアドレス変更の手続きが見つからないか、有効期限が切れました。最初からやり直してください。",
        "No email change is waiting, or it has expired. Please start again.",
    ),
    "code_attempts_exceeded.email_change": Message(
        429,
        "確認コードの入力回数が上限に達しました。メールアドレス変更を最初からやり直してください。",
        "Too many wrong codes. Please start the email change again.",
    ),
    # --- admin console: 精算 (payouts.py) ---
    "payout_not_cutoff": Message(
        400,
        "{end:%Y/%m/%d} は締め日ではありません (次の締め日は {following:%Y/%m/%d} です)。",
        "{end:%Y/%m/%d} is not a cut-off date (the next one is {following:%Y/%m/%d}).",
    ),
    "payout_period_open": Message(
        400,
        "{end:%Y/%m/%d} 締めの期間はまだ終わっていません。締め日の翌日以降に確定してください。",
        "The period ending {end:%Y/%m/%d} is not over yet. Please confirm it from the day after.",
    ),
    "payout_period_overlap": Message(
        409,
        "この期間は確定済みの精算 ({start}～{end}) と重なっています。",
        "This period overlaps a confirmed payout ({start} to {end}).",
    ),
    "payout_no_payees": Message(
        400,
        "{start:%Y/%m/%d}～{end:%Y/%m/%d} に精算の対象となる決済がありません。",
        "No payment from {start:%Y/%m/%d} to {end:%Y/%m/%d} is to be paid out.",
    ),
    "payout_no_payees.accounts": Message(
        400,
        "この精算には振込先口座のある支払先がないため、振込ファイルを作成できません。",
        "No payee of this payout has a bank account, so no transfer file can be made.",
    ),
    "payout_state": Message(
        409,
        "この精算は他の操作で状態が変わりました。画面を更新してください。",
        "This payout was changed by another operation. Please reload the screen.",
    ),
    "payout_state.not_payable": Message(
        409,
        "この精算は{state}のため、振込済みにできません。",
        "This payout is {state}, so it cannot be marked as paid.",
    ),
    "payout_state.not_cancellable": Message(
        409,
        "この精算は{state}のため、取り消せません。",
        "This payout is {state}, so it cannot be cancelled.",
    ),
    "payout_state.order": Message(
        409,
        "最後に確定した精算から順に取り消してください。",
        "Please cancel payouts from the last confirmed one back.",
    ),
    "payout_state.cancelled_file": Message(
        409, "取り消した精算の振込ファイルは作成できません。", "A cancelled payout has no transfer file."
    ),
    "payout_settings_missing": Message(
        400,
        "委託者コードと振込元口座 (精算設定) を登録してから作成してください。",
        "Please register the consignor code and the paying account (payout settings) first.",
    ),
    # --- sign-in (functions/auth) ---
    "invalid_credentials": Message(
        401, "ログインIDまたはパスワードが正しくありません。", "The login ID or the password is not correct."
    ),
    "account_suspended": Message(
        403,
        "このアカウントは利用停止中です。管理者にお問い合わせください。",
        "This account is suspended. Please contact your administrator.",
    ),
    "account_suspended.wallet": Message(
        403,
        "このアカウントは利用停止中です。実行委員会にお問い合わせください。",
        "This account is suspended. Please contact the committee.",
    ),
    "wrong_app": Message(403, "このアカウントではログインできません。", "This account cannot sign in here."),
    "wrong_app.console": Message(
        403,
        "店舗管理者・店舗担当者は加盟店アプリからログインしてください。",
        "Store managers and store staff sign in from the merchant app.",
    ),
    "wrong_app.merchant": Message(
        403,
        "加盟店アプリには店舗管理者・店舗担当者のみログインできます。",
        "Only store managers and store staff can sign in to the merchant app.",
    ),
    "not_this_store": Message(
        403,
        "この端末の店舗に所属していないため、ログインできません。",
        "You do not belong to this terminal's store, so you cannot sign in here.",
    ),
    "terminal_invalid": Message(
        401, "端末IDまたはパスワードが正しくありません。", "The terminal ID or the password is not correct."
    ),
    "terminal_locked": Message(
        423,
        "端末設定の失敗が続いたため、ロックされました。管理画面で端末パスワードを再発行してください。",
        "Too many failed set-ups locked this terminal. Please issue a new terminal password in the console.",
    ),
    "reset_link_invalid": Message(
        400,
        "パスワード再設定のURLが無効か、有効期限が切れています。もう一度お申し込みください。",
        "This password reset link is not valid or has expired. Please ask for a new one.",
    ),
    "wrong_step": Message(
        401,
        "ログインの手順が正しくありません。最初からやり直してください。",
        "This sign-in step is out of order. Please start again.",
    ),
    "invalid_request.current_password": Message(
        400, "現在のパスワードが正しくありません。", "The current password is not correct."
    ),
    "code_expired": Message(
        400,
        "確認コードの有効期限が切れました。「確認コードを再送信」を押してください。",
        "The code has expired. Please press \u201cSend the code again\u201d.",
    ),
    "code_invalid": Message(400, "確認コードが正しくありません。", "The code is not correct."),
    "code_attempts_exceeded": Message(
        429,
        "確認コードの入力回数が上限に達しました。最初からログインをやり直してください。",
        "Too many wrong codes. Please sign in again from the start.",
    ),
    "resend_throttled": Message(
        429,
        "確認コードの再送信は1分以上あけてください ({seconds}秒後から再送信できます)。",
        "Please wait a minute between codes (you can send one again in {seconds} seconds).",
    ),
    "resend_limit": Message(
        429,
        "確認コードの再送信回数が上限に達しました。最初からログインをやり直してください。",
        "The code was sent too many times. Please sign in again from the start.",
    ),
    "unauthenticated.sign_in_expired": Message(
        401,
        "ログインの有効期限が切れました。最初からやり直してください。",
        "This sign-in has expired. Please start again.",
    ),
    "code_invalid.left": Message(
        400,
        "確認コードが正しくありません。あと{left}回入力できます。",
        "The code is not correct. You can try {left} more times.",
    ),
    "not_found.wallet_service": Message(404, "ウォレットサービスが見つかりません。", "No such wallet service."),
    # --- 申込・抽選・購入 (shoken/sale.py, redemption.py; functions/programme/sale.py, deposits.py) ---
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
    "not_on_resident_list.removed": Message(
        400,
        "現在の住民名簿に載っていないため、申込・変更はできません。実行委員会へお問い合わせください。",
        "You are not on the current resident list, so you cannot apply. Please contact the committee.",
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
    "not_a_winner.ask_person": Message(
        409,
        "このカード・アプリは当選者の申込資格に登録されていません。紙の申込書で当選した方は、"
        "住民番号・氏名(カナ)・生年月日で本人を確認してチャージしてください。",
        "This card or wallet is not registered as a winner's. For a winner who applied on paper, "
        "confirm the person by resident number, name (kana) and birth date, then charge.",
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
    "second_round_started": Message(
        409,
        "二次抽選の開始後は一次の購入・取消はできません。",
        "Once the second round has started, first-round units can no longer be bought or cancelled.",
    ),
    "second_round_started.deposit": Message(
        409,
        "二次抽選の開始後のため、一次の当選分の入金は取り込めません。入金は返金してください。",
        "The second round has started, so a payment for first-round units cannot be credited. Please refund it.",
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
    # --- bank accounts (shoken/bank.py) ---
    "unknown_bank": Message(400, "金融機関コードが見つかりません。", "The bank code was not found."),
    "unknown_bank.format": Message(
        400, "金融機関コードは4桁の数字で入力してください。", "Please enter the bank code as 4 digits."
    ),
    "unknown_bank.not_listed": Message(
        400,
        "金融機関コード {bank_code} は全銀協の金融機関コードにありません。",
        "The bank code {bank_code} is not on the Zengin list of banks.",
    ),
    "unknown_bank.names_format": Message(
        404, "金融機関コードは4桁の数字で入力してください。", "Please enter the bank code as 4 digits."
    ),
    "unknown_bank.names_not_listed": Message(
        404,
        "金融機関コード {bank_code} は全銀協の金融機関コードにありません。",
        "The bank code {bank_code} is not on the Zengin list of banks.",
    ),
    "unknown_branch": Message(400, "支店コードが見つかりません。", "The branch code was not found."),
    "unknown_branch.format": Message(
        400, "支店コードは3桁の数字で入力してください。", "Please enter the branch code as 3 digits."
    ),
    "unknown_branch.not_listed": Message(
        400,
        "支店コード {branch_code} は金融機関コード {bank_code} の支店にありません。",
        "The branch code {branch_code} is not a branch of the bank {bank_code}.",
    ),
    "bad_holder_name": Message(
        400, "口座名義に使えない文字が含まれています。", "The account holder's name has characters banks do not take."
    ),
    "bad_holder_name.missing": Message(400, "{what}を入力してください。", "Please enter the {what}."),
    "bad_holder_name.characters": Message(
        400,
        "{what}に使えない文字があります: {characters}（カナ、英大文字、数字、スペース、( ) - . のみ使えます）",
        "The {what} has characters banks do not take: {characters} (only kana, capital letters, digits,"
        " space and ( ) - . are allowed)",
    ),
    "bad_holder_name.too_long": Message(
        400,
        "{what}は半角{limit}文字以内にしてください（{size}文字あります。省略は銀行の規則に沿って入力してください）。",
        "The {what} may be at most {limit} half-width characters (it has {size}; abbreviate it as the bank's"
        " rules say).",
    ),
    "bad_account": Message(400, "口座の内容に誤りがあります。", "The account details are not right."),
    "bad_account.format": Message(
        400, "口座番号は7桁の数字で入力してください。", "Please enter the account number as 7 digits."
    ),
    # --- merchant entities: where a new record may go (shoken/entities.py) ---
    "forbidden.register_company": Message(
        403, "企業の登録はアクワイアラ管理者のみ行えます。", "Only the committee's administrators register companies."
    ),
    "forbidden.register_store": Message(
        403, "店舗の登録はアクワイアラ管理者のみ行えます。", "Only the committee's administrators register stores."
    ),
    "forbidden.register_higher_role": Message(
        403, "自分より上位の権限のユーザは登録できません。", "You cannot register a user with a higher role than yours."
    ),
    "forbidden.register_outside_scope": Message(
        403,
        "権限の範囲外のアクワイアラ・企業・店舗には登録できません。",
        "You cannot register a user in a committee, company or store outside your scope.",
    ),
    "invalid_request.home_field": Message(400, "入力内容に誤りがあります。", "Please check what you entered."),
    # --- resident files (shoken/resident_file.py) ---
    "resident_file_invalid": Message(
        400, "住民名簿のファイルを読み取れません。", "The resident list file cannot be read."
    ),
    "resident_file_invalid.encoding": Message(
        400,
        "文字コードを判別できません。UTF-8 または Shift_JIS で保存したCSVファイルを指定してください。",
        "The file's encoding is not recognised. Please give a CSV file saved as UTF-8 or Shift_JIS.",
    ),
    "resident_file_invalid.empty": Message(400, "ファイルが空です。", "The file is empty."),
    "resident_file_invalid.csv": Message(
        400, "CSVの形式が正しくありません ({problem})。", "The file is not valid CSV ({problem})."
    ),
    "resident_file_invalid.csv_line": Message(
        400, "{line}行目: CSVの形式が正しくありません ({problem})。", "Line {line}: not valid CSV ({problem})."
    ),
    "resident_file_invalid.extra_columns": Message(
        400,
        "この事業で使わない列があるため、取り込みませんでした: {extra}。"
        "個人情報は必要な列({needed})だけにして保存し直してください。",
        "The file has columns this programme does not use, so nothing was taken in: {extra}."
        " Please save it again with only the columns needed ({needed}).",
    ),
    "resident_file_invalid.header": Message(
        400,
        "1行目(見出し行)が正しくありません。次の列を1つずつ並べてください: {needed}",
        "The first line (the header) is not right. Please list each of these columns once: {needed}",
    ),
    "resident_file_invalid.too_many_rows": Message(
        400, "一度に取り込めるのは{limit:,}行までです。", "At most {limit:,} rows can be taken in at once."
    ),
    # --- privacy (shoken/privacy.py) ---
    "programme_running": Message(
        409,
        "この商品券事業はまだ終了していないため、個人情報を削除できません。利用期間の終了後に行ってください。",
        "This programme has not ended yet, so its personal data cannot be deleted. Please do it after its usage"
        " period.",
    ),
    "erasure_refused": Message(
        409, "このアプリユーザの個人情報はまだ削除できません。", "This app user's personal data cannot be erased yet."
    ),
    "erasure_refused.balance": Message(
        409,
        "残高が{balance:,}円残っているため削除できません。"
        "残高を使い切るか、有効期限後の失効処理が終わってから行ってください。",
        "¥{balance:,} is still in the wallet, so it cannot be erased. Please do it once the balance is spent or"
        " has lapsed after its expiry.",
    ),
    "erasure_refused.cancel_window": Message(
        409,
        "最後の取引から{days}日間は取消ができるため削除できません。{until}以降に行ってください。",
        "The last transaction can be cancelled for {days} days, so it cannot be erased yet. Please do it on or"
        " after {until}.",
    ),
    "erasure_refused.used_just_now": Message(
        409,
        "このアプリユーザは直前に利用されました。もう一度お試しください。",
        "This app user was used just now. Please try again.",
    ),
    "note_required": Message(
        400,
        "理由に「その他」を選んだ場合は、内容を入力してください。",
        "When the reason is Other, please say what it is.",
    ),
    "reason_required.view": Message(
        400, "個人情報を表示する理由を選択してください。", "Please choose why the personal data is shown."
    ),
    # --- resident fields (shoken/residents.py) ---
    "invalid_request.resident_field": Message(400, "入力内容に誤りがあります。", "Please check what you entered."),
    "invalid_request.kana_missing": Message(400, "氏名カナを入力してください。", "Please enter the name in kana."),
    "invalid_request.kana_not_kana": Message(
        400,
        "氏名カナはカタカナ(またはひらがな)で入力してください。",
        "Please enter the name in katakana (or hiragana).",
    ),
    "invalid_request.kana_too_long": Message(
        400, "氏名カナは60文字以内で入力してください。", "The name in kana may be at most 60 characters."
    ),
    "invalid_request.birth_date_missing": Message(
        400, "生年月日を入力してください。", "Please enter the date of birth."
    ),
    "invalid_request.birth_date_format": Message(
        400, "生年月日は 1980-04-01 の形式で入力してください。", "Please enter the date of birth as 1980-04-01."
    ),
    "invalid_request.birth_date_no_such_day": Message(
        400, "生年月日が存在しない日付です。", "The date of birth is not a day of the calendar."
    ),
    "invalid_request.birth_date_too_early": Message(
        400, "生年月日が正しくありません。", "The date of birth is not right."
    ),
    "invalid_request.resident_key_missing": Message(
        400, "住民番号を入力してください。", "Please enter the resident number."
    ),
    "invalid_request.resident_key_format": Message(
        400,
        "住民番号は英数字とハイフン20文字以内で入力してください。",
        "The resident number is at most 20 letters, digits and hyphens.",
    ),
    # --- deposit files (shoken/deposits.py) ---
    "deposit_file_invalid": Message(400, "入金データのファイルを読み取れません。", "The deposit file cannot be read."),
    "deposit_file_invalid.encoding": Message(
        400,
        "文字コードを判別できません。UTF-8 または Shift_JIS で保存したCSVファイルを指定してください。",
        "The file's encoding is not recognised. Please give a CSV file saved as UTF-8 or Shift_JIS.",
    ),
    "deposit_file_invalid.empty": Message(400, "ファイルが空です。", "The file is empty."),
    "deposit_file_invalid.csv_line": Message(
        400, "{line}行目: CSVの形式が正しくありません ({problem})。", "Line {line}: not valid CSV ({problem})."
    ),
    "deposit_file_invalid.too_many_rows": Message(
        400,
        "一度に取り込めるのは{limit:,}行までです。ファイルを分けてください。",
        "At most {limit:,} rows can be taken in at once. Please split the file.",
    ),
    "deposit_file_invalid.extra_columns": Message(
        400,
        "入金データに使わない列があります: {extra}。列は {columns} のうち必要なものにしてください。",
        "The deposit file has columns it does not use: {extra}. Keep only those needed of {columns}.",
    ),
    "deposit_file_invalid.header": Message(
        400,
        "1行目(見出し行)が正しくありません。{date}・{amount} と、{payer} か {reference} の列を1つずつ並べてください。",
        "The first line (the header) is not right. Please give {date} and {amount}, and {payer} or {reference},"
        " each once.",
    ),
    "deposit_file_invalid.no_rows": Message(400, "取り込む入金がありません。", "The file has no deposits."),
    "deposit_file_rows": Message(
        400,
        "入金データに誤りがあるため、取り込みませんでした。",
        "The deposit file has errors, so nothing was taken in.",
    ),
    "deposit_file_rows.count": Message(
        400,
        "{count:,}件の誤りがあるため、入金データを取り込みませんでした。",
        "{count:,} lines are in error, so the deposit file was not taken in.",
    ),
    # --- マスタ一括登録 files (functions/workers/bulk_rows.py): the job's result, never an HTTP answer ---
    "bulk_file_invalid.encoding": Message(
        400,
        "文字コードを判別できません。UTF-8 または Shift_JIS で保存したCSVファイルを指定してください。",
        "The file's encoding is not recognised. Please give a CSV file saved as UTF-8 or Shift_JIS.",
    ),
    "bulk_file_invalid.empty": Message(400, "ファイルが空です。", "The file is empty."),
    "bulk_file_invalid.csv": Message(
        400, "CSVの形式が正しくありません ({problem})。", "The file is not valid CSV ({problem})."
    ),
    "bulk_file_invalid.csv_line": Message(
        400, "{line}行目: CSVの形式が正しくありません ({problem})。", "Line {line}: not valid CSV ({problem})."
    ),
    "bulk_file_invalid.header": Message(
        400,
        "1行目(見出し行)が正しくありません。次の列をこの順に並べてください: {needed}",
        "The first line (the header) is not right. Please give these columns in this order: {needed}",
    ),
    "bulk_file_invalid.too_many_rows": Message(
        400,
        "一度に登録できるのは{limit:,}行までです。ファイルを分けてください。",
        "At most {limit:,} rows can be registered at once. Please split the file.",
    ),
    # --- report totals rebuilt by the operator (functions/workers/totals.py) ---
    "rebuild_refused": Message(400, "この期間の集計は再計算できません。", "These days cannot be rebuilt."),
    "rebuild_refused.format": Message(
        400,
        "日付は YYYY-MM-DD の形で指定してください: {first!r}, {last!r}",
        "dates are YYYY-MM-DD: {first!r}, {last!r}",
    ),
    "rebuild_refused.order": Message(400, "期間の終了日が開始日より前です。", "date_from is after date_to"),
    "rebuild_refused.too_long": Message(
        400, "1回に再計算できるのは{days}日までです。", "at most {days} days per rebuild"
    ),
    "rebuild_refused.not_past": Message(
        400, "再計算できるのは本日({today})より前の日だけです。", "only days before today ({today}) can be rebuilt"
    ),
    # --- recomputing a draw from its applications file (shoken/draw_check.py) ---
    "draw_file_invalid": Message(400, "申込一覧のファイルを読み取れません。", "The applications file cannot be read."),
    "draw_file_invalid.columns": Message(400, "列がありません: {columns}", "Columns missing: {columns}"),
    "draw_file_invalid.duplicate": Message(
        400, "{line}行目: 申込者IDが重複しています", "Line {line}: the applicant ID appears twice"
    ),
    "draw_file_invalid.units": Message(
        400, "{line}行目: 冊数が整数ではありません", "Line {line}: the units are not a whole number"
    ),
    # --- 全銀 files (shoken/zengin.py) ---
    "transfer_file_invalid": Message(
        409,
        "振込データを作成できません。設定と口座の内容を確認してください。",
        "The transfer file cannot be made. Please check the settings and the accounts.",
    ),
    "transfer_file_invalid.numeric": Message(
        409,
        "振込データを作成できません。{width}桁の数字の項目に収まらない値があります。設定と口座の内容を確認してください。",
        "The transfer file cannot be made: a value does not fit a numeric field of {width} digits."
        " Please check the settings and the accounts.",
    ),
    "transfer_file_invalid.characters": Message(
        409,
        "振込データを作成できません。{width}文字の項目に収まらない値があります。設定と口座の内容を確認してください。",
        "The transfer file cannot be made: a value does not fit a field of {width} characters."
        " Please check the settings and the accounts.",
    ),
    "transfer_file_invalid.record": Message(
        409,
        "振込データを作成できません (レコードが{size}バイトです)。",
        "The transfer file cannot be made (a record of {size} bytes).",
    ),
    "transfer_file_invalid.amount": Message(
        409,
        "振込データを作成できません。振込金額が{amount:,}円です。",
        "The transfer file cannot be made: a transfer of ¥{amount:,}.",
    ),
}


@dataclass(frozen=True)
class FieldText:
    ja: str  # str.format template over the facts, as a Message's
    en: str


# What a form shows beside one field of a refusal (an error's details: reason_ja), or an upload's result
# beside one of its rows, by key.
FIELD_TEXTS: dict[str, FieldText] = {
    # --- the console (shoken/errors.field_problem) ---
    "registered": FieldText("既に登録されています。", "Registered already."),
    "email_unchanged": FieldText("現在と同じメールアドレスです。", "This is the current email address."),
    "email_reauth": FieldText("「メールアドレス変更」から変更してください。", "Change it with Change email address."),
    "voucher_type_unknown": FieldText("この商品券事業にない券種です。", "This programme has no such voucher type."),
    "wallet_ids_format": FieldText(
        "ユーザIDの形式が正しくありません: {ids}", "These user IDs are not well formed: {ids}"
    ),
    "wallet_ids_unknown": FieldText("登録のないユーザID: {ids}", "Not registered: {ids}"),
    "wallet_ids_unknown_more": FieldText("登録のないユーザID: {ids} ほか", "Not registered: {ids} and more"),
    "sheet_format": FieldText("形式は pdf か csv を指定してください。", "Please give pdf or csv as the format."),
    "row_problem": FieldText("{line}行目: {problem}", "Line {line}: {problem}"),
    "row_not_listed": FieldText("{line}行目: 住民名簿にありません。", "Line {line}: not on the resident list."),
    # --- マスタ一括登録: a row's error in the 登録結果 (functions/workers/bulk_rows.py) ---
    "bulk_column_count": FieldText(
        "列の数が見出し行と一致しません。", "The row does not have as many columns as the header."
    ),
    "bulk_large_word": FieldText("1(大型店)または0で入力してください。", "Please enter 1 (a large store) or 0."),
    # --- 入金データ: why a row of a deposit file was not credited (functions/programme/deposits.py) ---
    "deposit_reference_missing": FieldText(
        "振込依頼人コード(9桁)が見つからないか、誤っています。",
        "The payer code (9 digits) is missing or wrong.",
    ),
    "deposit_reference_unknown": FieldText(
        "この事業にない振込依頼人コードです。", "This programme has no such payer code."
    ),
    "deposit_not_won": FieldText("当選していない申込の番号です。", "This application did not win."),
    "deposit_after_deadline": FieldText(
        "購入期限 ({deadline}) を過ぎた入金です。", "Paid after the purchase deadline ({deadline})."
    ),
    "deposit_taken_already": FieldText(
        "この番号の入金は取込済みです (二重の入金は返金してください)。",
        "A deposit of this code was taken in already (please refund a second one).",
    ),
    "deposit_bought_already": FieldText(
        "当選分は購入済みです (店頭チャージ等)。入金は返金してください。",
        "The units won are bought already (at the counter or so). Please refund the deposit.",
    ),
    "deposit_amount_wrong": FieldText(
        "金額が請求額 ({due:,}円 = {units}冊分) と一致しません。",
        "The amount is not the amount due (¥{due:,} = {units} units).",
    ),
    "deposit_wallet_missing": FieldText(
        "入金先のアプリユーザが見つかりません。", "The app user to credit was not found."
    ),
    "deposit_wallet_suspended": FieldText(
        "アプリユーザが利用停止中のため入金できません。", "The app user is suspended, so it cannot be credited."
    ),
    "deposit_card_blocked": FieldText(
        "カードが紛失・盗難の届出により利用停止中のため入金できません。返金してください。",
        "The card is stopped as lost or stolen, so it cannot be credited. Please refund the deposit.",
    ),
    "deposit_card_replaced": FieldText(
        "再発行前のカードのため入金できません。返金するか、新しいカードに店頭チャージしてください。",
        "The card was reissued, so it cannot be credited. Please refund, or charge the new card at the counter.",
    ),
    "deposit_card_moved": FieldText(
        "アプリへ移行済みのカードのため入金できません。返金するか、アプリに店頭チャージしてください。",
        "The card was moved to the app, so it cannot be credited. Please refund, or charge the app at the counter.",
    ),
    "deposit_wallet_erased": FieldText(
        "個人情報が削除されたアプリユーザのため入金できません。返金してください。",
        "The app user's personal data was erased, so it cannot be credited. Please refund the deposit.",
    ),
    "deposit_over_limit": FieldText(
        "購入上限を超えるため入金できません。", "This would exceed the purchase limit, so it cannot be credited."
    ),
    "deposit_bought_meanwhile": FieldText(
        "同時に店頭で購入されたため入金できません。購入状況を確認してください。",
        "The units were bought at the counter at the same time, so it cannot be credited. Please check the purchases.",
    ),
    "deposit_busy": FieldText(
        "混み合っているため入金できませんでした。もう一度取り込んでください。",
        "It could not be credited as the service is busy. Please take the file in again.",
    ),
    # --- privacy (shoken/privacy.py) ---
    "reason_from_list": FieldText("理由を一覧から選択してください。", "Please choose a reason from the list."),
    # --- merchant entities (shoken/entities.py) ---
    "committee_required": FieldText("アクワイアラを選択してください。", "Please choose a committee."),
    "committee_out_of_scope": FieldText("権限の範囲外のアクワイアラです。", "This committee is outside your scope."),
    "company_unknown": FieldText("企業が見つかりません。", "The company was not found."),
    "company_required": FieldText("企業を選択してください。", "Please choose a company."),
    "store_unknown": FieldText("店舗が見つかりません。", "The store was not found."),
    "store_required": FieldText("店舗を選択してください。", "Please choose a store."),
    "store_of_other_company": FieldText(
        "選択した企業の店舗ではありません。", "This store is not the chosen company's."
    ),
}


def entry(key: str) -> Message:
    return CATALOGUE[key]


def text(key: str, facts: Mapping[str, Any], language: str = "ja") -> str:
    """What the error says, in `language` (Japanese unless English is asked for)."""
    template = CATALOGUE[key].en if language == "en" else CATALOGUE[key].ja
    return template.format(**facts)


def field_text(key: str, facts: Mapping[str, Any], language: str = "ja") -> str:
    """What the form shows beside a field, in `language`."""
    template = FIELD_TEXTS[key].en if language == "en" else FIELD_TEXTS[key].ja
    return template.format(**facts)
