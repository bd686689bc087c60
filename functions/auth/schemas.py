"""Request and response models of the auth function's routes."""

from __future__ import annotations

from pydantic import BaseModel


class HealthResponse(BaseModel):
    status: str
    stage: str


class CommitteeSummary(BaseModel):
    committee_id: str
    name: str
    city: str
    wallet_service_id: str
    wallet_service_name: str
    contact_phone: str | None = None
    contact_hours: str | None = None


class SiteResponse(BaseModel):
    committees: list[CommitteeSummary]
