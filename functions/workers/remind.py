"""失効お知らせメール: emails each resident whose value of a programme will lapse, N days before.

Runs as a job per (programme, expiry date, reminder day), queued by the daily schedule, through the
programme's holders in laps. Each email is sent once per (wallet, expiry date, reminder day): before
sending, a marker item is put on the condition that none exists, so a re-run or a second run at the
same time skips the wallet. The marker is a lease ("sending" until `lease_until`), turned into "sent"
after SES accepted the mail: if the run dies between the two, a later run may take the wallet over
once the lease has passed and send it then, so a crash can at worst repeat one email — never lose a
reminder that would have saved a resident's money. A mail SES refuses is marked failed and counted;
running the job again retries those and nobody else. Wallets that are suspended or have nothing of the
programme left to lose get nothing. No address or name goes to the logs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from shoken import mail
from shoken.clock import jst_date
from shoken.config import MailConfig
from shoken.db import keys, programmes, wallets
from shoken.db.dynamo import Item
from shoken.db.records import Wallet
from shoken.runtime import Runtime
from workers import jobs, mailing

# Kept under these names for the callers that pace or claim a reminder themselves.
LEASE, MARK_KEEP, Pacer, failure_code = mailing.LEASE, mailing.MARK_KEEP, mailing.Pacer, mailing.failure_code


def at_risk(wallet: Wallet, programme_id: str, expires_on: str, today: str) -> int:
    """What the wallet will lose of the programme on `expires_on` (0: nothing to remind of)."""
    return sum(
        b.balance
        for b in wallet.buckets
        if b.programme_id == programme_id and b.expires_on == expires_on and b.balance > 0 and b.expires_on >= today
    )


def claim(rt: Runtime, wallet_id: str, programme_id: str, expires_on: str, days_before: int, job_id: str) -> bool:
    """Put the once-only marker; False if another run holds it (sent, or being sent under a live lease)."""
    return mailing.claim(
        rt, keys.reminder_mark(wallet_id, programme_id, expires_on, days_before), "reminder_mark", job_id
    )


def reminder_mail(
    to: str, *, service_name: str, amount: int, expires_on: str, days_left: int, stores_url: str, committee: Item
) -> mail.Mail:
    day = date.fromisoformat(expires_on)
    contact = "\n".join(
        line
        for line in (
            f"■お問い合わせ先:{committee['name']}",
            f"  電話 {committee['contact_phone']}" if committee.get("contact_phone") else "",
            f"  受付時間 {committee['contact_hours']}" if committee.get("contact_hours") else "",
        )
        if line
    )
    return mail.Mail(
        to=to,
        subject=f"【{service_name}】ご利用残高の有効期限が近づいています",
        body=(
            f"{service_name}をご利用いただきありがとうございます。\n\n"
            f"{amount:,}円分の商品券が、{day.year}年{day.month}月{day.day}日で有効期限を迎えます"
            f"(あと{days_left}日)。\n"
            "有効期限を過ぎた残高は失効し、換金・払い戻しはできません。お早めに加盟店でご利用ください。\n\n"
            f"■ご利用いただける加盟店:\n{stores_url}\n\n"
            f"{contact}" + mail.FOOTER
        ),
    )


REMINDERS = jobs.Pass("送信中", ("wallets", "sent", "skipped", "failed"))


def run(rt: Runtime, job: Item, should_pause: Callable[[], bool], *, pacer: mailing.Paces | None = None) -> None:
    job_id = str(job["job_id"])
    params = job["params"]
    programme_id, expires_on, days_before = str(params["programme_id"]), str(params["expires_on"]), int(params["days"])
    # The day the mail is sent, not the one the job was queued for: the schedule runs a job again on later
    # days when its mail failed, and "あと何日" must be counted from the day it arrives.
    today = jst_date(rt.clock.now())
    committee = rt.db.get(keys.committee(str(params["committee_id"])))
    programme = programmes.get(rt.db, programme_id, consistent=True)
    if committee is None or programme is None:
        jobs.fail(rt, job, "商品券事業が見つかりません。")
        return
    paced = pacer or mailing.pacer_for(rt)
    base = rt.require(MailConfig).public_base_url.rstrip("/")
    stores_url = f"{base}/wallet/?s={committee['wallet_service_id']}#stores"
    days_left = (date.fromisoformat(expires_on) - date.fromisoformat(today)).days

    def remind(holder: Item, checkpoint: jobs.Checkpoint) -> None:
        wallet_id = str(holder["wallet_id"])
        checkpoint["wallets"] += 1
        wallet = wallets.get(rt.db, wallet_id, consistent=False)
        amount = at_risk(wallet, programme_id, expires_on, today) if wallet else 0
        if wallet is None or not wallet.active or not amount or not wallet.email:
            checkpoint["skipped"] += 1
            return
        wallet_email = wallet.email
        outcome = mailing.send_once(
            rt,
            keys.reminder_mark(wallet_id, programme_id, expires_on, days_before),
            "reminder_mark",
            job_id,
            lambda: reminder_mail(
                wallet_email,
                service_name=str(committee["wallet_service_name"]),
                amount=amount,
                expires_on=expires_on,
                days_left=days_left,
                stores_url=stores_url,
                committee=committee,
            ),
            paced,
        )
        checkpoint[outcome] += 1

    done = jobs.through_pages(rt, job, should_pause, REMINDERS, jobs.holders(rt, programme_id), remind)
    if done is None:
        return
    failed = f"、送信できなかったもの {done['failed']:,}件" if done["failed"] else ""
    message = f"{done['sent']:,}人に送信しました(対象外・送信済み {done['skipped']:,}人{failed})。"
    jobs.finish(rt, job, REMINDERS, done, message)
