"""Sending email through SES, and the texts of every message the system sends (Japanese)."""

from __future__ import annotations

from dataclasses import dataclass

from shoken.config import MailConfig
from shoken.observability import logger
from shoken.runtime import Runtime


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def send(rt: Runtime, mail: Mail) -> None:
    config = rt.require(MailConfig)
    params: dict[str, object] = {
        "Source": config.mail_from,
        "Destination": {"ToAddresses": [mail.to]},
        "Message": {
            "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": mail.body, "Charset": "UTF-8"}},
        },
    }
    if config.ses_configuration_set:
        params["ConfigurationSetName"] = config.ses_configuration_set
    rt.ses.send_email(**params)  # type: ignore[arg-type]
    # The address is personal data and the body may hold a code: log only that a mail went out.
    logger.info("mail sent", extra={"subject": mail.subject})


# SES's mailbox simulator: accepted like any address, delivered nowhere, no effect on the account's
# reputation. Mail that must be sent only so that a request takes the same time goes here.
SIMULATOR_SUCCESS = "success@simulator.amazonses.com"

FOOTER = "\n\n※本メールは送信専用です。ご返信いただいてもお答えできません。\n"


def login_code(to: str, code: str, minutes: int) -> Mail:
    return Mail(
        to=to,
        subject="【ウォレット管理画面】メールアドレス認証の確認コード",
        body=(
            "ウォレット管理画面へのログインを受け付けました。\n"
            "以下の6桁の確認コードを画面に入力してください。\n\n"
            f"確認コード: {code}\n\n"
            f"有効期限は{minutes}分です。お心当たりがない場合は、このメールを破棄してください。" + FOOTER
        ),
    )


def wallet_code(to: str, code: str, minutes: int, service_name: str) -> Mail:
    return Mail(
        to=to,
        subject=f"【{service_name}】ログイン確認コード",
        body=(
            f"{service_name}へのログイン確認コードをお送りします。\n\n"
            f"確認コード: {code}\n\n"
            f"有効期限は{minutes}分です。お心当たりがない場合は、このメールを破棄してください。" + FOOTER
        ),
    )


def password_reset(to: str, link: str, minutes: int) -> Mail:
    return Mail(
        to=to,
        subject="【ウォレット管理画面】パスワード再設定のご案内",
        body=(
            "パスワード再設定のお申し込みを受け付けました。\n"
            "以下のURLから新しいパスワードを設定してください。\n\n"
            f"{link}\n\n"
            f"URLの有効期限は{minutes}分です。お心当たりがない場合は、このメールを破棄してください。" + FOOTER
        ),
    )


def password_reset_locked(to: str) -> Mail:
    return Mail(
        to=to,
        subject="【ウォレット管理画面】パスワード再設定について",
        body=(
            "パスワード再設定のお申し込みを受け付けましたが、このアカウントはロックされています。\n"
            "上位の管理者にアカウントロックの解除を依頼してください。" + FOOTER
        ),
    )


def registration(
    to: str, *, name: str, login_id: str, role_label: str, url: str, committee_name: str, store_name: str | None
) -> Mail:
    place = f"■店舗名:{store_name}\n" if store_name else ""
    return Mail(
        to=to,
        subject="【重要】管理ユーザ登録完了のお知らせ",
        body=(
            f"{name} 様\n\n"
            "※本メールは重要事項が記載されているため、厳重管理の上保管をお願いいたします。\n\n"
            f"{committee_name}です。管理ユーザの登録が完了しましたので、ご連絡いたします。\n\n"
            f"■権限:{role_label}\n{place}"
            f"■管理画面URL:{url}\n"
            f"■ログインID:{login_id}\n"
            "■パスワード(初回のみ):ログインIDと同じ\n\n"
            "初回ログイン後、パスワードの変更をお願いいたします。" + FOOTER
        ),
    )


def email_change_code(to: str, code: str, minutes: int, name: str) -> Mail:
    return Mail(
        to=to,
        subject="【ウォレット管理画面】メールアドレス変更の確認コード",
        body=(
            f"{name} 様\n\n"
            "管理ユーザのメールアドレスを、このアドレスへ変更する手続きを受け付けました。\n"
            "以下の6桁の確認コードを、変更の手続きをした画面に入力してください。\n\n"
            f"確認コード: {code}\n\n"
            f"有効期限は{minutes}分です。確認コードを入力するまで、メールアドレスは変更されません。\n"
            "お心当たりがない場合は、このメールを破棄してください。" + FOOTER
        ),
    )


def email_change_requested(to: str, *, name: str, new_email: str, by_self: bool) -> Mail:
    who = "ご本人のログインで" if by_self else "上位の管理者により"
    return Mail(
        to=to,
        subject="【ウォレット管理画面】メールアドレス変更の手続きが開始されました",
        body=(
            f"{name} 様\n\n"
            f"管理ユーザのメールアドレスを {new_email} へ変更する手続きが、{who}開始されました。\n"
            "新しいアドレスで確認コードが入力されると、ログインの確認コードやパスワード再設定のご案内は"
            "新しいアドレスへ送られます。\n"
            "お心当たりがない場合は、すぐに上位の管理者へご連絡ください。" + FOOTER
        ),
    )


def email_changed(to: str, *, name: str, old_email: str, new_email: str) -> Mail:
    return Mail(
        to=to,
        subject="【ウォレット管理画面】メールアドレスが変更されました",
        body=(
            f"{name} 様\n\n"
            "管理ユーザのメールアドレスが変更されました。\n\n"
            f"変更前: {old_email}\n変更後: {new_email}\n\n"
            "以後、ログインの確認コードやパスワード再設定のご案内は変更後のアドレスへ送られます。\n"
            "お心当たりがない場合は、すぐに上位の管理者へご連絡ください。" + FOOTER
        ),
    )
