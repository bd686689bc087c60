"""振込先口座: each store, or its company when the company chooses, registers where it is paid (SPEC §11).

Committee admins and the company's own admins may register and change accounts; company staff see
them. Every change is in the audit log, in the company's partition, so its admins see it.
"""

from __future__ import annotations

from typing import Any

from programme.errors import PayoutAccountEditors, PayoutByEditors
from programme.payout_schemas import BankNames, PayoutAccountInput, PayoutAccountView, PayoutByRequest
from shoken import api, bank, console, payout_account
from shoken.clock import iso
from shoken.db import companies, keys, stores
from shoken.db import payout_accounts as accounts
from shoken.db.dynamo import Expr, Item
from shoken.errors import CompanyNotFound, DomainError, NotFound, StoreNotFound
from shoken.principal import Principal, Scope
from shoken.roles import Role

EDITORS = (Role.SYSTEM_ADMIN, Role.COMMITTEE_ADMIN, Role.COMPANY_ADMIN)


def _may_edit(caller: Principal) -> bool:
    return caller.role in EDITORS


def payout_by(company: Item | None) -> str:
    """Who a company's payments go to: each store's own account (the default) or the company's."""
    return "company" if company and company.get("payout_by") == "company" else "store"


def _view(
    caller: Principal, owner_type: str, owner: Item, record: Item | None, company: Item | None
) -> PayoutAccountView:
    by = payout_by(company)
    view: dict[str, Any] = {
        "owner_type": owner_type,
        "owner_id": str(owner[f"{owner_type}_id"]),
        "owner_name": str(owner["name"]),
        "registered": record is not None,
        "payout_by": by,
        "paid_here": by == owner_type,
        "may_edit": _may_edit(caller),
    }
    if record:
        view |= {k: record.get(k) for k in PayoutAccountView.model_fields if k in record}
        view["account_type_label"] = bank.ACCOUNT_TYPES[str(record["account_type"])][1]
    return PayoutAccountView(**view)


def _target(rt: Any, caller: Principal, owner_type: str, owner_id: str) -> tuple[Item, Item | None, str]:
    if owner_type == "store":
        store = console.in_scope(caller, stores.get(rt.db, owner_id, consistent=True), StoreNotFound)
        return store.item, companies.get(rt.db, store.company_id, consistent=True), accounts.owner_of_store(owner_id)
    company = console.in_scope(caller, companies.get(rt.db, owner_id, consistent=True), CompanyNotFound)
    return company, company, accounts.owner_of_company(owner_id)


def get(rt: Any, caller: Principal, owner_type: str, owner_id: str) -> PayoutAccountView:
    owner, company, key = _target(rt, caller, owner_type, owner_id)
    return _view(caller, owner_type, owner, accounts.get(rt.db, key, consistent=True), company)


def put(rt: Any, caller: Principal, owner_type: str, owner_id: str, body: PayoutAccountInput) -> PayoutAccountView:
    if not _may_edit(caller):
        raise PayoutAccountEditors()
    owner, company, key = _target(rt, caller, owner_type, owner_id)
    account = payout_account.checked(body)
    before = accounts.get(rt.db, key, consistent=True)
    record = accounts.item(
        key,
        scope={
            "committee_id": owner.get("committee_id"),
            "company_id": owner.get("company_id"),
            "store_id": owner.get("store_id"),
        },
        account=account,
        now=iso(rt.clock.now()),
        by=caller.user_id,
    )
    rt.db.put(record)
    api.audit_event(
        "payout_account_updated" if before else "payout_account_registered",
        scope=Scope.of(owner),
        target_type=owner_type,
        target_id=owner_id,
        bank=f"{account['bank_code']}-{account['branch_code']}",
        account=bank.masked(account["account_number"]),
        holder=account["holder_kana"],
        before=(f"{before['bank_code']}-{before['branch_code']} {bank.masked(str(before['account_number']))}")
        if before
        else None,
    )
    return _view(caller, owner_type, owner, record, company)


def set_payout_by(rt: Any, caller: Principal, company_id: str, body: PayoutByRequest) -> PayoutAccountView:
    if not _may_edit(caller):
        raise PayoutByEditors()
    company = console.in_scope(caller, companies.get(rt.db, company_id, consistent=True), CompanyNotFound)
    expr = Expr()
    rt.db.update(
        keys.company(company_id),
        f"SET {expr.n('payout_by')} = {expr.v(body.payout_by)}",
        expr=expr,
        condition=f"attribute_exists({expr.n('PK')})",
    )
    api.audit_event(
        "payout_by_changed",
        scope=Scope.of(company),
        target_type="company",
        target_id=company_id,
        payout_by=body.payout_by,
    )
    company = {**company, "payout_by": body.payout_by}
    record = accounts.get(rt.db, accounts.owner_of_company(company_id), consistent=True)
    return _view(caller, "company", company, record, company)


class BankNotListed(DomainError, NotFound):
    """Facts: bank_code. The form asks as the code is typed: a code not on the list is not found (404)."""

    code = "unknown_bank"
    variant = "names_not_listed"


class BankCodeNotFound(BankNotListed):
    variant = "names_format"


def names(bank_code: str, branch_code: str | None) -> BankNames:
    """Names from the Zengin list for the form to show as the codes are typed (404: not on the list)."""
    try:
        bank_name = bank.bank_name(bank_code)
    except bank.BankNotListed as error:
        raise BankNotListed(**error.facts) from error
    except bank.UnknownBank as error:
        raise BankCodeNotFound() from error
    return BankNames(
        bank_code=bank_code,
        bank_name=bank_name,
        branch_code=branch_code or None,
        branch_name=bank.branch_name(bank_code, branch_code) if branch_code else None,
    )
