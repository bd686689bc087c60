"""Personal data jobs (issue 23): a programme's deletion after its retention, and the 開示請求 file.

Retention (job kind "retention", queued by the daily schedule or a committee admin): first the personal
fields of the programme's wallets that are done with every programme (no value left, every programme
they took part in past its retention), then every kind of the programme's resident data in
shoken.privacy.PROGRAMME_DATA, then the programme is marked. Every step deletes what it still finds,
so a run that dies is completed by the next one (the next lap, or the next day's job); the money
records (transactions, audit) are never touched. A programme still running is refused, whoever asks.

開示請求 (job kind "disclosure"): a ZIP with the JSON and a readable XLSX (or CSVs) of everything stored
about one wallet, in the export bucket under exports/ so it expires like every export; its name and
first line say that it contains personal data.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from shoken import audit, privacy, sheets
from shoken.clock import epoch, parse_iso
from shoken.config import WorkerConfig
from shoken.db import jobs as job_items
from shoken.db import keys, programmes, wallets
from shoken.db.dynamo import Expr, Item
from shoken.principal import Scope
from shoken.runtime import Runtime
from shoken.status import JobState, Status
from workers import jobs

BATCH = 500  # items deleted between two looks at the clock
RETENTION_REASON = "保存期間の経過"


def run_retention(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    job_id = str(job["job_id"])
    params = job["params"]
    programme_id, today = str(params["programme_id"]), str(params["date"])
    programme = programmes.get(rt.db, programme_id, consistent=True)
    if programme is None:
        jobs.fail(rt, job, "商品券事業が見つかりません。")
        return
    if privacy.is_running(programme, today):
        jobs.fail(rt, job, privacy.ProgrammeStillRunning.message)
        return
    if not params.get("requested_by") and not privacy.is_due(programme, today):
        deleted = programme.get("personal_data_deleted_on")
        message = "削除済みです。" if deleted else "保存期間中のため削除しません。"
        job_items.update(rt.db, job_id, rt.clock.now(), state=JobState.DONE, message=message)
        return
    if not programme.get("lapsed_on"):
        # The lapse job empties expired wallets first, so the wallets done with the programme are known;
        # the next day's run deletes then.
        job_items.update(rt.db, job_id, rt.clock.now(), state=JobState.DONE, message="失効処理の完了後に削除します。")
        return
    checkpoint: dict[str, Any] = dict(job.get("checkpoint") or {"step": 0, "deleted": {}, "erased": 0})
    job_items.update(rt.db, job_id, rt.clock.now(), state=JobState.RUNNING, message="削除中")
    if checkpoint["step"] == 0:
        if not _erase_wallets(rt, programme, today, checkpoint, should_pause):
            job_items.pause(rt.db, job_id, rt.clock.now(), checkpoint)
            return
        checkpoint["step"] = 1
    for index, holding in enumerate(privacy.PROGRAMME_DATA, start=1):
        if checkpoint["step"] > index:
            continue
        more = True
        while more:
            found = holding.find(rt.db, programme_id)
            if holding.strip:
                deleted, more = privacy.strip_fields(rt.db, found, holding.strip, BATCH)
            else:
                deleted, more = privacy.delete_keys(rt.db, found, BATCH)
            checkpoint["deleted"][holding.prefix] = checkpoint["deleted"].get(holding.prefix, 0) + deleted
            if more and should_pause():
                job_items.pause(rt.db, job_id, rt.clock.now(), checkpoint)
                return
        if holding.prefix == privacy.RESIDENT:
            rt.db.delete(keys.resident_list(programme_id))  # the pointer goes after the hashes it points to
        checkpoint["step"] = index + 1
    expr = Expr()
    rt.db.update(
        keys.programme(programme_id),
        f"SET {expr.n('personal_data_deleted_on')} = {expr.v(today)}",
        expr,
    )
    total = sum(int(n) for n in checkpoint["deleted"].values())
    audit.record(
        rt,
        "personal_data_deleted",
        actor=params.get("requested_by") or audit.SYSTEM_ACTOR,
        scope=Scope(str(programme["committee_id"])),
        target_type="programme",
        target_id=programme_id,
        deleted=total,
        erased_wallets=checkpoint["erased"],
    )
    message = f"住民名簿・申込など{total:,}件と、{checkpoint['erased']:,}人のメールアドレスを削除しました。"
    jobs.done(rt, job, message, checkpoint=checkpoint, done_count=total, total_count=total)


def _erase_wallets(
    rt: Runtime, programme: Item, today: str, checkpoint: dict[str, Any], should_pause: Callable[[], bool]
) -> bool:
    """Erase the personal fields of the programme's wallets that are done with every programme: its
    holders page by page (the page's key in the checkpoint), then the wallets that only registered
    eligibility. False when the lap must end first (the checkpoint says where to go on)."""
    programme_id = str(programme["programme_id"])
    committee_programmes = programmes.list_for_committee(rt.db, str(programme["committee_id"]))

    def erase(holder: Item, checkpoint: jobs.Checkpoint) -> None:
        checkpoint["erased"] += _erase_one(rt, str(holder["wallet_id"]), committee_programmes, today, programme_id)

    if not checkpoint.get("holders_done"):
        if not jobs.each_page(checkpoint, jobs.holders(rt, programme_id), erase, should_pause, key="holder_key"):
            return False
        checkpoint["holders_done"] = True
    registered = next(h for h in privacy.PROGRAMME_DATA if h.prefix == privacy.WALLET_ELIGIBILITY)
    for pk, _ in registered.find(rt.db, programme_id):
        checkpoint["erased"] += _erase_one(rt, pk.rsplit("#", 1)[1], committee_programmes, today, programme_id)
    return True


def _erase_one(rt: Runtime, wallet_id: str, committee_programmes: list[Item], today: str, deleting: str) -> int:
    wallet = wallets.get(rt.db, wallet_id)
    if wallet is None or wallet.status is Status.ERASED:
        return 0
    if wallet.card_number:
        return 0  # a card wallet has no address; its card's link to the resident goes with the CARD row
    if not privacy.wallet_done_with(rt, wallet, committee_programmes, today, deleting=deleting):
        return 0
    try:
        return 1 if privacy.erase_wallet(rt, wallet, actor=audit.SYSTEM_ACTOR, reason=RETENTION_REASON) else 0
    except privacy.ErasureRefused:
        return 0  # used just now: it is not done with the programmes after all


def run_disclosure(rt: Runtime, job: Item, should_pause: Callable[[], bool]) -> None:
    job_id = str(job["job_id"])
    params = job["params"]
    wallet = wallets.get(rt.db, str(params["wallet_id"]))
    if wallet is None:
        jobs.fail(rt, job, "アプリユーザが見つかりません。")
        return
    job_items.update(rt.db, job_id, rt.clock.now(), state=JobState.RUNNING, message="作成中")
    data = privacy.disclosure(rt, wallet)
    body = _zip(data, str(params.get("format") or "xlsx"))
    config = rt.require(WorkerConfig)
    stamp = sheets.file_stamp(parse_iso(str(job["created_at"])))
    key = f"exports/{job_id}.zip"
    rt.s3.put_object(
        Bucket=config.export_bucket, Key=key, Body=body, ContentType="application/zip", ServerSideEncryption="AES256"
    )
    rows = sum(len(r) for r in data["sections"].values())
    job_items.update(
        rt.db,
        job_id,
        rt.clock.now(),
        state=JobState.DONE,
        progress=100,
        done_count=rows,
        size=len(body),
        params={
            **params,
            "bucket": config.export_bucket,
            "key": key,
            "file_name": f"personal_data_disclosure_{wallet.wallet_id}_{stamp}.zip",
            "content_type": "application/zip",
            "personal": True,
        },
        file_expires_epoch=epoch(rt.clock.now() + timedelta(days=config.export_retention_days)),
        message=f"{rows:,}件(個人情報を含みます)",
    )


HEADING = "【個人情報を含む】開示請求への回答 — 取扱いに注意し、本人への交付後は速やかに削除してください。"


def _columns(rows: list[dict[str, Any]]) -> list[sheets.Column]:
    names = list(dict.fromkeys(k for r in rows for k in r)) or ["内容"]
    numeric = {n for n in names if rows and all(isinstance(r.get(n), int) for r in rows)}
    return [sheets.Column(n, sheets.Kind.NUMBER if n in numeric else sheets.Kind.TEXT) for n in names]


def _zip(data: dict[str, Any], fmt: str) -> bytes:
    out = io.BytesIO()
    wallet_id = data["wallet_id"]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        document = {"notice": HEADING, **data}
        archive.writestr(f"disclosure_{wallet_id}.json", json.dumps(document, ensure_ascii=False, indent=1))
        sections = [(s.label, data["sections"][s.name]) for s in privacy.WALLET_DATA]
        if fmt == "csv":
            for index, (label, rows) in enumerate(sections, start=1):
                columns = _columns(rows)
                table = sheets.csv_bytes(columns, ([r.get(c.title) for c in columns] for r in rows))
                archive.writestr(f"{index:02d}_{label}.csv", table)
        else:
            archive.writestr(f"disclosure_{wallet_id}.xlsx", _xlsx(sections, data.get("not_recorded") or []))
    return out.getvalue()


def _xlsx(sections: list[tuple[str, list[dict[str, Any]]]], notes: list[str]) -> bytes:
    out = io.BytesIO()
    cover = [sheets.Column("内容", width=100)]
    book = sheets.XlsxSheet(out, cover, title="はじめに")
    for line in (HEADING, *notes):
        book.add([line])
    for label, rows in sections:
        columns = _columns(rows)
        book.add_sheet(columns, title=label)
        for row in rows:
            book.add([row.get(c.title) for c in columns])
    book.close()
    return out.getvalue()
