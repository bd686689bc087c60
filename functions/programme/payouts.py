"""精算確定: the committee's bank settings, programme calendars, payout runs and the 全銀 transfer file.

A run for a closed period counts, per payee, the payments minus the cancels stamped inside the
period (JST days), by store and voucher type, from the transactions themselves (the committee's
day partitions of the history index: one bounded Query per day, no Scan). A cancel made after a run
is stamped after its period, so it counts in the next one. A payee whose total is not positive, or
who has no account, is not transferred: the amount is carried into the next run.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from programme.errors import (
    NoPayeeAccounts,
    NoPayees,
    PaidDateOutside,
    PayoutNotFound,
    PayoutPeriodTooLong,
    PayoutsCommitteeOnly,
    PeriodNotCutoff,
    PeriodOpen,
    PeriodOverlap,
    RunCancelledNoFile,
    RunNotCancellable,
    RunNotLast,
    RunNotPayable,
    RunStateRefused,
    SettingsMissing,
)
from programme.payout_accounts import payout_by
from programme.payout_schemas import (
    CalendarView,
    PaidRequest,
    PayeeLine,
    PayoutSettingsInput,
    PayoutSettingsView,
    PeriodView,
    RunList,
    RunRequest,
    RunView,
    StoreLine,
)
from shoken import api, bank, console, zengin
from shoken.clock import JST, iso, jst_date
from shoken.db import committees, keys, ledger, programmes, transactions
from shoken.db import payout_accounts as accounts
from shoken.db import payouts as store
from shoken.db.dynamo import Item
from shoken.errors import CommitteeNotFound, Conflict, ProgrammeNotFound
from shoken.money import VoucherType
from shoken.payout_calendar import (
    CLOSE_GRACE_MINUTES,
    CalendarSettings,
    cutoff_label,
    fee,
    is_cutoff,
    next_cutoff,
    pay_date,
    periods_from,
)
from shoken.principal import Principal, Scope
from shoken.roles import Role
from shoken.runtime import Runtime
from shoken.status import PayoutState
from shoken.txn_types import TxnType

COMMITTEE_LEVEL = (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN)
MAX_PERIOD_DAYS = 186  # a run reads one day partition per day; a first run may reach back to the start
LINE_LABELS = {
    "transfer": "振込",
    "no_account": "口座未登録のため振込なし (次回に繰越)",
    "not_positive": "差引0円以下のため振込なし (次回に繰越)",
}
# A cancel whose value had expired records that part as a lapse at the store: it still undoes the sale.
# A cancel reverses the whole payment for the store, the part whose value has expired included (that
# part is the resident's loss, recorded as a LAPSE carrying the store): counting the LAPSE too would take
# it from the store twice.
COUNTED = (TxnType.PAYMENT.value, TxnType.PAYMENT_CANCEL.value)


def _require_committee(caller: Principal) -> None:
    if caller.role not in COMMITTEE_LEVEL:
        raise PayoutsCommitteeOnly()


def _committee_of(caller: Principal, committee_id: str) -> str:
    if not caller.in_committee(committee_id) or caller.role not in COMMITTEE_LEVEL:
        raise CommitteeNotFound()
    return committee_id


def _programme(rt: Runtime, caller: Principal, programme_id: str) -> Item:
    record = programmes.get(rt.db, programme_id, consistent=True)
    if record is None or not caller.in_committee(str(record["committee_id"])):
        raise ProgrammeNotFound()
    return record


# --- the committee's transfer settings (委託者コード, own account) -----------------------------------
def _settings_view(committee_id: str, record: Item | None) -> PayoutSettingsView:
    if not record:
        return PayoutSettingsView(committee_id=committee_id, registered=False)
    return PayoutSettingsView(
        committee_id=committee_id,
        registered=True,
        **{k: record.get(k) for k in PayoutSettingsView.model_fields if k in record and k != "committee_id"},
        account_type_label=bank.ACCOUNT_TYPES[str(record["account_type"])][1],
    )


def get_settings(rt: Runtime, caller: Principal, committee_id: str) -> PayoutSettingsView:
    _committee_of(caller, committee_id)
    return _settings_view(committee_id, rt.db.get(store.settings_key(committee_id), consistent=True))


def put_settings(rt: Runtime, caller: Principal, committee_id: str, body: PayoutSettingsInput) -> PayoutSettingsView:
    _committee_of(caller, committee_id)
    if committees.get(rt.db, committee_id) is None:
        raise CommitteeNotFound()
    bank_code, branch_code = body.bank_code.strip(), body.branch_code.strip()
    pk, sk = store.settings_key(committee_id)
    record = {
        "PK": pk,
        "SK": sk,
        "kind": "payout_settings",
        "committee_id": committee_id,
        "consignor_code": body.consignor_code,
        "consignor_kana": bank.holder_kana(body.consignor_name, limit=40, what="委託者名"),
        "bank_code": bank_code,
        "bank_name": bank.bank_name(bank_code),
        "branch_code": branch_code,
        "branch_name": bank.branch_name(bank_code, branch_code),
        "account_type": body.account_type,
        "account_number": bank.account_number(body.account_number.strip()),
        "updated_at": iso(rt.clock.now()),
        "updated_by": caller.user_id,
    }
    rt.db.put(record)
    api.audit_event(
        "payout_settings_updated",
        scope=Scope(committee_id),
        target_type="committee",
        target_id=committee_id,
        consignor_code=body.consignor_code,
        account=f"{bank_code}-{branch_code} {bank.masked(record['account_number'])}",
    )
    return _settings_view(committee_id, record)


# --- calendar -------------------------------------------------------------------------------------
def _calendar(rt: Runtime, programme_id: str) -> CalendarSettings:
    record = rt.db.get(store.calendar_key(programme_id), consistent=True)
    if not record:
        return CalendarSettings()
    return CalendarSettings(
        cutoff_days=[int(d) for d in record["cutoff_days"]],
        pay_after_days=int(record["pay_after_days"]),
        fee_bps=int(record["fee_bps"]),
    )


def _closes_at(end: date) -> datetime:
    return datetime.combine(end + timedelta(days=1), time(0, CLOSE_GRACE_MINUTES), JST)


def _fee_label(bps: int) -> str:
    return "なし (0%)" if bps == 0 else f"{bps / 100:g}% (円未満切り捨て)"


def calendar_view(rt: Runtime, caller: Principal, programme_id: str) -> CalendarView:
    programme = _programme(rt, caller, programme_id)
    settings = _calendar(rt, programme_id)
    head = store.get_head(rt.db, programme_id)
    frozen = list(dict(head["frozen"]).items())
    now = rt.clock.now()
    # The periods around today: the two before it (to confirm) and the four to come.
    today = date.fromisoformat(jst_date(now))
    start = date.fromisoformat(str(programme["use_start"]))
    first = max(start, today - timedelta(days=45))
    listed = [p for p in periods_from(settings, first, 8) if p.end >= start][:6]
    periods = []
    for period in listed:
        # A period is settled by the live run whose span holds its cut-off (a first run reaches back).
        end_text = period.end.isoformat()
        run = next(((rid, f) for rid, f in frozen if str(f["start"]) <= end_text <= str(f["end"])), None)
        periods.append(
            PeriodView(
                start=(date.fromisoformat(str(run[1]["start"])) if run else period.start).isoformat(),
                end=period.end.isoformat(),
                pay_date=period.pay_date.isoformat(),
                label=period.label,
                closed=now >= _closes_at(period.end),
                run_id=run[0] if run else None,
                run_state=PayoutState.CREATED if run else None,
            )
        )
    return CalendarView(
        programme_id=programme_id,
        programme_name=str(programme["name"]),
        **settings.model_dump(),
        cutoff_labels=[cutoff_label(d) for d in settings.cutoff_days],
        fee_label=_fee_label(settings.fee_bps),
        rounding="手数料は円未満切り捨て",
        periods=periods,
    )


def put_calendar(rt: Runtime, caller: Principal, programme_id: str, body: CalendarSettings) -> CalendarView:
    _require_committee(caller)
    programme = _programme(rt, caller, programme_id)
    pk, sk = store.calendar_key(programme_id)
    rt.db.put(
        {
            "PK": pk,
            "SK": sk,
            "kind": "payout_calendar",
            "programme_id": programme_id,
            "committee_id": programme["committee_id"],
            **body.model_dump(),
            "updated_at": iso(rt.clock.now()),
            "updated_by": caller.user_id,
        }
    )
    console.programme_event(
        "payout_calendar_updated",
        programme,
        cutoff_days=body.cutoff_days,
        pay_after_days=body.pay_after_days,
        fee_bps=body.fee_bps,
    )
    return calendar_view(rt, caller, programme_id)


# --- computing a run --------------------------------------------------------------------------------
def _day_transactions(rt: Runtime, committee_id: str, day: date) -> list[Item]:
    counted = list(COUNTED)
    return list(
        transactions.of_committee_day(
            rt.db, committee_id, day.isoformat(), where=lambda expr: expr.one_of("txn_type", counted)
        )
    )


def _collect(rt: Runtime, committee_id: str, programme_id: str, start: date, end: date) -> dict[str, Any]:
    """Per store and voucher type: counts and amounts of the programme's payments and cancels."""
    stores_seen: dict[str, dict[str, Any]] = {}
    day = start
    while day <= end:
        for txn in _day_transactions(rt, committee_id, day):
            sign = 1 if txn["txn_type"] == TxnType.PAYMENT.value else -1
            by_type: dict[str, int] = {}
            for bucket_id, amount in dict(txn.get("buckets") or {}).items():
                _, voucher_type, owner = txn["bucket_info"][bucket_id]
                if owner == programme_id:
                    by_type[str(voucher_type)] = by_type.get(str(voucher_type), 0) + int(amount)
            if not by_type:
                continue
            entry = stores_seen.setdefault(
                str(txn["store_id"]),
                {
                    "store_name": str(txn.get("store_name", "")),
                    "company_id": str(txn["company_id"]),
                    "company_name": str(txn.get("company_name", "")),
                    "types": {},
                },
            )
            for voucher_type, amount in by_type.items():
                row = entry["types"].setdefault(voucher_type, [0, 0, 0, 0])
                if sign > 0:
                    row[0], row[1] = row[0] + 1, row[1] + amount
                else:
                    row[2], row[3] = row[2] + 1, row[3] + amount
        day += timedelta(days=1)
    return stores_seen


def _follow_payees(carry: dict[str, Any], collected: dict[str, Any], companies: dict[str, Item]) -> dict[str, Any]:
    """Each carry under whoever is paid for its store now. When a company becomes the payee of its stores
    (or goes back to paying each store), what a store owes or is owed is carried by the new payee: left
    under a payee that is never paid again, a negative carry would never be taken back, and the committee
    would overpay it (a company could switch for that very reason)."""
    out: dict[str, Any] = {}
    for payee, owed in carry.items():
        company_id = str(owed["company_id"])
        company = companies.get(company_id)
        name = str(company["name"]) if company else str(owed["company_name"])
        target, fields = payee, dict(owed)
        if owed["payee_type"] == "store" and payout_by(company) == "company":
            target = accounts.owner_of_company(company_id)
            fields = {"payee_type": "company", "payee_id": company_id, "payee_name": name}
        elif owed["payee_type"] == "company" and payout_by(company) == "store":
            # One of the company's stores paid in this run takes it (the lowest ID, so a rerun agrees).
            stores = sorted(s for s, entry in collected.items() if str(entry["company_id"]) == company_id)
            if stores:
                target = accounts.owner_of_store(stores[0])
                fields = {
                    "payee_type": "store",
                    "payee_id": stores[0],
                    "payee_name": collected[stores[0]]["store_name"],
                }
        entry = out.setdefault(target, {**fields, "company_id": company_id, "company_name": name, "amount": 0})
        entry["amount"] = int(entry["amount"]) + int(owed["amount"])
    return out


def _lines(
    rt: Runtime,
    run_id: str,
    collected: dict[str, Any],
    carry: dict[str, Any],
    fee_bps: int,
    period_end: str,
) -> list[Item]:
    company_ids = sorted({str(s["company_id"]) for s in [*collected.values(), *carry.values()]})
    found = rt.db.batch_get([keys.company(c) for c in company_ids], consistent=True) if company_ids else {}
    company_records = {str(r["company_id"]): r for r in found.values()}
    carry = _follow_payees(carry, collected, company_records)
    payees: dict[str, dict[str, Any]] = {}
    for store_id, entry in sorted(collected.items()):
        company = company_records.get(entry["company_id"])
        if payout_by(company) == "company":
            payee, payee_type, payee_id = accounts.owner_of_company(entry["company_id"]), "company", entry["company_id"]
            name = str(company["name"]) if company else entry["company_name"]
        else:
            payee, payee_type, payee_id, name = (
                accounts.owner_of_store(store_id),
                "store",
                store_id,
                entry["store_name"],
            )
        line = payees.setdefault(
            payee,
            {
                "payee": payee,
                "payee_type": payee_type,
                "payee_id": payee_id,
                "payee_name": name,
                "company_id": entry["company_id"],
                "company_name": str(company["name"]) if company else entry["company_name"],
                "stores": [],
            },
        )
        for voucher_type in VoucherType:
            row = entry["types"].get(voucher_type.value)
            if row:
                line["stores"].append(
                    {
                        "store_id": store_id,
                        "store_name": entry["store_name"],
                        "voucher_type": voucher_type.value,
                        "voucher_type_label": voucher_type.label,
                        "payment_count": row[0],
                        "payment_amount": row[1],
                        "cancel_count": row[2],
                        "cancel_amount": row[3],
                        "net": row[1] - row[3],
                    }
                )
    for payee, owed in carry.items():
        if payee not in payees:
            payees[payee] = {
                **{k: owed[k] for k in ("payee_type", "payee_id", "payee_name", "company_id", "company_name")}
            }
            payees[payee] |= {"payee": payee, "stores": []}
    registered = accounts.get_many(rt.db, sorted(payees))
    out = []
    for payee, line in sorted(payees.items()):
        period_net = sum(int(s["net"]) for s in line["stores"])
        carry_in = int(carry.get(payee, {}).get("amount", 0))
        gross = period_net + carry_in
        account = registered.get(payee)
        status = "not_positive" if gross <= 0 else ("transfer" if account else "no_account")
        fee_amount = fee(gross, fee_bps) if status == "transfer" else 0
        pk, sk = keys.payout_line(run_id, f"{line['company_id']}#{payee}")
        record: Item = {
            "PK": pk,
            "SK": sk,
            "kind": "payout_line",
            "run_id": run_id,
            **line,
            "period_net": period_net,
            "carry_in": carry_in,
            "gross": gross,
            "fee": fee_amount,
            "transfer": gross - fee_amount if status == "transfer" else 0,
            "carry_out": 0 if status == "transfer" else gross,
            "status": status,
            "L1PK": store.company_lines_pk(str(line["company_id"])),
            "L1SK": f"{period_end}#{run_id}#{payee}",
        }
        if account:
            record["account"] = {
                k: account[k]
                for k in ("bank_code", "bank_name", "branch_code", "branch_name", "account_type", "account_number")
            } | {"holder_kana": account["holder_kana"]}
        out.append(record)
    return out


def _start_of(head: Item, programme: Item, end: date) -> date:
    before = [
        date.fromisoformat(str(f["end"])) for f in dict(head["frozen"]).values() if str(f["end"]) < end.isoformat()
    ]
    if before:
        return max(before) + timedelta(days=1)
    return min(date.fromisoformat(str(programme["use_start"])), end)


def confirm(rt: Runtime, caller: Principal, body: RunRequest) -> RunView:
    """精算確定 for the period ending on a cut-off day; confirming it again returns the same run."""
    _require_committee(caller)
    programme = _programme(rt, caller, body.programme_id)
    committee_id, programme_id = str(programme["committee_id"]), str(programme["programme_id"])
    settings = _calendar(rt, programme_id)
    end = body.period_end
    if not is_cutoff(settings, end):
        following = next_cutoff(settings, end)
        raise PeriodNotCutoff(end=end, following=following)
    now = rt.clock.now()
    if now < _closes_at(end):
        raise PeriodOpen(end=end)
    for _ in range(3):
        head = store.get_head(rt.db, programme_id)
        for run_id, frozen in dict(head["frozen"]).items():
            if str(frozen["end"]) == end.isoformat():
                return get_run(rt, caller, run_id)
        start = _start_of(head, programme, end)
        for frozen in dict(head["frozen"]).values():
            if str(frozen["start"]) <= end.isoformat() and str(frozen["end"]) >= start.isoformat():
                raise PeriodOverlap(start=frozen["start"], end=frozen["end"])
        if (end - start).days + 1 > MAX_PERIOD_DAYS:
            raise PayoutPeriodTooLong(days=MAX_PERIOD_DAYS)
        run_id = f"{programme_id}-{end:%Y%m%d}-{secrets.token_hex(4)}"
        carry = dict(head["carry"])
        lines = _lines(
            rt, run_id, _collect(rt, committee_id, programme_id, start, end), carry, settings.fee_bps, end.isoformat()
        )
        if not lines:
            raise NoPayees(start=start, end=end)
        pk, sk = keys.payout_run(run_id)
        run: Item = {
            "PK": pk,
            "SK": sk,
            "kind": "payout_run",
            "run_id": run_id,
            "committee_id": committee_id,
            "programme_id": programme_id,
            "programme_name": str(programme["name"]),
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "pay_date": pay_date(end, settings.pay_after_days).isoformat(),
            "state": PayoutState.CREATED,
            "fee_bps": settings.fee_bps,
            **_totals(lines),
            "carry_in": carry,
            "company_ids": sorted({str(x["company_id"]) for x in lines}),
            "confirmed_at": iso(now),
            "confirmed_by": caller.user_id,
            "L1PK": store.runs_pk(committee_id),
            "L1SK": f"{end.isoformat()}#{run_id}",
        }
        new_carry = {
            str(x["payee"]): {
                "amount": int(x["carry_out"]),
                **{k: x[k] for k in ("payee_type", "payee_id", "payee_name", "company_id", "company_name")},
            }
            for x in lines
            if int(x["carry_out"]) != 0
        }
        frozen_map = {**dict(head["frozen"]), run_id: {"start": start.isoformat(), "end": end.isoformat()}}
        store.write_lines(rt.db, lines)
        entry = _run_entry(
            rt,
            "payout_run_confirmed",
            run,
            period=f"{start}～{end}",
            transfer_count=run["transfer_count"],
            transfer_total=run["transfer_total"],
        )
        try:
            new_head = {"frozen": frozen_map, "carry": new_carry, "order": [*head["order"], run_id]}
            store.freeze(rt.db, run, head, new_head, entry)
        except store.HeadMoved:
            continue  # another confirm or cancel landed first: read the head again
        return _run_view(run, lines, created=True)
    raise Conflict()


def _totals(lines: list[Item]) -> dict[str, Any]:
    """A run's counts, totals and payees without an account, over these lines: the whole run's for the
    committee, a company's own for the company (it sees no other company's payees or amounts)."""
    transfers = [line for line in lines if line["status"] == "transfer"]
    return {
        "payee_count": len(lines),
        "transfer_count": len(transfers),
        "transfer_total": sum(int(t["transfer"]) for t in transfers),
        "fee_total": sum(int(t["fee"]) for t in transfers),
        "missing": [
            {"payee_id": str(x["payee_id"]), "payee_name": str(x["payee_name"]), "amount": int(x["gross"])}
            for x in lines
            if x["status"] == "no_account"
        ],
    }


# --- reading runs -----------------------------------------------------------------------------------
def _line_view(line: Item) -> PayeeLine:
    account = line.get("account")
    return PayeeLine(
        **{k: line[k] for k in PayeeLine.model_fields if k in line and k not in ("stores",)},
        stores=[StoreLine(**s) for s in line["stores"]],
        status_label=LINE_LABELS[str(line["status"])],
        bank_label=f"{account['bank_name']} {account['branch_name']}" if account else None,
        account_masked=(
            f"{bank.ACCOUNT_TYPES[str(account['account_type'])][1]} {bank.masked(str(account['account_number']))}"
            if account
            else None
        ),
        holder_kana=str(account["holder_kana"]) if account else None,
    )


def _run_view(run: Item, lines: list[Item] | None = None, *, created: bool = False) -> RunView:
    start, end = date.fromisoformat(str(run["period_start"])), date.fromisoformat(str(run["period_end"]))
    return RunView(
        **{k: run[k] for k in RunView.model_fields if k in run and k not in ("lines", "created")},
        period_label=f"{start:%Y/%m/%d}～{end:%Y/%m/%d}",
        state_label=PayoutState(run["state"]).label,
        created=created,
        lines=[_line_view(x) for x in lines or []],
    )


def _is_company_caller(caller: Principal) -> bool:
    return caller.role in (Role.COMPANY_ADMIN, Role.COMPANY_STAFF)


def _readable_run(rt: Runtime, caller: Principal, run_id: str) -> Item:
    run = store.get_run(rt.db, run_id)
    if run is None or not caller.in_committee(str(run["committee_id"])):
        raise PayoutNotFound()
    if _is_company_caller(caller) and (
        caller.company_id not in run.get("company_ids", []) or run["state"] == PayoutState.CANCELLED
    ):
        raise PayoutNotFound()
    if not _is_company_caller(caller) and caller.role not in COMMITTEE_LEVEL:
        raise PayoutNotFound()
    return run


def get_run(rt: Runtime, caller: Principal, run_id: str) -> RunView:
    run = _readable_run(rt, caller, run_id)
    if not _is_company_caller(caller):
        return _run_view(run, store.lines(rt.db, run_id))
    lines = store.lines(rt.db, run_id, caller.company_id)
    return _run_view({**run, **_totals(lines)}, lines)


def list_runs(rt: Runtime, caller: Principal, committee_id: str | None) -> RunList:
    """The committee's runs, newest period first; a company sees the runs that pay it."""
    if _is_company_caller(caller):
        by_run = store.lines_of_company(rt.db, str(caller.company_id))
        found = rt.db.batch_get([keys.payout_run(r) for r in by_run], consistent=False) if by_run else {}
        live = [r for r in found.values() if r["state"] != PayoutState.CANCELLED]
        runs = [{**r, **_totals(by_run[str(r["run_id"])])} for r in live]
        runs.sort(key=lambda r: (str(r["period_end"]), str(r["run_id"])), reverse=True)
        return RunList(items=[_run_view(r) for r in runs])
    _require_committee(caller)
    chosen = str(caller.committee_id) if caller.role is Role.COMMITTEE_ADMIN else committee_id
    if not chosen:
        everything = committees.list_all(rt.db)
        chosen = str(everything[0]["committee_id"]) if everything else ""
    return RunList(items=[_run_view(r) for r in store.runs_of_committee(rt.db, chosen)])


def _run_entry(rt: Runtime, action: str, run: Item, **details: Any) -> dict[str, Any]:
    """The audit entry of a run's change, as an action of the transaction that makes it (a retry that
    finds the change made finds its entry too)."""
    scope, run_id = Scope(str(run["committee_id"])), str(run["run_id"])
    entry = api.audit_item(action, scope=scope, target_type="payout_run", target_id=run_id, **details)
    return ledger.audit_action(rt.db, entry)


# --- states -----------------------------------------------------------------------------------------
def mark_paid(rt: Runtime, caller: Principal, run_id: str, body: PaidRequest) -> RunView:
    _require_committee(caller)
    run = _readable_run(rt, caller, run_id)
    today = date.fromisoformat(jst_date(rt.clock.now()))
    if body.paid_on > today or body.paid_on.isoformat() < str(run["period_end"]):
        raise PaidDateOutside()
    if run["state"] != PayoutState.CREATED:
        raise RunNotPayable(state=PayoutState(run["state"]).label)
    entry = _run_entry(rt, "payout_run_paid", run, paid_on=body.paid_on.isoformat())
    try:
        updated = store.mark_paid(rt.db, run, body.paid_on.isoformat(), iso(rt.clock.now()), caller.user_id, entry)
    except store.StateChanged as error:
        raise RunStateRefused() from error
    return _run_view(updated, store.lines(rt.db, run_id))


def cancel_run(rt: Runtime, caller: Principal, run_id: str) -> RunView:
    """取消 before 振込済み only, and only the latest confirmed run: its period opens again and the
    amounts it carried forward go back to what they were before it."""
    _require_committee(caller)
    run = _readable_run(rt, caller, run_id)
    if run["state"] != PayoutState.CREATED:
        raise RunNotCancellable(state=PayoutState(run["state"]).label)
    head = store.get_head(rt.db, str(run["programme_id"]))
    if not head["order"] or head["order"][-1] != run_id:
        raise RunNotLast()
    frozen = {k: v for k, v in dict(head["frozen"]).items() if k != run_id}
    new_head = {"frozen": frozen, "carry": dict(run.get("carry_in") or {}), "order": list(head["order"][:-1])}
    entry = _run_entry(rt, "payout_run_cancelled", run, period=f"{run['period_start']}～{run['period_end']}")
    try:
        store.cancel(rt.db, run, head, new_head, iso(rt.clock.now()), caller.user_id, entry)
    except (store.StateChanged, store.HeadMoved) as error:
        raise RunStateRefused() from error
    return get_run(rt, caller, run_id)


# --- the 全銀 file ---------------------------------------------------------------------------------
def customer_codes(line: Item) -> tuple[str, str]:
    """顧客コード1: 1 + store id or 2 + company id (9 digits), so the bank's record names the payee;
    顧客コード2: the payee's company id."""
    kind = "1" if line["payee_type"] == "store" else "2"
    return kind + str(line["payee_id"]).zfill(9), str(line["company_id"]).zfill(10)


def _bank_kana(code: str, branch: str | None = None) -> str:
    try:
        return bank.branch_kana(code, branch) if branch else bank.bank_kana(code)
    except bank.BadHolderName:
        return ""  # a name longer than the field: the code identifies the bank, the name is optional


def transfer_file(rt: Runtime, caller: Principal, run_id: str) -> tuple[str, bytes]:
    _require_committee(caller)
    run = _readable_run(rt, caller, run_id)
    if run["state"] == PayoutState.CANCELLED:
        raise RunCancelledNoFile()
    settings = rt.db.get(store.settings_key(str(run["committee_id"])), consistent=True)
    if not settings:
        raise SettingsMissing()
    transfers = []
    for line in store.lines(rt.db, run_id):
        if line["status"] != "transfer":
            continue
        account = line["account"]
        code1, code2 = customer_codes(line)
        transfers.append(
            zengin.Transfer(
                bank_code=str(account["bank_code"]),
                bank_kana=_bank_kana(str(account["bank_code"])),
                branch_code=str(account["branch_code"]),
                branch_kana=_bank_kana(str(account["bank_code"]), str(account["branch_code"])),
                account_type=bank.ACCOUNT_TYPES[str(account["account_type"])][0],
                account_number=str(account["account_number"]),
                holder_kana=str(account["holder_kana"]),
                amount=int(line["transfer"]),
                customer_code_1=code1,
                customer_code_2=code2,
            )
        )
    if not transfers:
        raise NoPayeeAccounts()
    remitter = zengin.Remitter(
        consignor_code=str(settings["consignor_code"]),
        consignor_name=str(settings["consignor_kana"]),
        bank_code=str(settings["bank_code"]),
        bank_kana=_bank_kana(str(settings["bank_code"])),
        branch_code=str(settings["branch_code"]),
        branch_kana=_bank_kana(str(settings["bank_code"]), str(settings["branch_code"])),
        account_type=bank.ACCOUNT_TYPES[str(settings["account_type"])][0],
        account_number=str(settings["account_number"]),
    )
    content = zengin.build(remitter, date.fromisoformat(str(run["pay_date"])), transfers)
    scope, target = Scope(str(run["committee_id"])), str(run["run_id"])
    api.audit_event(
        "payout_file_downloaded", scope=scope, target_type="payout_run", target_id=target, records=len(transfers)
    )
    return f"zengin_{run['programme_id']}_{run['period_end']}.txt", content
