"""Recording audit events from any function: one call with the action, the target and its scope."""

from __future__ import annotations

from typing import Any

from shoken.db import audit as audit_items
from shoken.db.dynamo import Item
from shoken.gate import HttpRequest
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime

ACTION_LABELS: dict[str, str] = {
    # カード型 (issue 16)
    "card_issued": "カード発行",
    "card_reissued": "カード再発行",
    "card_sheet_reprinted": "カード台紙の再印刷(未交付分)",
    "card_blocked": "カード利用停止(紛失・盗難)",
    "card_unblocked": "カード利用再開",
    "card_pin_unlocked": "暗証番号ロック解除",
    "card_moved_to_app": "カードからアプリへ移行",
    "card_settings_updated": "カードの利用上限変更",
    "login": "ログイン",
    "login_failed": "ログイン失敗",
    "account_locked": "アカウントロック",
    "account_unlocked": "ロック解除",
    "logout": "ログアウト",
    "password_changed": "パスワード変更",
    "password_reset_requested": "パスワード再設定申請",
    "password_reset": "パスワード再設定",
    "user_created": "管理ユーザ登録",
    "user_updated": "管理ユーザ更新",
    "email_change_requested": "メールアドレス変更申請",
    "email_changed": "メールアドレス変更",
    "reauth_failed": "パスワード再確認失敗",
    "user_suspended": "管理ユーザ利用停止",
    "user_resumed": "管理ユーザ利用再開",
    "terminal_bound": "端末設定",
    "terminal_setup_failed": "端末設定失敗",
    "committee_created": "アクワイアラ登録",
    "committee_updated": "アクワイアラ更新",
    "company_created": "企業登録",
    "company_updated": "企業更新",
    "store_created": "店舗登録",
    "store_updated": "店舗更新",
    "terminal_created": "端末登録",
    "terminal_updated": "端末更新",
    "terminal_password_regenerated": "端末パスワード再発行",
    "terminal_unbound": "端末設定解除",
    "bulk_upload": "マスタ一括登録",
    "wallet_suspended": "アプリユーザ利用停止",
    "wallet_resumed": "アプリユーザ利用再開",
    "programme_created": "商品券事業登録",
    "programme_updated": "商品券事業更新",
    "store_charge": "店頭チャージ",
    "charge_cancelled": "チャージ取消",
    "grant_started": "一括付与",
    "payment_cancelled": "決済取消",
    "campaign_granted": "キャンペーン付与",
    "balance_lapsed": "残高失効",
    "export_reserved": "ダウンロード予約",
    "export_downloaded": "ファイルダウンロード",
    # resident lists (住民名簿); a search records its reason, never the values typed
    "resident_list_upload": "住民名簿アップロード",
    "resident_list_uploaded": "住民名簿取込",
    "resident_searched": "住民名簿検索",
    "sale_settings_updated": "申込期間設定",
    "paper_application": "申込書の入力",
    "draw_seed": "抽選シード",
    "draw_done": "抽選",
    "draw_started": "抽選開始",
    "redemption_codes_issued": "引換コード発行",
    "applications_exported": "申込一覧ダウンロード",
    "sale_results_notified": "抽選結果メール送信",
    "sale_closed": "申込締切",
    "second_round_started": "二次抽選開始",
    "second_round_done": "二次抽選",
    # bank transfers (入金データ取込)
    "deposits_imported": "入金データ取込",
    "bank_transfer_charge": "振込購入",
    # payouts (換金・精算)
    "payout_account_registered": "振込先口座登録",
    "payout_account_updated": "振込先口座変更",
    "payout_by_changed": "振込先の単位変更",
    "payout_settings_updated": "精算設定更新",
    "payout_calendar_updated": "精算カレンダー更新",
    "payout_file_downloaded": "振込ファイル作成",
    "payout_statement_downloaded": "支払通知書ダウンロード",
    "payout_run_confirmed": "精算確定",
    "payout_run_paid": "振込済み登録",
    "payout_run_cancelled": "精算取消",
    # personal data (issue 23); the reason is recorded, never the data
    "personal_data_viewed": "個人情報の表示",
    "disclosure_requested": "開示請求ファイル作成",
    "personal_data_erased": "個人情報の削除(アプリユーザ)",
    "retention_updated": "個人情報の保存期間変更",
    "retention_requested": "個人情報の削除依頼",
    "personal_data_deleted": "個人情報の削除(事業)",
    # お知らせ; entries of the committee's contact from before it was edited with the
    # committee (committee_updated now) keep their label
    "committee_contact_updated": "お問い合わせ先更新",
    "notice_created": "お知らせ登録",
    "notice_updated": "お知らせ更新",
    "notice_withdrawn": "お知らせ取下げ",
}


# How an entry reads on 監査ログ: Japanese names for targets, detail fields and their coded values.
TARGET_LABELS: dict[str, str] = {
    "export": "ダウンロード",
    "grant": "一括付与",
    "job": "一括処理",
    "programme": "商品券事業",
    "terminal": "端末",
    "transaction": "取引",
    "user": "管理ユーザ",
    "wallet": "アプリユーザ",
    "company": "企業",
    "store": "店舗",
    "committee": "アクワイアラ",
}
DETAIL_LABELS: dict[str, str] = {
    "spec": "種類",
    "bytes": "ファイルサイズ",
    "state": "状態",
    "amount": "金額",
    "units": "口数",
    "login_id": "ログインID",
    "role": "権限",
    "app": "アプリ",
    "name": "名称",
    "number": "取引番号",
    "terminal_id": "端末ID",
    "wallet_id": "ユーザID",
    "next": "次の手順",
    "reason": "理由",
    "fields": "変更項目",
    "changes": "変更内容",
    "phone": "電話番号",
    "address": "住所",
    "area": "地区",
    "latitude": "緯度",
    "longitude": "経度",
    "email": "メールアドレス",
    "old_email": "変更前メールアドレス",
    "new_email": "変更後メールアドレス",
    "count": "件数",
    "rows": "件数",
    # personal data (issue 23)
    "reason_label": "理由",
    "days": "日数",
    "personal": "個人情報を含む",
    "deleted": "削除件数",
    "erased_wallets": "個人情報を削除したアプリユーザ",
    # 申込・抽選 (issue 15)
    "people": "人数",
    "new": "新規発行",
    "format": "形式",
    "seed": "シード",
    "rule": "配分方法",
    "applicants": "申込者数",
    "winners": "当選者数",
    "units_won": "当選冊数",
    "units_on_sale": "販売冊数",
    "round": "回",
    "purchase_end": "購入期限",
    "apply_start": "申込開始日",
    "apply_end": "申込終了日",
    "added": "追加",
    "removed": "削除",
    # アクワイアラ (committee) fields, as 変更項目
    "city": "市区町村",
    "issuer_name": "バリューイシュア名",
    "wallet_service_name": "ウォレットサービス名",
    "external_acquirer_id": "外部アクワイアラID",
    "contact_phone": "問い合わせ電話番号",
    "contact_hours": "問い合わせ受付時間",
}
VALUE_LABELS: dict[str, dict[str, str]] = {
    "state": {"queued": "受付済み", "running": "処理中", "done": "完了", "failed": "失敗", "paused": "中断"},
    "app": {"admin": "管理画面", "merchant": "加盟店アプリ", "wallet": "利用者アプリ"},
    "spec": {
        "companies": "企業",
        "stores": "店舗",
        "terminals": "端末",
        "users": "管理ユーザ",
        "app_users": "アプリユーザ",
    },
    "reason": {"unknown_login": "登録のないログインID", "locked": "ロック中", "password": "パスワード誤り"},
    "next": {"done": "完了", "verify_email": "メールアドレス認証", "change_password": "パスワード変更"},
    "rule": {"lot": "抽選のみ", "equal_then_lot": "均等配分のうえ抽選"},
    "role": {
        "system_admin": "システム管理者",
        "committee_admin": "アクワイアラ管理者",
        "company_admin": "企業管理者",
        "company_staff": "企業担当者",
        "store_manager": "店舗管理者",
        "store_staff": "店舗担当者",
    },
}


def describe_detail(detail: dict[str, Any]) -> str:
    """「種類: 店舗 / ファイルサイズ: 396バイト / 状態: 受付済み」 rather than `spec=stores bytes=396 state=queued`."""
    parts = []
    for key, value in detail.items():
        if value is None or value == "":
            continue
        label = DETAIL_LABELS.get(key, "内容")
        if key == "bytes":
            text = f"{int(value):,}バイト"
        elif key == "amount":
            text = f"{int(value):,}円"
        elif isinstance(value, list | tuple):
            text = "、".join(DETAIL_LABELS.get(str(v), str(v)) for v in value)
        elif isinstance(value, bool):
            text = "はい" if value else "いいえ"
        else:
            text = VALUE_LABELS.get(key, {}).get(str(value), str(value))
        parts.append(f"{label}: {text}")
    return " / ".join(parts)


def describe_target(target_type: str | None, target_id: str | None) -> str:
    if not target_type:
        return ""
    return f"{TARGET_LABELS.get(target_type, '対象')} {target_id or ''}".strip()


def actor_of(principal: Principal | None, **fallback: Any) -> dict[str, Any]:
    if principal is None:
        return fallback
    return {
        "user_id": principal.user_id,
        "login_id": principal.login_id,
        "role": principal.role.value,
        "name": principal.name,
        "terminal_id": principal.terminal_id,
    }


# The actor of what the background jobs do on the committee's behalf (grants, lapses).
SYSTEM_ACTOR: dict[str, Any] = {"role": "system", "name": "システム(自動処理)"}


def entry(
    rt: Runtime,
    action: str,
    *,
    actor: dict[str, Any],
    scope: Scope,
    request: HttpRequest | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    **detail: Any,
) -> Item:
    """The audit item of an event, for a money transaction to write together with the change."""
    return audit_items.item(
        at=rt.clock.now(),
        action=action,
        committee_id=scope.committee_id,
        company_id=scope.company_id,
        store_id=scope.store_id,
        actor=actor,
        target_type=target_type,
        target_id=target_id,
        detail={k: v for k, v in detail.items() if v is not None},
        source_ip=request.source_ip if request else None,
        user_agent=request.user_agent if request else None,
    )


def system_entry(rt: Runtime, action: str, committee_id: str, wallet_id: str, **detail: Any) -> Item:
    """The audit item of what a background job did to a wallet on the committee's behalf (a grant, a
    lapse), for the job's money transaction to write."""
    return entry(
        rt, action, actor=SYSTEM_ACTOR, scope=Scope(committee_id), target_type="wallet", target_id=wallet_id, **detail
    )


def record(
    rt: Runtime,
    action: str,
    *,
    actor: dict[str, Any],
    scope: Scope,
    request: HttpRequest | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    **detail: Any,
) -> None:
    """Writes an audit event on its own (events that move no money: sign-ins, master data)."""
    audit_items.put(
        rt.db,
        entry(
            rt,
            action,
            actor=actor,
            scope=scope,
            request=request,
            target_type=target_type,
            target_id=target_id,
            **detail,
        ),
    )
