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

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shoken import mail, money
from shoken.clock import epoch, iso
from shoken.config import MailConfig, WorkerConfig
from shoken.db import jobs as job_items
from shoken.db import keys, programmes, wallets
from shoken.db.dynamo import ConditionFailed, Expr, Item
from shoken.observability import logger
from shoken.runtime import Runtime

LEASE = timedelta(minutes=15)
MARK_KEEP = timedelta(days=400)


class Pacer:
    """At most `rate` sends a second (SES's sending rate), sleeping between sends as needed."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self.clock, self.sleep = clock, sleep
        self.next_at = 0.0

    def wait(self) -> None:
        now = self.clock()
        if now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def at_risk(wallet: Item, programme_id: str, expires_on: str, today: str) -> int:
    """What the wallet will lose of the programme on `expires_on` (0: nothing to remind of)."""
    return sum(
        b.balance
        for b in money.buckets_of(wallet)
        if b.programme_id == programme_id and b.expires_on == expires_on and b.balance > 0 and b.expires_on >= today
    )


def claim(rt: Runtime, wallet_id: str, expires_on: str, days_before: int, job_id: str) -> bool:
    """Put the once-only marker; False if another run holds it (sent, or being sent under a live lease)."""
    now = rt.clock.now()
    pk, sk = keys.reminder_mark(wallet_id, expires_on, days_before)
    expr = Expr()
    condition = (
        f"attribute_not_exists(PK) OR {expr.n('state')} = {expr.v('failed')} OR ({expr.n('state')} = "
        f"{expr.v('sending')} AND {expr.n('lease_until')} < {expr.v(iso(now))})"
    )
    record = {
        "PK": pk,
        "SK": sk,
        "kind": "reminder_mark",
        "state": "sending",
        "lease_until": iso(now + LEASE),
        "job_id": job_id,
        "expires_at_epoch": epoch(now + MARK_KEEP),
    }
    try:
        rt.db.put(record, condition=condition, expr=expr)
    except ConditionFailed:
        return False
    return True


def mark_sent(rt: Runtime, wallet_id: str, expires_on: str, days_before: int) -> None:
    expr = Expr()
    rt.db.update(
        keys.reminder_mark(wallet_id, expires_on, days_before),
        f"SET {expr.n('state')} = {expr.v('sent')}, {expr.n('sent_at')} = {expr.v(iso(rt.clock.now()))}",
        expr,
    )


def mark_failed(rt: Runtime, wallet_id: str, expires_on: str, days_before: int, reason: str) -> None:
    """SES refused the mail (botocore has already retried throttling): counted, and a re-run tries again."""
    expr = Expr()
    rt.db.update(
        keys.reminder_mark(wallet_id, expires_on, days_before),
        f"SET {expr.n('state')} = {expr.v('failed')}, {expr.n('reason')} = {expr.v(reason)}",
        expr,
    )


def failure_code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", "ClientError"))
    return type(error).__name__


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


def run(rt: Runtime, job: Item, should_pause: Callable[[], bool], *, pacer: Pacer | None = None) -> None:
    job_id = str(job["job_id"])
    params = job["params"]
    programme_id, expires_on, days_before = str(params["programme_id"]), str(params["expires_on"]), int(params["days"])
    today = str(params["date"])
    committee = rt.db.get(keys.committee(str(params["committee_id"])))
    programme = programmes.get(rt.db, programme_id, consistent=True)
    if committee is None or programme is None:
        job_items.update(rt.db, job_id, rt.clock.now(), state="failed", message="商品券事業が見つかりません。")
        return
    config = rt.require(WorkerConfig)
    pacer = pacer or Pacer(config.reminder_send_rate)
    base = rt.require(MailConfig).public_base_url.rstrip("/")
    stores_url = f"{base}/wallet/?s={committee['wallet_service_id']}#stores"
    days_left = (date.fromisoformat(expires_on) - date.fromisoformat(today)).days
    checkpoint: dict[str, Any] = dict(job.get("checkpoint") or {"wallets": 0, "sent": 0, "skipped": 0, "failed": 0})
    job_items.update(rt.db, job_id, rt.clock.now(), state="running", message="送信中")
    start_key = checkpoint.get("key")
    while True:
        holders, last_key = programmes.holders(rt.db, programme_id, start_key=start_key)
        for holder in holders:
            wallet_id = str(holder["wallet_id"])
            checkpoint["wallets"] += 1
            wallet = wallets.get(rt.db, wallet_id, consistent=False)
            amount = at_risk(wallet, programme_id, expires_on, today) if wallet else 0
            if wallet is None or wallet.get("status") != "active" or not amount or not wallet.get("email"):
                checkpoint["skipped"] += 1
                continue
            if not claim(rt, wallet_id, expires_on, days_before, job_id):
                checkpoint["skipped"] += 1  # sent already (a re-run), or another run is sending it now
                continue
            message = reminder_mail(
                str(wallet["email"]),
                service_name=str(committee["wallet_service_name"]),
                amount=amount,
                expires_on=expires_on,
                days_left=days_left,
                stores_url=stores_url,
                committee=committee,
            )
            pacer.wait()
            try:
                mail.send(rt, message)
            except (ClientError, BotoCoreError) as error:
                # Only the error's code: SES's messages can name the recipient's address.
                reason = failure_code(error)
                logger.warning("reminder not sent", extra={"job_id": job_id, "wallet_id": wallet_id, "reason": reason})
                mark_failed(rt, wallet_id, expires_on, days_before, reason)
                checkpoint["failed"] += 1
                continue
            mark_sent(rt, wallet_id, expires_on, days_before)
            checkpoint["sent"] += 1
        start_key = last_key
        checkpoint["key"] = last_key
        if not last_key:
            break
        if should_pause():
            job_items.pause(rt.db, job_id, rt.clock.now(), checkpoint, done_count=checkpoint["wallets"])
            return
    failed = f"、送信できなかったもの {checkpoint['failed']:,}件" if checkpoint["failed"] else ""
    job_items.update(
        rt.db,
        job_id,
        rt.clock.now(),
        state="done",
        checkpoint=checkpoint,
        done_count=checkpoint["wallets"],
        total_count=checkpoint["wallets"],
        message=f"{checkpoint['sent']:,}人に送信しました(対象外・送信済み {checkpoint['skipped']:,}人{failed})。",
    )
