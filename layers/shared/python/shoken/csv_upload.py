"""What every uploaded CSV shares (マスタ一括登録, 住民名簿, 引換コード sheets): how its bytes are decoded
and how its errors are kept by line (line, column, reason; never the value typed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_ERRORS_KEPT = 1_000
UNREADABLE = "文字コードを判別できません。UTF-8 または Shift_JIS で保存したCSVファイルを指定してください。"


@dataclass
class LineErrors:
    """The errors by line: at most MAX_ERRORS_KEPT kept, all counted."""

    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    def error(self, line: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"line": line, "column": column, "reason": reason})


def decode(raw: bytes, rejected: Callable[[str], Exception]) -> str:
    """UTF-8 (with or without BOM) or Shift_JIS (Windows-31J, as Excel saves it in Japan)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise rejected(UNREADABLE)
