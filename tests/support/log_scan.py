"""Logs hold no personal data (issue 23.5): a pytest plugin that reads every log record of every test.

Each record is turned into the text CloudWatch would store — the message, every extra key (the JSON
fields of shoken.observability's logger) and any traceback — and searched for:
- any email address (residents' and staff's alike: neither belongs in a log line),
- the demo residents' names (as typed: kana, hiragana, half-width), birth dates and resident keys,
- every code and reset link the test's own mail carried (sign-in codes, email-change codes).
A test whose logs hold one of them fails at teardown, naming the test, the logger and what was found
(never the whole line: the report itself is a log). `tests/integration/test_logs_hold_no_personal_data.py`
runs a full flow through every area under the same scan, so the rule is proven even on a partial run.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

# The demo residents of the seed and the tests: their resident-list fields in the forms they are typed.
DEMO_RESIDENTS: tuple[tuple[str, ...], ...] = (
    (
        "A-0001",
        "A-1",
        "ヤマダ タロウ",
        "ヤマダタロウ",
        "やまだ たろう",
        "ﾔﾏﾀﾞ ﾀﾛｳ",
        "1980-04-01",
        "1980/4/1",
        "19800401",
    ),
    ("A-0002", "A-2", "スズキ ハナコ", "スズキハナコ", "すずき はなこ", "1975-12-03", "1975/12/3", "19751203"),
    ("A-0003", "A-3", "サトウ ジロウ", "サトウジロウ", "ｻﾄｳ ｼﾞﾛｳ", "1992-02-29", "19920229"),
)
# Strings that are personal data in any log line, however they got there.
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
CODE = re.compile(r"確認コード: (\d{6})")
LINK_TOKEN = re.compile(r"#/reset\?token=([A-Za-z0-9_-]+)")
# Keys every LogRecord has; whatever else a record carries is an `extra` field of the JSON line.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
# Resident-key forms are short: only whole tokens count, so "A-1" does not match "A-10" or "SHA-1".
_KEYS = {value for person in DEMO_RESIDENTS for value in person if re.fullmatch(r"[A-Z]-\d+", value)}


def record_text(record: logging.LogRecord) -> str:
    """What the log line would hold: message, extra fields and traceback."""
    parts = [record.getMessage()]
    extra = {k: v for k, v in vars(record).items() if k not in _STANDARD}
    if extra:
        parts.append(json.dumps(extra, ensure_ascii=False, default=str))
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


def findings(text: str, secrets: set[str]) -> list[str]:
    """What personal data a log text holds, described without repeating it whole."""
    found = [f"email address ({m.split('@')[-1]})" for m in EMAIL.findall(text)]
    for person in DEMO_RESIDENTS:
        for value in person:
            if value in _KEYS:
                if re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text):
                    found.append("a demo resident's key")
            elif value in text:
                found.append("a demo resident's name or birth date")
    found += ["a code or link sent by mail" for s in secrets if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)]
    return found


class Collector(logging.Handler):
    """Every record of one test, kept as text; the mail codes of the same test."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[tuple[str, str]] = []
        self.secrets: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.texts.append((record.name, record_text(record)))
        except Exception:  # a record that cannot be formatted is not this plugin's failure to report
            self.texts.append((record.name, str(record.msg)))

    def problems(self) -> list[str]:
        out = []
        for name, text in self.texts:
            for what in dict.fromkeys(findings(text, self.secrets)):
                out.append(f"logger {name!r}: {what}")
        return out


_active: list[Collector] = []


def _remember_secrets(body: str) -> None:
    for collector in _active:
        collector.secrets.update(CODE.findall(body))
        collector.secrets.update(LINK_TOKEN.findall(body))


COLLECTOR = pytest.StashKey[Collector]()


@pytest.fixture(autouse=True)
def logs_hold_no_personal_data(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Collector]:
    from shoken import mail

    collector = Collector()
    request.node.stash[COLLECTOR] = collector
    root = logging.getLogger()
    root.addHandler(collector)
    _active.append(collector)
    original = mail.send

    def send(rt: Any, message: mail.Mail) -> None:
        _remember_secrets(message.body)
        original(rt, message)

    monkeypatch.setattr(mail, "send", send)
    try:
        yield collector
    finally:
        _active.remove(collector)
        root.removeHandler(collector)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """After a test's teardown: its log records, and what it printed (Powertools' JSON lines and EMF
    metrics go to stdout, as in Lambda), hold no personal data; otherwise the test fails."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    collector = item.stash.get(COLLECTOR, None)
    if report.when != "teardown" or collector is None:
        return
    problems = collector.problems()
    for title, text in report.sections:
        if title.startswith(("Captured stdout", "Captured stderr")):
            problems += [f"{title.lower()}: {what}" for what in dict.fromkeys(findings(text, collector.secrets))]
    if problems and report.outcome != "failed":
        report.outcome = "failed"
        report.longrepr = "personal data in the logs (issue 23.5):\n" + "\n".join(dict.fromkeys(problems))
