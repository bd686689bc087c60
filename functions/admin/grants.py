"""キャンペーン / 一括付与: grant an amount to every citizen of a committee (or a list), as a job."""

from __future__ import annotations

import base64
import hashlib

from admin import programmes
from admin.errors import WalletsUnknown
from admin.schemas import GrantRequest, JobList
from shoken import api, audit, console, ids
from shoken.console_models import JobView
from shoken.db import idempotency, jobs, keys, ledger, wallets
from shoken.db.dynamo import ConditionFailed
from shoken.errors import InvalidRequest, field_problem
from shoken.principal import Principal, Scope
from shoken.runtime import Runtime


def shared_list(committee_id: str) -> str:
    return f"GRANTS#{committee_id}"


def _grant_id(committee_id: str, idempotency_key: str) -> str:
    """The grant's job id, the same for every retry of one press of 付与 (and unguessable from outside:
    it is keyed with the committee, and the key is the console's random one)."""
    digest = hashlib.sha256(f"grant:{committee_id}:{idempotency_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode().replace("-", "x").replace("_", "y")


def start(rt: Runtime, caller: Principal, body: GrantRequest) -> JobView:
    programme = programmes._visible(rt, caller, body.programme_id)
    if body.voucher_type not in programme["shares"]:
        raise InvalidRequest(details=[field_problem("voucher_type", "unknown", "voucher_type_unknown")])
    if body.wallet_ids is not None:
        bad = [w for w in body.wallet_ids if not ids.WALLET_ID.match(w)]
        if bad or not body.wallet_ids:
            raise InvalidRequest(
                details=[field_problem("wallet_ids", "format", "wallet_ids_format", ids=", ".join(bad[:5]))]
            )
    committee_id = str(programme["committee_id"])
    if body.wallet_ids:
        # An ID that is no one of this city is refused now, not reported later as 「付与済みまたは利用停止中」.
        found = rt.db.batch_get([keys.wallet(w) for w in body.wallet_ids])
        unknown = [
            w
            for w in dict.fromkeys(body.wallet_ids)
            if found.get(keys.wallet(w), {}).get("committee_id") != committee_id
        ]
        if unknown:
            listed = "wallet_ids_unknown_more" if len(unknown) > 5 else "wallet_ids_unknown"
            raise WalletsUnknown(
                count=len(unknown), details=[field_problem("wallet_ids", "unknown", listed, ids=", ".join(unknown[:5]))]
            )
    grant_id = _grant_id(committee_id, body.idempotency_key)
    request = body.model_dump(mode="json", exclude={"idempotency_key"})
    target = f"{len(body.wallet_ids):,}人" if body.wallet_ids is not None else "登録済みの全アプリユーザ"
    record = jobs.item(
        grant_id,
        job_kind="grant",
        owner=audit.actor_of(caller) | {"committee_id": caller.committee_id},
        scope={"committee_id": committee_id},
        params={
            "programme_id": body.programme_id,
            "committee_id": committee_id,
            "name": body.name,
            "campaign_name": body.campaign_name or body.name,
            "amount": body.amount,
            "voucher_type": body.voucher_type,
            "wallet_ids": body.wallet_ids,
            "list_pk": wallets.list_pk(committee_id),
        },
        now=rt.clock.now(),
        label=f"一括付与「{body.name}」{body.amount:,}円 ({target})",
        shared_list=shared_list(committee_id),
    )
    record["request_hash"] = idempotency.request_hash(request)
    entry = api.audit_item(
        "grant_started",
        scope=Scope(committee_id),
        target_type="grant",
        target_id=grant_id,
        amount=body.amount,
        name=body.name,
    )
    try:  # the job and its audit entry together: a press sent again after a failure writes both or finds both
        jobs.create(rt.db, record, audit=ledger.audit_action(rt.db, entry))
    except ConditionFailed as taken:  # the same press sent again: its first job, not a second grant
        first = jobs.get(rt.db, grant_id) or taken.item
        if first is None or first.get("request_hash") != record["request_hash"]:
            raise idempotency.KeyReused() from taken
        return console.job_view(first)
    return console.job_view(record)


def list_for_committee(rt: Runtime, caller: Principal) -> JobList:
    programmes._require(caller)
    committees = (
        [caller.committee_id]
        if caller.committee_id
        else [str(c["committee_id"]) for c in programmes.lookup.visible_committees(rt, caller)]
    )
    found = [
        job for committee_id in committees if committee_id for job in jobs.list_shared(rt.db, shared_list(committee_id))
    ]
    return JobList(items=[console.job_view(j) for j in found])
