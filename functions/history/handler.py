"""HTTP entry point of the history function (routes of area "history" in shoken.routes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from history.export_models import ExportLink, ExportList, ExportRequest, ExportView
from history.report_models import (
    Daily,
    DailyQuery,
    ReportQuery,
    Settlement,
    SettlementQuery,
    Totals,
    Unused,
    UnusedQuery,
)
from shoken import api, runtime, sheets
from shoken.api import Query, Response
from shoken.config import HistoryConfig
from shoken.history_models import Detail, HistorySearch, Page
from shoken.observability import http_entry
from shoken.sheets import Format

if TYPE_CHECKING:  # only the annotations name it: the runtime import costs a cold start about 5 ms (issue 19)
    from aws_lambda_powertools.utilities.typing import LambdaContext

# The route modules run on the first request of one of their routes (issue 19).
with api.deferred("history", "shoken"):
    from history import exports, reports
    from shoken import history_search, notices

app = api.make_resolver()


@app.get("/api/history")
def handle_search_history(query: Annotated[HistorySearch, Query()]) -> Page:
    return history_search.search(api.rt(), api.principal(), query)


@app.get("/api/history/<number>")
def handle_get_transaction(number: str) -> Detail:
    return history_search.detail(api.rt(), api.principal(), number)


@app.post("/api/exports")
def handle_reserve_export(body: ExportRequest) -> ExportView:
    return exports.reserve(api.rt(), api.principal(), body)


@app.get("/api/exports")
def handle_list_exports() -> ExportList:
    return exports.list_own(api.rt(), api.principal())


@app.post("/api/exports/<job_id>/link")
def handle_export_link(job_id: str) -> ExportLink:
    return exports.link(api.rt(), api.principal(), job_id)


# Each report answers as JSON and as a CSV or Excel file of the same figures.
def _totals(query: ReportQuery) -> Totals:
    return reports.totals_by(
        api.rt(),
        api.principal(),
        first=query.date_from,
        last=query.date_to,
        group=query.group,
        committee_id=query.committee_id,
    )


def _settlement(query: SettlementQuery) -> Settlement:
    return reports.settlement(
        api.rt(), api.principal(), first=query.date_from, last=query.date_to, committee_id=query.committee_id
    )


def _unused(query: UnusedQuery) -> Unused:
    return reports.unused(api.rt(), api.principal(), on=query.on, committee_id=query.committee_id)


@app.get("/api/reports/totals")
def handle_report_totals(query: Annotated[ReportQuery, Query()]) -> Totals:
    return _totals(query)


@app.get("/api/reports/settlement")
def handle_report_settlement(query: Annotated[SettlementQuery, Query()]) -> Settlement:
    return _settlement(query)


def _file_route(
    report: str,
    query_model: type[Any],
    read: Callable[[Any], Any],
    write: Callable[[Any, Format], tuple[str, bytes]],
    fmt: Format,
) -> None:
    """GET /api/reports/<report>.<csv|xlsx>: the report's query, the file in `fmt`. Powertools would
    validate a returned body as JSON and decode XLSX bytes as UTF-8; with no return annotation it
    passes the bytes through (and base64-encodes them)."""

    def route(query: Any) -> Response[bytes]:
        filename, body = write(read(query), fmt)
        return Response(
            status_code=200,
            content_type=fmt.content_type,
            body=body,
            headers={"Content-Disposition": sheets.attachment(filename)},
        )

    route.__annotations__ = {"query": Annotated[query_model, Query()]}
    route.__name__ = route.__qualname__ = f"handle_report_{report}_{fmt.value}"
    app.get(f"/api/reports/{report}.{fmt.value}")(route)


for _report, _model, _read, _write in (
    ("settlement", SettlementQuery, _settlement, reports.settlement_file),
    ("totals", ReportQuery, _totals, reports.totals_file),
    ("unused", UnusedQuery, _unused, reports.unused_file),
):
    for _fmt in (Format.CSV, Format.XLSX):
        _file_route(_report, _model, _read, _write, _fmt)


@app.get("/api/merchant/daily")
def handle_merchant_daily(query: Annotated[DailyQuery, Query()]) -> Daily:
    return reports.merchant_daily(api.rt(), api.principal(), query.date)


@app.get("/api/reports/unused")
def handle_report_unused(query: Annotated[UnusedQuery, Query()]) -> Unused:
    return _unused(query)


# --- お知らせ on the merchant app's home -------------------------------------------------
@app.get("/api/merchant/notices")
def handle_list_merchant_notices() -> notices.NoticeList:
    return notices.list_for(api.rt(), api.principal())


@app.post("/api/merchant/notices/<notice_id>/read")
def handle_read_merchant_notice(notice_id: str) -> notices.NoticeRead:
    return notices.mark_read(api.rt(), api.principal(), notice_id)


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return api.serve(app, event, context, runtime.get(HistoryConfig))
