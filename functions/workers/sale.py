"""申込・抽選 jobs (issue 15): the draw, computed from the seed the console stored and audited, and the
results email (当選・落選) to every wallet applicant, paced to SES's sending rate.

The draw is a pure function of (applications, rule, seed) (shoken.allocation), so a lap that dies
half-way is simply run again and writes the same result (shoken.sale.finish_draw)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from shoken import audit, mail, privacy, sale
from shoken.config import MailConfig
from shoken.db import jobs as job_items
from shoken.db import keys, programmes, wallets
from shoken.db.dynamo import Item
from shoken.principal import Scope
from shoken.runtime import Runtime
from shoken.status import DrawState, JobState
from workers import jobs, mailing


def _running(rt: Runtime, job: Item, message: str) -> str:
    """Marks the draw job running and gives its programme's id."""
    job_items.update(rt.db, str(job["job_id"]), rt.clock.now(), state=JobState.RUNNING, message=message)
    return str(job["params"]["programme_id"])


def run_draw(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    done = sale.finish_draw(rt, _running(rt, job, "抽選中"))
    applicants, winners, units_won = int(done["applicants"]), int(done["winners"]), int(done["units_won"])
    message = f"抽選が終わりました。申込 {applicants:,}人のうち当選 {winners:,}人・{units_won:,}冊です。"
    # The result's audit entry before the job is marked done: a lap that dies between them reruns the
    # (finished, so unchanged) draw and repeats the entry, rather than leaving the result unaudited.
    _audit(
        rt, job, "draw_done", rule=str(done["draw_rule"]), applicants=applicants, winners=winners, units_won=units_won
    )
    jobs.done(rt, job, message, done_count=applicants, total_count=applicants)


def _audit(rt: Runtime, job: Item, action: str, **facts: Any) -> None:
    """The draw's audit entry, by whoever queued the job, on the programme."""
    scope = Scope(str(job["scope"].get("committee_id")))
    programme_id = str(job["params"]["programme_id"])
    audit.record(
        rt, action, actor=dict(job["owner"]), scope=scope, target_type="programme", target_id=programme_id, **facts
    )


def run_second_round(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    """二次抽選: lapse the unbought units and draw them among those not fully served (re-run: same result)."""
    done = sale.finish_second_round(rt, _running(rt, job, "二次抽選中"))
    pool, winners, applicants = int(done["round2_pool"]), int(done["round2_winners"]), int(done["round2_applicants"])
    message = f"二次抽選が終わりました。未購入 {pool:,}冊を {winners:,}人に配分しました。"
    units_won = int(done["round2_units_won"])
    _audit(  # before done, as the draw's
        rt, job, "second_round_done", units_on_sale=pool, applicants=applicants, winners=winners, units_won=units_won
    )
    jobs.done(rt, job, message, done_count=applicants, total_count=applicants)


# --- 当選・落選メール (issue 15.4) --------------------------------------------------------------------------
def result_mail(
    to: str, *, service_name: str, programme_name: str, won_units: int, committee: Item, url: str
) -> mail.Mail:
    if won_units:
        subject = f"【{service_name}】{programme_name} 抽選結果のお知らせ(当選)"
        lead = (
            f"{programme_name}の購入申込について、抽選の結果、{won_units}冊が当選しました。\n"
            "アプリの「商品券の購入申込」で当選冊数と購入の方法をご確認ください。"
        )
    else:
        subject = f"【{service_name}】{programme_name} 抽選結果のお知らせ"
        lead = (
            f"{programme_name}の購入申込について、厳正な抽選の結果、誠に残念ながら今回は落選となりました。\n"
            "ご応募いただきありがとうございました。"
        )
    return _result_mail(to, subject, lead, committee, url)


def _result_mail(to: str, subject: str, lead: str, committee: Item, url: str) -> mail.Mail:
    """A results mail: its lead, the app's address and the committee's contact."""
    contact = f"■お問い合わせ先:{committee['name']}" + (
        f"\n  電話 {committee['contact_phone']}" if committee.get("contact_phone") else ""
    )
    return mail.Mail(to=to, subject=subject, body=f"{lead}\n\n■アプリ:\n{url}\n\n{contact}" + mail.FOOTER)


def second_round_mail(
    to: str, *, service_name: str, programme_name: str, won_units: int, purchase_end: str, committee: Item, url: str
) -> mail.Mail:
    """二次抽選の当選: sent to the second round's winners only (the others' first mail still stands)."""
    day = date.fromisoformat(purchase_end)
    lead = (
        f"{programme_name}の購入申込について、二次抽選の結果、{won_units}冊が当選しました。\n"
        f"購入期限は{day.year}年{day.month}月{day.day}日です。"
        "アプリの「商品券の購入申込」で当選冊数と購入の方法をご確認ください。"
    )
    subject = f"【{service_name}】{programme_name} 二次抽選の結果のお知らせ(当選)"
    return _result_mail(to, subject, lead, committee, url)


RESULTS = jobs.Pass("送信中", ("seen", "sent", "skipped", "failed"))


def run_notify(rt: Runtime, job: Item, should_pause: Callable[[], bool], *, pacer: mailing.Paces | None = None) -> None:
    """Email each wallet applicant their result, paced to SES's sending rate; once per application and
    round (a marker put on a condition before sending), so a re-run sends only what was not sent (or
    failed). Once the second round is drawn, its winners get a second mail with their units and 購入期限."""
    job_id = str(job["job_id"])
    programme_id = str(job["params"]["programme_id"])
    programme = programmes.get(rt.db, programme_id, consistent=True)
    settings_record = sale.settings(rt, programme_id)
    if programme is None or settings_record is None or settings_record.get("draw_state") != DrawState.DRAWN:
        jobs.fail(rt, job, "抽選が終わっていません。")
        return
    committee = rt.db.get(keys.committee(str(programme["committee_id"]))) or {"name": ""}
    paced = pacer or mailing.pacer_for(rt)
    base = rt.require(MailConfig).public_base_url.rstrip("/")
    url = f"{base}/wallet/?s={committee.get('wallet_service_id', '')}"

    def notify(application: Item, checkpoint: jobs.Checkpoint) -> None:
        checkpoint["seen"] += 1
        matching_hash = str(application["L1SK"])
        wallet = wallets.get(rt.db, str(application["wallet_id"])) if application.get("wallet_id") else None
        if wallet is None or not wallet.active or not wallet.email:
            checkpoint["skipped"] += 1  # paper applications are answered by post
            return
        wallet_email = wallet.email
        service_name, programme_name = str(committee.get("wallet_service_name", "")), str(programme["name"])
        first = partial(
            result_mail, wallet_email, service_name=service_name, programme_name=programme_name,
            won_units=int(application.get("won_units", 0)), committee=committee, url=url,
        )  # fmt: skip
        checkpoint[send(matching_hash, 1, first)] += 1
        won2 = int(application.get("won2_units", 0))
        if won2 and settings_record.get("round2_state") == DrawState.DRAWN:
            second = partial(
                second_round_mail, wallet_email, service_name=service_name, programme_name=programme_name,
                won_units=won2, purchase_end=str(settings_record["round2_purchase_end"]), committee=committee,
                url=url,
            )  # fmt: skip
            checkpoint[send(matching_hash, 2, second)] += 1

    def send(matching_hash: str, round_no: int, message: Callable[[], mail.Mail]) -> str:
        pk, sk = keys.sale_result_mark(programme_id, matching_hash, round_no)
        # deleted with the programme's resident data (issue 23.3)
        tag = privacy.tag(programme_id, pk, sk)
        return mailing.send_once(rt, (pk, sk), "sale_result_mark", job_id, message, paced, **tag)

    def pages(start_key: Any) -> tuple[list[Item], Any]:
        page = rt.db.query(
            index="list1", pk_name="L1PK", pk=keys.application_list(programme_id), limit=200, start_key=start_key
        )
        return page.items, page.last_key

    total = int(settings_record.get("applicants", 0))
    done = jobs.through_pages(rt, job, should_pause, RESULTS, pages, notify, total_count=total)
    if done is None:
        return
    failed = f"、送信できなかったもの {done['failed']:,}件" if done["failed"] else ""
    skipped = f"対象外・送信済み {done['skipped']:,}件{failed}"
    jobs.finish(rt, job, RESULTS, done, f"抽選結果を{done['sent']:,}件送信しました({skipped})。")
