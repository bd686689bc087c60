"""HTTP entry point of the history function (routes of area "history" in shoken.routes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ParamSpec

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

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
from shoken.observability import logger, metrics, tracer
from shoken.sheets import Format

# The route modules run on the first request of one of their routes (issue 19).
with api.deferred("history", "shoken"):
    from history import exports, reports
    from shoken import history_search, notices

app = api.make_resolver()
P = ParamSpec("P")


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


@app.get("/api/reports/totals")
def handle_report_totals(query: Annotated[ReportQuery, Query()]) -> Totals:
    return reports.totals_by(
        api.rt(),
        api.principal(),
        first=query.date_from,
        last=query.date_to,
        group=query.group,
        committee_id=query.committee_id,
    )


@app.get("/api/reports/settlement")
def handle_report_settlement(query: Annotated[SettlementQuery, Query()]) -> Settlement:
    return reports.settlement(
        api.rt(), api.principal(), first=query.date_from, last=query.date_to, committee_id=query.committee_id
    )


def _binary(route: Callable[P, Response[bytes]]) -> Callable[P, Response[bytes]]:
    """A file route: Powertools would validate the body as JSON and decode XLSX bytes as UTF-8; with
    no return annotation at run time it passes the bytes through (and base64-encodes them)."""
    route.__annotations__.pop("return", None)
    return route


def _file(name_and_body: tuple[str, bytes], fmt: Format) -> Response[bytes]:
    filename, body = name_and_body
    return Response(
        status_code=200,
        content_type=fmt.content_type,
        body=body,
        headers={"Content-Disposition": sheets.attachment(filename)},
    )


def _settlement_file(query: SettlementQuery, fmt: Format) -> Response[bytes]:
    report = reports.settlement(
        api.rt(), api.principal(), first=query.date_from, last=query.date_to, committee_id=query.committee_id
    )
    return _file(reports.settlement_file(report, fmt), fmt)


def _totals_file(query: ReportQuery, fmt: Format) -> Response[bytes]:
    report = reports.totals_by(
        api.rt(),
        api.principal(),
        first=query.date_from,
        last=query.date_to,
        group=query.group,
        committee_id=query.committee_id,
    )
    return _file(reports.totals_file(report, fmt), fmt)


def _unused_file(query: UnusedQuery, fmt: Format) -> Response[bytes]:
    report = reports.unused(api.rt(), api.principal(), on=query.on, committee_id=query.committee_id)
    return _file(reports.unused_file(report, fmt), fmt)


@app.get("/api/reports/settlement.csv")
@_binary
def handle_report_settlement_csv(query: Annotated[SettlementQuery, Query()]) -> Response[bytes]:
    return _settlement_file(query, Format.CSV)


@app.get("/api/reports/settlement.xlsx")
@_binary
def handle_report_settlement_xlsx(query: Annotated[SettlementQuery, Query()]) -> Response[bytes]:
    return _settlement_file(query, Format.XLSX)


@app.get("/api/reports/totals.csv")
@_binary
def handle_report_totals_csv(query: Annotated[ReportQuery, Query()]) -> Response[bytes]:
    return _totals_file(query, Format.CSV)


@app.get("/api/reports/totals.xlsx")
@_binary
def handle_report_totals_xlsx(query: Annotated[ReportQuery, Query()]) -> Response[bytes]:
    return _totals_file(query, Format.XLSX)


@app.get("/api/reports/unused.csv")
@_binary
def handle_report_unused_csv(query: Annotated[UnusedQuery, Query()]) -> Response[bytes]:
    return _unused_file(query, Format.CSV)


@app.get("/api/reports/unused.xlsx")
@_binary
def handle_report_unused_xlsx(query: Annotated[UnusedQuery, Query()]) -> Response[bytes]:
    return _unused_file(query, Format.XLSX)


@app.get("/api/merchant/daily")
def handle_merchant_daily(query: Annotated[DailyQuery, Query()]) -> Daily:
    return reports.merchant_daily(api.rt(), api.principal(), query.date)


@app.get("/api/reports/unused")
def handle_report_unused(query: Annotated[UnusedQuery, Query()]) -> Unused:
    return reports.unused(api.rt(), api.principal(), on=query.on, committee_id=query.committee_id)


# --- お知らせ on the merchant app's home -------------------------------------------------
@app.get("/api/merchant/notices")
def handle_list_merchant_notices() -> notices.NoticeList:
    return notices.list_for(api.rt(), api.principal())


@app.post("/api/merchant/notices/<notice_id>/read")
def handle_read_merchant_notice(notice_id: str) -> notices.NoticeRead:
    return notices.mark_read(api.rt(), api.principal(), notice_id)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return api.serve(app, event, context, runtime.get(HistoryConfig))
