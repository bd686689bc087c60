"""The daily schedule (EventBridge Scheduler in AWS; the local server's timer locally).

Queues a lapse job for each programme whose usage period has ended and that has not lapsed yet, an
expiry-reminder job (失効お知らせメール) for each programme whose end is a reminder day away, and a
deletion job for each programme whose residents' personal data is past its retention (issue 23.3).
Job ids are derived from the programme and the day, so running the schedule again queues nothing new.
It first gives a new lap to any job whose lap died (claimed and its lease passed, shoken.db.jobs).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from shoken import history_migration, privacy, runtime
from shoken.clock import jst_date
from shoken.config import WorkerConfig
from shoken.db import committees, jobs, keys, programmes
from shoken.db.dynamo import ConditionFailed
from shoken.observability import entry, logger
from shoken.runtime import Runtime
from shoken.status import JobState
from workers import totals

if TYPE_CHECKING:  # only the annotations name it: the runtime import costs a cold start about 5 ms (issue 19)
    from aws_lambda_powertools.utilities.typing import LambdaContext


def queue_lapses(rt: Runtime, today: str) -> list[str]:
    queued = []
    for committee in committees.list_all(rt.db):
        for programme in programmes.list_for_committee(rt.db, str(committee["committee_id"])):
            if str(programme["use_end"]) >= today or programme.get("lapsed_on"):
                continue
            job_id = f"lapse-{programme['programme_id']}-{today}"
            # queued once a day: the id is the programme's and the day's
            if _queue(rt, job_id, "lapse", committee, programme, {"date": today},
                      label=f"残高失効「{programme['name']}」",
                      shared_list=f"LAPSES#{committee['committee_id']}"):  # fmt: skip
                queued.append(job_id)
    return queued


def _queue(
    rt: Runtime,
    job_id: str,
    job_kind: str,
    committee: dict[str, Any],
    programme: dict[str, Any],
    params: dict[str, Any],
    *,
    label: str,
    shared_list: str,
) -> bool:
    """Creates the schedule's job on the programme unless one of that id is there already (False then)."""
    record = jobs.item(
        job_id,
        job_kind=job_kind,
        owner={"user_id": "schedule", "role": "system"},
        scope={"committee_id": str(committee["committee_id"])},
        params={"programme_id": programme["programme_id"], "committee_id": committee["committee_id"], **params},
        now=rt.clock.now(),
        label=label,
        shared_list=shared_list,
    )
    try:
        jobs.create(rt.db, record)
    except ConditionFailed:
        return False
    return True


def reminder_day(programme: dict[str, Any], today: str) -> int | None:
    """The reminder due today: the smallest of the programme's reminder days that the end is within.

    A day the schedule did not run is caught up on the next run (e.g. the 30-day mail goes 29 days
    before); a reminder a smaller one has overtaken (a programme made 5 days before its end) is skipped.
    """
    left = (date.fromisoformat(str(programme["use_end"])) - date.fromisoformat(today)).days
    due = [d for d in programmes.reminder_days(programme) if 0 <= left <= d]
    return min(due) if due else None


def queue_reminders(rt: Runtime, today: str) -> list[str]:
    queued = []
    for committee in committees.list_all(rt.db):
        for programme in programmes.list_for_committee(rt.db, str(committee["committee_id"])):
            days = reminder_day(programme, today)
            if days is None or programme.get("lapsed_on"):
                continue
            expires_on = str(programme["use_end"])
            job_id = f"remind-{programme['programme_id']}-{expires_on}-D{days:03d}"
            # queued once for this expiry date and reminder day, and run again while some of its mails did not go
            params = {"expires_on": expires_on, "days": days, "date": today}
            label = f"失効お知らせメール「{programme['name']}」({days}日前)"
            shared = keys.reminder_jobs(str(committee["committee_id"]))
            if _queue(
                rt, job_id, "remind", committee, programme, params, label=label, shared_list=shared
            ) or _reminders_missing(rt, job_id):
                queued.append(job_id)
    return queued


def _reminders_missing(rt: Runtime, job_id: str) -> bool:
    """Today's reminder job ran before and failed, or ended with mails SES refused: it runs again
    (its markers skip every mail that went; a failed one is claimed again). True if it was started."""
    job = jobs.get(rt.db, job_id)
    if job is None:
        return False
    failed = job.get("state") == JobState.FAILED or int((job.get("checkpoint") or {}).get("failed", 0)) > 0
    return failed and jobs.run_again(rt.db, job, rt.clock.now())


def queue_retention(rt: Runtime, today: str) -> list[str]:
    """Issue 23.3: a deletion job for each programme whose personal data is past its retention."""
    queued = []
    for committee in committees.list_all(rt.db):
        for programme in programmes.list_for_committee(rt.db, str(committee["committee_id"])):
            if privacy.is_due(programme, today) and privacy.queue_retention(rt, programme, today):
                queued.append(privacy.retention_job_id(programme, today))
    return queued


def resume_stalled(rt: Runtime) -> list[str]:
    """Jobs whose lap died (claimed, lease passed) or whose message was lost get a new lap; finished
    jobs leave the open list. A resumed lap starts from the job's checkpoint, and every runner is
    safe to run again (grant marks, lapse conditions, reminder marks, export parts by lap)."""
    now = rt.clock.now()
    resumed = []
    for job_id in jobs.open_jobs(rt.db):
        job = jobs.get(rt.db, job_id)
        if job is None or job.get("state") not in jobs.UNFINISHED:
            jobs.forget_open(rt.db, job_id)
            continue
        if jobs.resume_if_stalled(rt.db, job, now):
            logger.warning("stalled job resumed", extra={"job_id": job_id, "job_kind": job.get("job_kind")})
            resumed.append(job_id)
    return resumed


REBUILD_TOTALS = "rebuild_totals"


def rebuild_totals(rt: Runtime, event: dict[str, Any]) -> dict[str, Any]:
    committee_id = str(event.get("committee_id") or "")
    if not committee_id or committees.get(rt.db, committee_id) is None:
        return {"error": f"no committee {committee_id!r}"}
    try:
        done = totals.rebuild(rt, committee_id, str(event.get("date_from")), str(event.get("date_to")))
    except totals.RebuildRefused as refused:
        return {"error": refused.text_in("en")}
    logger.info("report totals rebuilt", extra=done.as_dict())
    return done.as_dict()


MIGRATE_HISTORY = "migrate_history"


def migrate_history(rt: Runtime, event: dict[str, Any]) -> dict[str, Any]:
    """Queue the job that moves pre-sharding transactions to the sharded by_committee keys."""
    try:
        job = history_migration.queue(
            rt,
            date_from=str(event.get("date_from") or ""),
            date_to=event.get("date_to"),
            committee_id=event.get("committee_id"),
        )
    except history_migration.MigrationRefused as refused:
        return {"error": str(refused)}
    logger.info("history migration queued", extra={"job_id": job["job_id"]})
    return {"job_id": job["job_id"], **job["params"]}


@entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The daily expiry ({"job": "expire"}, the schedule's input) or, invoked by an operator,
    {"job": "rebuild_totals", "committee_id": "1", "date_from": "2026-11-01", "date_to": "2026-11-30"}
    or {"job": "migrate_history", "date_from": "2026-04-01"} (optionally "date_to", "committee_id")."""
    rt = runtime.get(WorkerConfig)
    if event.get("job") == REBUILD_TOTALS:
        return rebuild_totals(rt, event)
    if event.get("job") == MIGRATE_HISTORY:
        return migrate_history(rt, event)
    today = str(event.get("date") or jst_date(rt.clock.now()))
    resumed = resume_stalled(rt)  # before queuing: today's new jobs are not stalled
    if resumed:
        logger.warning("stalled jobs resumed", extra={"count": len(resumed)})
    queued = queue_lapses(rt, today)
    logger.info("lapse jobs queued", extra={"count": len(queued), "date": today})
    reminders = queue_reminders(rt, today)
    logger.info("reminder jobs queued", extra={"count": len(reminders), "date": today})
    deletions = queue_retention(rt, today)
    logger.info("personal data deletion jobs queued", extra={"count": len(deletions), "date": today})
    return {"date": today, "queued": queued, "reminders": reminders, "retention": deletions, "resumed": resumed}
