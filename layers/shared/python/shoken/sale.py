"""Selling by application (申込, issue 15.1-15.2): a programme's 申込期間 and units on sale, a wallet's
eligibility by matching the resident list, and one application per person.

Every rule that must hold under concurrency is a DynamoDB condition, not a read: one person is
eligible once (a put on the person's key that must not exist, or be this wallet's), one wallet is
eligible as one person, and one person has one application (its key is the person's hash).
"""

from __future__ import annotations

import secrets
from typing import Any

from shoken import allocation, privacy, residents
from shoken.clock import iso, jst_date
from shoken.db import audit as audit_items
from shoken.db import keys, programmes
from shoken.db import residents as resident_items
from shoken.db.dynamo import Expr, Item, TransactionFailed
from shoken.errors import (
    AlreadyApplied,
    AlreadyDrawn,
    DrawBeforeClose,
    EligibilityTaken,
    NoApplication,
    NoSale,
    NotEligible,
    NotOnResidentList,
    OutsideApplicationWindow,
    OverPurchaseLimit,
    ResidentListMissing,
)
from shoken.runtime import Runtime

PAPER = "paper"  # the channel of an application the committee keys in (no wallet)


def _new_or_same(expr: Expr, name: str, value: str) -> str:
    """The item must not exist yet, or already carry this value (so a retry or a change is allowed)."""
    return f"attribute_not_exists({expr.n('PK')}) OR {expr.n(name)} = {expr.v(value)}"


def settings(rt: Runtime, programme_id: str) -> Item | None:
    return rt.db.get(keys.sale_settings(programme_id), consistent=False)


def settings_item(programme_id: str, *, apply_start: str, apply_end: str, units_on_sale: int, now: str) -> Item:
    pk, sk = keys.sale_settings(programme_id)
    return {
        "PK": pk,
        "SK": sk,
        "kind": "sale_settings",
        "programme_id": programme_id,
        "apply_start": apply_start,
        "apply_end": apply_end,
        "units_on_sale": units_on_sale,
        "updated_at": now,
    }


def _open_sale(rt: Runtime, programme_id: str) -> tuple[Item, Item]:
    """The programme and its sale settings, if today is inside the 申込期間."""
    programme = programmes.get(rt.db, programme_id)
    sale = settings(rt, programme_id)
    if programme is None or sale is None:
        raise NoSale()
    today = jst_date(rt.clock.now())
    if not str(sale["apply_start"]) <= today <= str(sale["apply_end"]):
        raise OutsideApplicationWindow(
            f"申込期間 ({sale['apply_start']} ～ {sale['apply_end']}) 外のため、申込・変更・取消はできません。"
        )
    return programme, sale


def person_hash(rt: Runtime, programme_id: str, resident_key: str, name_kana: str, birth_date: str) -> str:
    """The person's hash if they are on the programme's current list (FieldError for unusable input)."""
    who = residents.person(resident_key, name_kana, birth_date)
    matching_hash = residents.matching_hash(rt.resident_key, programme_id, who)
    listed, current = resident_items.is_listed(rt.db, programme_id, matching_hash)
    if current is None:
        raise ResidentListMissing()
    if not listed:
        raise NotOnResidentList()
    return matching_hash


def become_eligible(rt: Runtime, programme_id: str, wallet_id: str, matching_hash: str) -> None:
    """Bind the person to this wallet: once per person and once per wallet, by conditions (re-run safe)."""
    now = iso(rt.clock.now())
    person_pk, person_sk = keys.person_eligibility(programme_id, matching_hash)
    wallet_pk, wallet_sk = keys.wallet_eligibility(programme_id, wallet_id)
    person_expr, wallet_expr = Expr(), Expr()
    actions = [
        rt.db.tx_put(
            {
                "PK": person_pk,
                "SK": person_sk,
                "kind": "eligibility",
                "wallet_id": wallet_id,
                "channel": "wallet",
                "at": now,
                **privacy.tag(programme_id, person_pk, person_sk),  # found by the retention run (issue 23.3)
            },
            condition=_new_or_same(person_expr, "wallet_id", wallet_id),
            expr=person_expr,
        ),
        rt.db.tx_put(
            {
                "PK": wallet_pk,
                "SK": wallet_sk,
                "kind": "wallet_eligibility",
                "matching_hash": matching_hash,
                "at": now,
                **privacy.tag(programme_id, wallet_pk, wallet_sk),
            },
            condition=(
                f"attribute_not_exists({wallet_expr.n('PK')}) OR "
                f"{wallet_expr.n('matching_hash')} = {wallet_expr.v(matching_hash)}"
            ),
            expr=wallet_expr,
        ),
    ]
    try:
        rt.db.transact(actions)
    except TransactionFailed as failed:
        if failed.failed_at(0):
            raise EligibilityTaken() from failed
        if failed.failed_at(1):
            raise EligibilityTaken("このアプリは既に別の方の申込資格を登録しています。") from failed
        raise


def wallet_person(rt: Runtime, programme_id: str, wallet_id: str) -> str | None:
    record = rt.db.get(keys.wallet_eligibility(programme_id, wallet_id))
    return str(record["matching_hash"]) if record else None


def _units(programme: Item, units: int) -> None:
    limit = int(programme["limit_units"])
    if units < 1 or units > limit:
        raise OverPurchaseLimit(f"申込冊数は1冊から{limit}冊までです。")


def _application(
    programme_id: str, matching_hash: str, *, units: int, channel: str, wallet_id: str | None, now: str
) -> Item:
    pk, sk = keys.application(programme_id, matching_hash)
    return {
        "PK": pk,
        "SK": sk,
        "kind": "application",
        "programme_id": programme_id,
        "units": units,
        "channel": channel,
        **({"wallet_id": wallet_id} if wallet_id else {}),
        "applied_at": now,
        "L1PK": keys.application_list(programme_id),
        "L1SK": matching_hash,
    }


def apply_in_wallet(rt: Runtime, programme_id: str, wallet_id: str, units: int) -> Item:
    """Apply, or change the units of this wallet's application, inside the window and the limit."""
    programme, _ = _open_sale(rt, programme_id)
    _units(programme, units)
    matching_hash = wallet_person(rt, programme_id, wallet_id)
    if matching_hash is None:
        raise NotEligible()
    record = _application(
        programme_id, matching_hash, units=units, channel="wallet", wallet_id=wallet_id, now=iso(rt.clock.now())
    )
    app_expr, elig_expr = Expr(), Expr()
    try:
        rt.db.transact(
            [
                rt.db.tx_put(
                    record,
                    condition=_new_or_same(app_expr, "wallet_id", wallet_id),
                    expr=app_expr,
                ),
                rt.db.tx_check(
                    keys.person_eligibility(programme_id, matching_hash),
                    f"{elig_expr.n('wallet_id')} = {elig_expr.v(wallet_id)}",
                    elig_expr,
                ),
            ]
        )
    except TransactionFailed as failed:
        if failed.failed_at(0):
            raise AlreadyApplied("この方は既に窓口で申し込んでいます。") from failed
        if failed.failed_at(1):
            raise NotEligible() from failed
        raise
    return record


def withdraw_in_wallet(rt: Runtime, programme_id: str, wallet_id: str) -> None:
    _open_sale(rt, programme_id)
    matching_hash = wallet_person(rt, programme_id, wallet_id)
    if matching_hash is None:
        raise NoApplication()
    expr = Expr()
    try:
        rt.db.transact(
            [
                rt.db.tx_delete(
                    keys.application(programme_id, matching_hash),
                    condition=f"{expr.n('wallet_id')} = {expr.v(wallet_id)}",
                    expr=expr,
                )
            ]
        )
    except TransactionFailed as failed:
        raise NoApplication() from failed


def application_of(rt: Runtime, programme_id: str, matching_hash: str) -> Item | None:
    return rt.db.get(keys.application(programme_id, matching_hash))


def apply_on_paper(rt: Runtime, programme_id: str, matching_hash: str, units: int) -> Item:
    """A paper application keyed in by the committee: the person's eligibility goes to paper, once."""
    programme, _ = _open_sale(rt, programme_id)
    _units(programme, units)
    now = iso(rt.clock.now())
    person_pk, person_sk = keys.person_eligibility(programme_id, matching_hash)
    elig_expr, app_expr = Expr(), Expr()
    record = _application(programme_id, matching_hash, units=units, channel=PAPER, wallet_id=None, now=now)
    try:
        rt.db.transact(
            [
                rt.db.tx_put(
                    {
                        "PK": person_pk,
                        "SK": person_sk,
                        "kind": "eligibility",
                        "wallet_id": PAPER,
                        "channel": PAPER,
                        "at": now,
                        **privacy.tag(programme_id, person_pk, person_sk),
                    },
                    condition=_new_or_same(elig_expr, "wallet_id", PAPER),
                    expr=elig_expr,
                ),
                rt.db.tx_put(record, condition=f"attribute_not_exists({app_expr.n('PK')})", expr=app_expr),
            ]
        )
    except TransactionFailed as failed:
        if failed.failed_at(0):
            raise EligibilityTaken("この方はアプリで申込資格を登録済みです。アプリから申し込んでください。") from failed
        if failed.failed_at(1):
            raise AlreadyApplied() from failed
        raise
    return record


def view(sale: Item | None) -> dict[str, Any] | None:
    if sale is None:
        return None
    return {k: sale[k] for k in ("apply_start", "apply_end", "units_on_sale")}


# --- 抽選 (issue 15.3) ---------------------------------------------------------------------------------
def applications(rt: Runtime, programme_id: str) -> list[Item]:
    return list(rt.db.query_all(index="list1", pk_name="L1PK", pk=keys.application_list(programme_id)))


def draw(rt: Runtime, programme_id: str, rule: str, actor: dict[str, Any]) -> Item:
    """Close and draw: the seed is stored and audited in one transaction before the draw is computed;
    a draw that stopped half-way is finished with the same seed (the same result), a finished one refused."""
    programme = programmes.get(rt.db, programme_id)
    settings_record = settings(rt, programme_id)
    if programme is None or settings_record is None:
        raise NoSale()
    if jst_date(rt.clock.now()) <= str(settings_record["apply_end"]):
        raise DrawBeforeClose(f"申込期間 ({settings_record['apply_end']} まで) が終わっていないため、抽選できません。")
    if settings_record.get("draw_state") == "drawn":
        raise AlreadyDrawn()
    chosen = allocation.Rule(str(settings_record.get("draw_rule") or rule))
    seed = str(settings_record.get("draw_seed") or "")
    if not seed:
        seed = secrets.token_hex(32)
        expr = Expr()
        claim = rt.db.tx_update(
            keys.sale_settings(programme_id),
            f"SET {expr.n('draw_seed')} = {expr.v(seed)}, {expr.n('draw_rule')} = {expr.v(chosen.value)}, "
            f"{expr.n('draw_state')} = {expr.v('drawing')}",
            expr,
            condition=f"attribute_not_exists({expr.n('draw_seed')})",
        )
        record = audit_items.item(
            at=rt.clock.now(),
            action="draw_seed",
            committee_id=str(programme["committee_id"]),
            company_id=None,
            store_id=None,
            actor=actor,
            target_type="programme",
            target_id=programme_id,
            detail={"seed": seed, "rule": chosen.value, "units_on_sale": int(settings_record["units_on_sale"])},
            source_ip=None,
            user_agent=None,
        )
        try:
            rt.db.transact([claim, rt.db.tx_put(record)])
        except TransactionFailed as failed:
            raise AlreadyDrawn() from failed
    apps = applications(rt, programme_id)
    won = allocation.allocate(
        {str(a["L1SK"]): int(a["units"]) for a in apps}, int(settings_record["units_on_sale"]), chosen, seed
    )
    rt.db.batch_put({**a, "won_units": won[str(a["L1SK"])]} for a in apps)
    counts = {
        "draw_state": "drawn",
        "drawn_at": iso(rt.clock.now()),
        "applicants": len(apps),
        "winners": sum(1 for units in won.values() if units),
        "units_won": sum(won.values()),
    }
    expr = Expr()
    sets = ", ".join(f"{expr.n(name)} = {expr.v(value)}" for name, value in counts.items())
    return rt.db.update(keys.sale_settings(programme_id), f"SET {sets}", expr)
