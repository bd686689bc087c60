"""The committee's side of selling by application (issue 15.1-15.2): a programme's 申込期間 and units on
sale, and paper applications keyed in for residents without a phone (rules in shoken.sale)."""

from __future__ import annotations

from admin.residents import _programme
from admin.schemas import ApplicationView, DrawRequest, DrawView, PaperApplication, SaleSettings, SaleView
from shoken import api, audit, residents, sale
from shoken.clock import iso
from shoken.errors import AlreadyDrawn, InvalidRequest
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime


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
        )
    return SaleView(
        programme_id=programme_id,
        limit_units=int(programme["limit_units"]),
        settings=SaleSettings.model_validate(current) if current else None,
        draw=drawn,
    )


def draw(rt: Runtime, caller: Principal, programme_id: str, body: DrawRequest) -> SaleView:
    programme = _programme(rt, caller, programme_id)
    done = sale.draw(rt, programme_id, body.rule, audit.actor_of(caller))
    api.audit_event(
        "draw_done",
        scope=Scope(str(programme["committee_id"])),
        target_type="programme",
        target_id=programme_id,
        rule=str(done["draw_rule"]),
        applicants=int(done["applicants"]),
        winners=int(done["winners"]),
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
    current = sale.settings(rt, programme_id)
    if current is not None and current.get("draw_seed"):
        raise AlreadyDrawn("抽選後は申込期間を変更できません。")
    rt.db.put(
        sale.settings_item(
            programme_id,
            apply_start=body.apply_start.isoformat(),
            apply_end=body.apply_end.isoformat(),
            units_on_sale=body.units_on_sale,
            now=iso(rt.clock.now()),
        )
    )
    api.audit_event(
        "sale_settings_updated",
        scope=Scope(str(programme["committee_id"])),
        target_type="programme",
        target_id=programme_id,
        apply_start=body.apply_start.isoformat(),
        apply_end=body.apply_end.isoformat(),
        units_on_sale=body.units_on_sale,
    )
    return get(rt, caller, programme_id)


def paper_application(rt: Runtime, caller: Principal, programme_id: str, body: PaperApplication) -> ApplicationView:
    programme = _programme(rt, caller, programme_id)
    try:
        matching_hash = sale.person_hash(rt, programme_id, body.resident_key, body.name_kana, body.birth_date)
    except residents.FieldError as error:
        raise InvalidRequest(str(error)) from error
    record = sale.apply_on_paper(rt, programme_id, matching_hash, body.units)
    api.audit_event(
        "paper_application",
        scope=Scope(str(programme["committee_id"])),
        target_type="programme",
        target_id=programme_id,
        units=body.units,
    )
    return ApplicationView(
        programme_id=programme_id,
        units=int(record["units"]),
        channel=str(record["channel"]),
        applied_at=str(record["applied_at"]),
    )
