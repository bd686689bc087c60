"""Issue 18: the committee's contact and the stage badge on every screen, notices, expiry reminders."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from local.streams import Stream
from shoken import money
from shoken.clock import JST, FrozenClock, jst_date
from shoken.db import committees, jobs, keys, wallets
from shoken.db.dynamo import Item
from shoken.runtime import Runtime
from tests.integration.conftest import City, merchant_login, wallet_login
from tests.support import mailbox
from tests.support.client import Client
from tests.support.races import race
from tests.support.world import World


def audited(rt: Runtime, client: Client, action: str) -> list[dict]:
    today = jst_date(rt.clock.now())
    return list(client.get(f"/api/admin/audit?date_from={today}&date_to={today}&action={action}").json["items"])


# --- contact and stage --------------------------------------------------------------------------------
def test_site_names_the_stage_and_each_committees_contact_which_its_admin_edits(
    rt: Runtime, city: City, as_console: Callable[[str], Client]
) -> None:
    # Given the committee admin of city 1, and the committee as it is
    admin = as_console("ena-0001")
    path = f"/api/admin/committees/{city.committee['committee_id']}"
    current = admin.get(path).json
    fields = {k: current[k] for k in ("name", "city", "issuer_name", "wallet_service_name", "external_acquirer_id")}
    # When they set the contact, with the committee's one update (the old /contact route is gone)
    contact = {"name": "恵那市商品券事業実行委員会", "contact_phone": "0573-54-2902", "contact_hours": "平日8:30~17:00"}
    reply = admin.put(path, {**fields, **contact})
    assert reply.status == 200, reply
    assert admin.put(f"{path}/contact", contact).status == 404
    # Then every sign-in screen's /api/site carries it, with the stage badge (not prod)
    site = Client("wallet").get("/api/site").json
    assert site["stage"] == "local" and site["stage_label"] == "ローカル"
    ena = next(c for c in site["committees"] if c["committee_id"] == city.committee["committee_id"])
    assert (ena["name"], ena["contact_phone"], ena["contact_hours"]) == (
        "恵那市商品券事業実行委員会",
        "0573-54-2902",
        "平日8:30~17:00",
    )
    assert admin.get(path).json["contact_phone"] == "0573-54-2902"
    # One audit entry, naming in Japanese what changed
    [entry] = audited(rt, admin, "committee_updated")
    assert entry["target_id"] == city.committee["committee_id"] and entry["target_label"].startswith("アクワイアラ")
    changed = {"contact_phone", "contact_hours"} | ({"name"} if current["name"] != contact["name"] else set())
    assert set(entry["detail"]["fields"]) == changed, entry
    assert "問い合わせ電話番号" in entry["detail_label"] and "問い合わせ受付時間" in entry["detail_label"]
    assert audited(rt, admin, "committee_contact_updated") == []
    # A bad phone number or an empty name is refused in Japanese and nothing is written
    bad = admin.put(path, {**fields, "name": "", "contact_phone": "call me<script>"})
    assert bad.status == 400 and {d["field"].split(".")[-1] for d in bad.json["error"]["details"]} >= {
        "name",
        "contact_phone",
    }
    assert all(d["reason_ja"] for d in bad.json["error"]["details"])
    assert admin.get(path).json["name"] == "恵那市商品券事業実行委員会"
    # Another committee's admin cannot read or change it; a company admin reads but cannot change
    other = as_console("oth-0001")
    assert other.get(path).status == 404 and other.put(path, {**fields, "name": "乗っ取り"}).status == 404
    # A company admin sees the contact in the footer (/api/site) but cannot change it
    company = as_console("ena-0002")
    assert company.put(path, {**fields, "name": "x"}).status == 403
    assert admin.get(path).json["name"] == "恵那市商品券事業実行委員会"


def test_prod_shows_no_stage_badge() -> None:
    from auth.site import stage_label

    assert stage_label("prod") is None
    assert stage_label("dev") == "開発" and stage_label("local") == "ローカル"


# --- notices ------------------------------------------------------------------------------------------
def notice(title: str, audience: str, start: str, end: str, **extra: str) -> dict[str, str]:
    return {
        "title": title,
        "body": f"{title}の本文",
        "start_date": start,
        "end_date": end,
        "audience": audience,
    } | extra


def days(rt: Runtime, n: int) -> str:
    return (rt.clock.now() + timedelta(days=n)).astimezone(JST).date().isoformat()


def titles(client: Client, path: str) -> dict[str, bool]:
    reply = client.get(path)
    assert reply.status == 200, reply
    return {item["title"]: item["unread"] for item in reply.json["items"]}


def test_each_reader_sees_exactly_the_notices_of_their_audience_and_marks_clear_per_reader(
    rt: Runtime, world: World, city: City, as_console: Callable[[str], Client]
) -> None:
    # Given a committee with two programmes, stores in two areas and a resident holding only P1
    committees.add_areas(rt.db, "1", {"大井町", "岩村町"})
    world.programme(city.committee, "P1")
    world.programme(city.committee, "P2")
    terms = money.ProgrammeTerms("P1", 10_000, {money.VoucherType.COMMON: 13_000}, days(rt, -5), days(rt, 60))
    world.wallet(city.committee, "holder@example.jp", buckets=money.purchase_buckets(terms, 1, source="s1", created_at=world.now))  # fmt: skip
    world.wallet(city.committee, "plain@example.jp")
    iwamura = dict(city.other_store, area="岩村町")
    world.put(iwamura)
    admin = as_console("ena-0001")
    today, later = days(rt, 0), days(rt, 10)
    for body in (
        notice("全員へ", "residents", today, later),
        notice("P1保有者へ", "programme", today, later, programme_id="P1"),
        notice("P2保有者へ", "programme", today, later, programme_id="P2"),
        notice("加盟店へ", "merchants", today, later),
        notice("大井町の店へ", "area", today, later, area="大井町"),
        notice("明日から", "residents", days(rt, 1), later),
    ):
        assert admin.post("/api/admin/notices", body).status == 200
    assert as_console("oth-0001").post("/api/admin/notices", notice("他市", "residents", today, later)).status == 200
    holder, plain = wallet_login("holder@example.jp"), wallet_login("plain@example.jp")
    oi_shop = merchant_login(city.terminal, "shopuser01")
    iwamura_shop = merchant_login(city.other_terminal, "shopuser02")

    # Then each reader sees what their audience is sent today, all unread
    assert titles(holder, "/api/wallet/notices") == {"全員へ": True, "P1保有者へ": True}
    assert titles(plain, "/api/wallet/notices") == {"全員へ": True}
    assert titles(oi_shop, "/api/merchant/notices") == {"加盟店へ": True, "大井町の店へ": True}
    assert titles(iwamura_shop, "/api/merchant/notices") == {"加盟店へ": True}
    assert holder.get("/api/wallet/notices").json["unread_count"] == 2

    # When the holder opens one, its mark clears for the holder only
    first = next(i for i in holder.get("/api/wallet/notices").json["items"] if i["title"] == "全員へ")
    assert holder.post(f"/api/wallet/notices/{first['notice_id']}/read").json["unread"] is False
    assert titles(holder, "/api/wallet/notices") == {"全員へ": False, "P1保有者へ": True}
    assert titles(plain, "/api/wallet/notices") == {"全員へ": True}
    # A notice the reader is not sent cannot be marked (nor probed): not found
    p2 = next(i for i in admin.get("/api/admin/notices").json["items"] if i["title"] == "P2保有者へ")
    assert holder.post(f"/api/wallet/notices/{p2['notice_id']}/read").status == 404
    assert oi_shop.post(f"/api/merchant/notices/{first['notice_id']}/read").status == 404

    # When the committee edits one and withdraws another, readers see it at once; every change is audited
    edited = admin.put(f"/api/admin/notices/{first['notice_id']}", notice("全員へ(訂正)", "residents", today, later))
    assert edited.status == 200, edited
    assert admin.post(f"/api/admin/notices/{p2['notice_id']}/withdraw").json["status_label"] == "取下げ"
    assert set(titles(holder, "/api/wallet/notices")) == {"全員へ(訂正)", "P1保有者へ"}
    assert admin.post(f"/api/admin/notices/{p2['notice_id']}/withdraw").code == "notice_closed"
    assert len(audited(rt, admin, "notice_created")) == 6
    assert [e["target_id"] for e in audited(rt, admin, "notice_updated")] == [first["notice_id"]]
    assert [e["target_id"] for e in audited(rt, admin, "notice_withdrawn")] == [p2["notice_id"]]


def test_a_notice_with_bad_input_is_refused_in_japanese_and_nothing_is_written(
    rt: Runtime, world: World, city: City, as_console: Callable[[str], Client]
) -> None:
    world.programme(city.other_committee, "P9")
    admin = as_console("ena-0001")
    today, later = days(rt, 0), days(rt, 10)
    cases = {
        "end before start": (notice("逆", "residents", later, today), "掲載終了日が掲載開始日より前です"),
        "empty body": (notice("空", "residents", today, later) | {"body": "   \n "}, "本文を入力してください"),
        "unknown audience": (notice("誰", "everyone", today, later), "お知らせの対象は"),
        "another city's programme": (notice("他", "programme", today, later, programme_id="P9"), "商品券事業を選択"),
        "unknown area": (notice("地", "area", today, later, area="月面"), "地区"),
        "ended already": (notice("昔", "residents", days(rt, -9), days(rt, -1)), "過去の日付"),
    }
    for name, (body, words) in cases.items():
        reply = admin.post("/api/admin/notices", body)
        assert reply.status == 400, (name, reply)
        assert words in reply.json["error"]["message"] + str(reply.json["error"].get("details")), (name, reply)
    assert admin.get("/api/admin/notices").json["items"] == []
    # Script in the body is kept as the text it is (the apps show it as text, never as markup)
    script = "<script>alert(1)</script> 詳しくは https://example.jp/a?b=1 を御覧ください"
    made = admin.post("/api/admin/notices", notice("表示", "residents", today, later) | {"body": script})
    assert made.status == 200 and made.json["body"] == script


def test_a_notice_that_has_ended_can_no_longer_be_edited_or_withdrawn(
    rt: Runtime, clock: FrozenClock, city: City, as_console: Callable[[str], Client]
) -> None:
    admin = as_console("ena-0001")
    made = admin.post("/api/admin/notices", notice("短い", "merchants", days(rt, 0), days(rt, 1))).json
    clock.advance(days=2)
    admin = as_console("ena-0001")
    assert admin.get(f"/api/admin/notices/{made['notice_id']}").json["status_label"] == "掲載終了"
    body = notice("延長", "merchants", days(rt, 0), days(rt, 5))
    assert admin.put(f"/api/admin/notices/{made['notice_id']}", body).code == "notice_closed"
    assert admin.post(f"/api/admin/notices/{made['notice_id']}/withdraw").code == "notice_closed"
    assert titles(merchant_login(city.terminal, "shopuser01"), "/api/merchant/notices") == {}


# --- expiry reminders (失効お知らせメール) --------------------------------------------------------------
class Reminders:
    """Programme P1 ends in 30 days; Hanako holds 13,000 yen of it, Jiro spent all of his, Saburo's
    wallet is suspended; Shiro's value expires on another day."""

    def __init__(self, rt: Runtime, world: World, city: City) -> None:
        self.rt = rt
        self.ends = days(rt, 30)
        self.programme = world.programme(city.committee, "P1", use_end=self.ends)
        terms = money.ProgrammeTerms("P1", 10_000, {money.VoucherType.COMMON: 13_000}, days(rt, -5), self.ends)
        self.wallets: dict[str, Item] = {}
        for name, balance, status, expires in (
            ("hanako", 13_000, "active", self.ends),
            ("jiro", 0, "active", self.ends),
            ("saburo", 13_000, "suspended", self.ends),
            ("shiro", 13_000, "active", days(rt, 40)),
        ):
            buckets = money.purchase_buckets(
                dataclasses.replace(terms, expires_on=expires), 1, source=name, created_at=world.now
            )
            if not balance:
                buckets = [dataclasses.replace(b, balance=0) for b in buckets]
            record = world.wallet(city.committee, f"{name}@example.jp", buckets=buckets)
            record["status"] = status
            world.put(record, wallets.holder_item("P1", str(record["wallet_id"])))
            self.wallets[name] = record

    def mails(self) -> list[dict[str, Any]]:
        return [m for m in mailbox.sent() if "有効期限が近づいています" in m["subject"]]

    def job(self, job_id: str) -> Item:
        record = jobs.get(self.rt.db, job_id)
        assert record is not None
        return record


def test_a_reminder_goes_once_to_each_resident_with_value_to_lose_even_when_run_again(
    rt: Runtime, world: World, city: City, stream: Stream, as_console: Callable[[str], Client]
) -> None:
    from workers import remind, schedule

    # Given a programme that ends in 30 days
    r = Reminders(rt, world, city)
    today = days(rt, 0)
    # When the daily schedule runs (twice the same day) and the job runs
    queued = schedule.queue_reminders(rt, today)
    assert queued == [f"remind-P1-{r.ends}-D030"]
    assert schedule.queue_reminders(rt, today) == []
    stream.drain()
    # Then only Hanako is emailed: the amount, the date and the store list
    mails = r.mails()
    assert [m["to"] for m in mails] == [["hanako@example.jp"]]
    ends = date.fromisoformat(r.ends)
    assert "13,000円分" in mails[0]["body"] and f"{ends.year}年{ends.month}月{ends.day}日" in mails[0]["body"]
    assert "/wallet/?s=enacity#stores" in mails[0]["body"] and "あと30日" in mails[0]["body"]
    job = r.job(queued[0])
    assert job["state"] == "done" and job["checkpoint"]["sent"] == 1 and job["checkpoint"]["skipped"] == 3
    # The console lists the job with its counts
    listed = as_console("ena-0001").get("/api/admin/reminders").json["items"]
    assert [(j["label"], j["state_label"]) for j in listed] == [("失効お知らせメール「令和8年 恵那市プレミアム付商品券」(30日前)", "完了")]  # fmt: skip
    assert "1人に送信しました" in listed[0]["message"]
    # When the same job runs again from the start (a re-run), nobody is emailed twice
    remind.run(rt, {**job, "checkpoint": None}, lambda: False)
    assert len(r.mails()) == 1
    # And 7 days before, the second reminder goes (once)
    assert schedule.reminder_day(r.programme, days(rt, 23)) == 7
    assert schedule.reminder_day(r.programme, days(rt, 22)) == 30
    assert schedule.reminder_day(r.programme, days(rt, 31)) is None


def test_two_programmes_ending_the_same_day_are_each_reminded_of(
    rt: Runtime, world: World, city: City, stream: Stream
) -> None:
    from workers import schedule

    # Given Hanako holds 13,000 yen of P1 and 6,500 yen of P2, both ending in 30 days
    r = Reminders(rt, world, city)
    world.programme(city.committee, "P2", use_end=r.ends)
    terms = money.ProgrammeTerms("P2", 5_000, {money.VoucherType.COMMON: 6_500}, days(rt, -5), r.ends)
    hanako = dict(r.wallets["hanako"])
    more = money.purchase_buckets(terms, 1, source="hanako-p2", created_at=world.now)
    hanako["buckets"] = {**hanako["buckets"], **{b.bucket_id: b.to_item() for b in more}}
    world.put(hanako, wallets.holder_item("P2", str(hanako["wallet_id"])))
    # When the daily schedule queues both programmes' reminders and they run
    assert sorted(schedule.queue_reminders(rt, days(rt, 0))) == [f"remind-P1-{r.ends}-D030", f"remind-P2-{r.ends}-D030"]
    stream.drain()
    # Then she is told of each amount: one mail for each programme, none skipped for the other's
    bodies = sorted(m["body"] for m in r.mails() if m["to"] == ["hanako@example.jp"])
    assert len(bodies) == 2 and any("13,000円分" in b for b in bodies) and any("6,500円分" in b for b in bodies)


def test_two_runs_at_once_send_each_reminder_once(rt: Runtime, world: World, city: City) -> None:
    from workers import remind, schedule

    r = Reminders(rt, world, city)
    for n in range(2, 6):  # more residents with value to lose, so the runs overlap on many of them
        record = world.wallet(city.committee, f"many{n}@example.jp", buckets=money.buckets_of(r.wallets["hanako"]))
        world.put(wallets.holder_item("P1", str(record["wallet_id"])))
    [job_id] = schedule.queue_reminders(rt, days(rt, 0))
    job = r.job(job_id)
    # When eight workers run the same job at the same moment (threads against serialized moto)
    race(lambda n: remind.run(rt, job, lambda: False, pacer=remind.Pacer(1000)))
    # Then every resident with value to lose got exactly one email
    sent = sorted(m["to"][0] for m in r.mails())
    assert sent == sorted(["hanako@example.jp", *(f"many{n}@example.jp" for n in range(2, 6))])
    marks = [rt.db.get(keys.reminder_mark(str(w), "P1", r.ends, 30)) for w in (r.wallets["hanako"]["wallet_id"],)]
    assert all(m and m["state"] == "sent" for m in marks)


def test_a_run_that_died_after_claiming_is_taken_over_once_its_lease_has_passed(
    rt: Runtime, world: World, city: City, clock: FrozenClock
) -> None:
    from workers import remind, schedule

    r = Reminders(rt, world, city)
    [job_id] = schedule.queue_reminders(rt, days(rt, 0))
    hanako = str(r.wallets["hanako"]["wallet_id"])
    # Given a run that put Hanako's marker and died before sending
    assert remind.claim(rt, hanako, "P1", r.ends, 30, "crashed-run")
    remind.run(rt, r.job(job_id), lambda: False)
    assert r.mails() == []  # within the lease another run keeps off
    clock.advance(minutes=16)
    remind.run(rt, {**r.job(job_id), "checkpoint": None}, lambda: False)
    assert [m["to"] for m in r.mails()] == [["hanako@example.jp"]]
    remind.run(rt, {**r.job(job_id), "checkpoint": None}, lambda: False)
    assert len(r.mails()) == 1


def test_sends_are_paced_to_the_configured_rate() -> None:
    from workers import remind

    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = remind.Pacer(10, clock=lambda: now[0], sleep=sleep)
    for _ in range(25):
        pacer.wait()
    assert now[0] == pytest.approx(2.4)  # 25 sends at 10 a second: the last one 2.4 s after the first


def test_two_mail_jobs_at_once_share_one_sending_rate(rt: Runtime) -> None:
    from workers import mailing

    now = [1_800_000_000.0]
    sent_at: list[float] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds

    # Given the reminders and a draw's results mail, each pacing itself at SES's 10 a second
    reminders, results = (mailing.SharedPacer(rt, 10, clock=lambda: now[0], sleep=sleep) for _ in range(2))
    # When they send at the same time, turn about
    for n in range(25):
        (reminders if n % 2 else results).wait()
        sent_at.append(now[0])
    # Then together they keep to 10 a second (each alone would have allowed 20): one slot per 0.1 s
    assert sent_at[-1] - sent_at[0] == pytest.approx(2.4)
    assert all(b - a == pytest.approx(0.1, abs=1e-5) for a, b in itertools.pairwise(sent_at))
    # And after a quiet while the rate is free again at once
    now[0] += 60
    before = now[0]
    reminders.wait()
    assert now[0] == before


def test_a_mail_ses_refuses_is_counted_never_logs_the_address_and_a_re_run_retries_only_it(
    rt: Runtime, world: World, city: City, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from botocore.exceptions import ClientError

    from workers import remind, schedule

    r = Reminders(rt, world, city)
    [job_id] = schedule.queue_reminders(rt, days(rt, 0))
    real_send = remind.mail.send

    def refuse(runtime: Runtime, message: Any) -> None:
        error = {"Error": {"Code": "MessageRejected", "Message": f"Email address is not verified: {message.to}"}}
        raise ClientError(error, "SendEmail")  # type: ignore[arg-type]

    # When SES refuses Hanako's mail
    monkeypatch.setattr(remind.mail, "send", refuse)
    remind.run(rt, r.job(job_id), lambda: False)
    job = r.job(job_id)
    assert job["checkpoint"]["failed"] == 1 and "送信できなかったもの 1件" in job["message"]
    assert "hanako" not in capsys.readouterr().out  # only the error's code is logged
    # Then running the job again sends it, once
    monkeypatch.setattr(remind.mail, "send", real_send)
    remind.run(rt, {**job, "checkpoint": None}, lambda: False)
    remind.run(rt, {**job, "checkpoint": None}, lambda: False)
    assert [m["to"] for m in r.mails()] == [["hanako@example.jp"]]


def test_a_reminder_ses_refused_is_sent_by_the_next_days_schedule_and_the_retries_end(
    rt: Runtime, world: World, city: City, stream: Stream, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from workers import remind, schedule

    # Given a reminder job whose mail to Hanako SES refused (the account over its rate that morning)
    r = Reminders(rt, world, city)
    real_send = remind.mail.send

    def refuse(runtime: Runtime, message: Any) -> None:
        raise ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}}, "SendEmail")

    monkeypatch.setattr(remind.mail, "send", refuse)
    [job_id] = schedule.queue_reminders(rt, days(rt, 0))
    stream.drain()
    assert r.job(job_id)["checkpoint"]["failed"] == 1 and r.mails() == []
    # When the next day's schedule runs with SES answering again
    monkeypatch.setattr(remind.mail, "send", real_send)
    clock.advance(days=1)
    assert schedule.queue_reminders(rt, days(rt, 0)) == [job_id]
    stream.drain()
    # Then the mail goes, once, counting the days left from the day it is sent (29, not the queued day's 30)
    assert [m["to"] for m in r.mails()] == [["hanako@example.jp"]]
    assert "(あと29日)" in r.mails()[0]["body"], r.mails()[0]["body"]
    job = r.job(job_id)
    assert job["state"] == "done" and job["checkpoint"]["failed"] == 0 and job_id in jobs.open_jobs(rt.db)
    assert schedule.queue_reminders(rt, days(rt, 0)) == []


def test_a_reminder_ses_always_refuses_is_tried_again_a_bounded_number_of_days(
    rt: Runtime, world: World, city: City, stream: Stream, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from workers import remind, schedule

    # Given an address SES refuses every day
    r = Reminders(rt, world, city)

    def refuse(runtime: Runtime, message: Any) -> None:
        raise ClientError({"Error": {"Code": "MessageRejected", "Message": "Address blacklisted."}}, "SendEmail")

    monkeypatch.setattr(remind.mail, "send", refuse)
    [job_id] = schedule.queue_reminders(rt, days(rt, 0))
    stream.drain()
    # When the schedule runs on each of the next days
    again = 0
    for _ in range(jobs.MAX_RUNS_AGAIN + 3):
        clock.advance(days=1)
        again += len(schedule.queue_reminders(rt, days(rt, 0)))
        stream.drain()
    # Then the job ran again MAX_RUNS_AGAIN times, each trying the mail once more, and then stopped
    assert again == jobs.MAX_RUNS_AGAIN
    job = r.job(job_id)
    assert job["state"] == "done" and job["checkpoint"]["failed"] == 1 and r.mails() == []


def test_reminder_days_are_a_programme_setting(rt: Runtime, city: City, as_console: Callable[[str], Client]) -> None:
    from tests.integration.test_programmes_and_wallet import PROGRAMME
    from workers import schedule

    admin = as_console("ena-0001")
    made = admin.post("/api/admin/programmes", PROGRAMME).json
    assert made["reminder_days"] == [30, 7]  # the default
    path = f"/api/admin/programmes/{made['programme_id']}"
    bad = admin.put(path, {**PROGRAMME, "reminder_days": [0, 7, 7]})
    assert bad.status == 400 and "失効お知らせメールの日数" in str(bad.json["error"])
    assert admin.put(path, {**PROGRAMME, "reminder_days": [7, 14]}).json["reminder_days"] == [14, 7]
    programme = admin.get(path).json
    end = date.fromisoformat(programme["use_end"])
    assert schedule.reminder_day(programme, (end - timedelta(days=14)).isoformat()) == 14
    assert schedule.reminder_day(programme, (end - timedelta(days=20)).isoformat()) is None
