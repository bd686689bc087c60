"""The committee's side of selling by application (issue 15.1-15.2): a programme's 申込期間 and units on
sale, and paper applications keyed in for residents without a phone (rules in shoken.sale)."""

from __future__ import annotations

import csv
import io
from typing import Any

from programme.residents import _programme
from programme.schemas import (
    ApplicationView,
    DrawRequest,
    DrawView,
    PaperApplication,
    SaleCounts,
    SaleJobList,
    SaleSettings,
    SaleView,
    SecondRoundRequest,
    SecondRoundView,
)
from shoken import api, audit, console, deposits, draw_check, sale
from shoken.console_models import JobView
from shoken.db import jobs, keys
from shoken.db.dynamo import Item
from shoken.errors import InvalidRequest, NoSale
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime
from shoken.status import DrawState


def get(rt: Runtime, caller: Principal, programme_id: str) -> SaleView:
    programme = _programme(rt, caller, programme_id)
    record = sale.settings(rt, programme_id)
    current = sale.view(record)
    drawn = None
    if record and record.get("draw_seed"):
        drawn = DrawView(
            state=str(record["draw_state"]),
            rule=str(record["draw_rule"]),
            seed=str(record["draw_seed"]),
            drawn_at=record.get("drawn_at"),
            applicants=int(record.get("applicants", 0)),
            winners=int(record.get("winners", 0)),
            units_won=int(record.get("units_won", 0)),
            units_asked=int(record.get("units_asked", 0)),
            job_id=record.get("draw_job"),
        )
    return SaleView(
        programme_id=programme_id,
        limit_units=int(programme["limit_units"]),
        settings=SaleSettings.model_validate(current) if current else None,
        draw=drawn,
        counts=SaleCounts(**sale.counts(rt, programme_id, record)) if record else None,
        second_round=SecondRoundView(
            state=str(record["round2_state"]),
            seed=str(record["round2_seed"]),
            purchase_end=str(record["round2_purchase_end"]),
            pool=int(record.get("round2_pool", 0)),
            applicants=int(record.get("round2_applicants", 0)),
            winners=int(record.get("round2_winners", 0)),
            units_won=int(record.get("round2_units_won", 0)),
        )
        if record and record.get("round2_seed")
        else None,
        open=sale.is_open(rt, record) if record else False,
        closed_at=record.get("closed_at") if record else None,
    )


def audit_on_programme(action: str, programme: Item, **facts: Any) -> None:
    """An audit entry of the committee's, on the programme."""
    scope = Scope(str(programme["committee_id"]))
    api.audit_event(action, scope=scope, target_type="programme", target_id=str(programme["programme_id"]), **facts)


def draw(rt: Runtime, caller: Principal, programme_id: str, body: DrawRequest) -> SaleView:
    """Close and draw: the seed is stored and audited here; the result is computed by the draw job."""
    programme = _programme(rt, caller, programme_id)
    job = sale.start_draw(rt, programme_id, body.rule, audit.actor_of(caller), audit.actor_of(caller))
    audit_on_programme(
        "draw_started",
        programme,
        rule=body.rule,
        job_id=str(job["job_id"]),
    )
    return get(rt, caller, programme_id)


def update(rt: Runtime, caller: Principal, programme_id: str, body: SaleSettings) -> SaleView:
    programme = _programme(rt, caller, programme_id)
    if body.apply_end < body.apply_start:
        raise InvalidRequest(
            details=[
                {
                    "field": "apply_end",
                    "reason": "order",
                    "reason_ja": "申込終了日は申込開始日以降の日付にしてください。",
                }
            ]
        )
    if body.apply_end.isoformat() > str(programme["use_end"]):
        raise InvalidRequest(
            details=[
                {
                    "field": "apply_end",
                    "reason": "after_use",
                    "reason_ja": "申込終了日は利用終了日より前にしてください。",
                }
            ]
        )
    if body.purchase_end is not None and not (
        body.apply_end < body.purchase_end and body.purchase_end.isoformat() <= str(programme["sale_end"])
    ):
        raise InvalidRequest(
            details=[
                {
                    "field": "purchase_end",
                    "reason": "order",
                    "reason_ja": "購入期限は申込終了日より後、この事業の販売終了日まで の日付にしてください。",
                }
            ]
        )
    # checked by the write's condition, not on a read: a 締切 or a draw may land between the two
    sale.save_window(
        rt,
        programme_id,
        apply_start=body.apply_start.isoformat(),
        apply_end=body.apply_end.isoformat(),
        units_on_sale=body.units_on_sale,
        purchase_end=body.purchase_end.isoformat() if body.purchase_end else None,
    )
    audit_on_programme(
        "sale_settings_updated",
        programme,
        apply_start=body.apply_start.isoformat(),
        apply_end=body.apply_end.isoformat(),
        units_on_sale=body.units_on_sale,
        purchase_end=body.purchase_end.isoformat() if body.purchase_end else None,
    )
    return get(rt, caller, programme_id)


def paper_application(rt: Runtime, caller: Principal, programme_id: str, body: PaperApplication) -> ApplicationView:
    programme = _programme(rt, caller, programme_id)
    # a field that cannot be normalised is refused as residents.FieldError (400, with its sentence)
    matching_hash = sale.person_hash(rt, programme_id, body.resident_key, body.name_kana, body.birth_date)
    record = sale.apply_on_paper(rt, programme_id, matching_hash, body.units)
    audit_on_programme(
        "paper_application",
        programme,
        units=body.units,
    )
    return ApplicationView(
        programme_id=programme_id,
        units=int(record["units"]),
        channel=str(record["channel"]),
        applied_at=str(record["applied_at"]),
    )


def applications_csv(rt: Runtime, caller: Principal, programme_id: str) -> tuple[str, str, bytes]:
    """申込一覧 for recomputing the draw (shoken.draw_check): each applicant by their keyed hash (no
    personal data), units asked, units won (empty before the draw) and the channel."""
    programme = _programme(rt, caller, programme_id)
    record = sale.settings(rt, programme_id)
    if record is None:
        raise NoSale()
    drawn = record.get("draw_state") == DrawState.DRAWN
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*draw_check.COLUMNS, "申込方法", "振込依頼人コード", "請求額", "購入済冊数"])
    apps = sorted(sale.applications(rt, programme_id), key=lambda a: str(a["L1SK"]))
    price = int(programme["unit_price"])
    for a in apps:
        won = int(a.get("won_units", 0)) if drawn else 0
        reference = deposits.assign(rt, programme_id, a) if won else None  # a draw from before the codes
        bought = int(a.get("purchased_units", 0))
        writer.writerow(
            [
                str(a["L1SK"]),
                int(a["units"]),
                won if drawn else "",
                CHANNEL_LABELS.get(str(a["channel"]), str(a["channel"])),
                reference or "",
                won * price if won else "",
                bought if won else "",
            ]
        )
    audit_on_programme(
        "applications_exported",
        programme,
        rows=len(apps),
    )
    return f"applications_{programme_id}.csv", "text/csv; charset=utf-8", ("\ufeff" + out.getvalue()).encode()


CHANNEL_LABELS = {"wallet": "アプリ", "paper": "申込書"}


def notify(rt: Runtime, caller: Principal, programme_id: str) -> JobView:
    programme = _programme(rt, caller, programme_id)
    job = sale.start_notify(rt, programme_id, audit.actor_of(caller))
    audit_on_programme(
        "sale_results_notified",
        programme,
        job_id=str(job["job_id"]),
    )
    return console.job_view(job)


def list_jobs(rt: Runtime, caller: Principal, programme_id: str) -> SaleJobList:
    """The programme's draw and mail jobs, newest first, with their progress."""
    _programme(rt, caller, programme_id)
    return SaleJobList(items=[console.job_view(r) for r in jobs.list_shared(rt.db, keys.sale_jobs(programme_id))])


def close(rt: Runtime, caller: Principal, programme_id: str) -> SaleView:
    programme = _programme(rt, caller, programme_id)
    sale.close(rt, programme_id)
    audit_on_programme(
        "sale_closed",
        programme,
    )
    return get(rt, caller, programme_id)


def second_round(rt: Runtime, caller: Principal, programme_id: str, body: SecondRoundRequest) -> SaleView:
    programme = _programme(rt, caller, programme_id)
    actor = audit.actor_of(caller)
    job = sale.start_second_round(rt, programme_id, body.purchase_end.isoformat(), actor, actor)
    audit_on_programme(
        "second_round_started",
        programme,
        purchase_end=body.purchase_end.isoformat(),
        job_id=str(job["job_id"]),
    )
    return get(rt, caller, programme_id)
