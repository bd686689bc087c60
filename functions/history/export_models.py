"""Response models of ダウンロード予約 / ファイルダウンロード."""

from __future__ import annotations

from typing import Literal

from shoken.history_models import HistorySearch
from shoken.validation import Schema


class ExportView(Schema):
    job_id: str
    label: str
    state: str  # queued 待機中 / running 作成中 / done 完了 / failed 失敗
    state_label: str
    progress: int  # percent
    rows: int
    size: int
    message: str | None = None
    created_at: str
    updated_at: str
    expires_at: str | None = None
    expired: bool = False


class ExportList(Schema):
    items: list[ExportView]


class ExportLink(Schema):
    url: str
    expires_in: int
    filename: str


class ExportRequest(HistorySearch):
    """ダウンロード予約: the search of 取引履歴一覧 and the file's format."""

    format: Literal["csv", "xlsx"] = "csv"
