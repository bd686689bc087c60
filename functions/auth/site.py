"""What the sign-in pages show before anyone signs in: which committees this deployment serves."""

from __future__ import annotations

from auth.schemas import CommitteeSummary, SiteResponse
from shoken.db import committees
from shoken.runtime import Runtime


def describe(rt: Runtime) -> SiteResponse:
    return SiteResponse(committees=[CommitteeSummary.model_validate(item) for item in committees.list_all(rt.db)])
