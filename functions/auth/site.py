"""The public description of this deployment (which committees it serves), and signing out."""

from __future__ import annotations

from auth import issue
from auth.schemas import CommitteeSummary, SiteResponse
from shoken import api
from shoken.db import committees
from shoken.db import sessions as session_records
from shoken.principal import Principal
from shoken.runtime import Runtime


def describe(rt: Runtime) -> SiteResponse:
    stage = rt.config.stage
    return SiteResponse(
        committees=[CommitteeSummary.model_validate(item) for item in committees.list_all(rt.db)],
        stage=stage,
        stage_label=stage_label(stage),
    )


# The manual's screens show 【ローカル】; every stage but prod is named so that nobody mistakes a test
# system for the real one.
_STAGE_LABELS = {"local": "ローカル", "dev": "開発", "stg": "検証", "staging": "検証", "test": "テスト"}


def stage_label(stage: str) -> str | None:
    if stage == "prod":
        return None
    return _STAGE_LABELS.get(stage, stage.upper())


def logout(rt: Runtime, caller: Principal) -> None:
    session_records.revoke(rt.db, caller.home_pk, caller.session_id)
    issue.end_session(rt, caller.app)
    api.audit_event("logout", scope=caller.scope)
