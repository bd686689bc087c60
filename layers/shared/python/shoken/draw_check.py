"""Recompute a draw (抽選) from the exported applications, the rule and the seed, and compare.

    make recompute-draw FILE=applications_P1.csv SEED=<seed> RULE=equal_then_lot UNITS=1000
    (or: python -m shoken.draw_check FILE --seed SEED --rule RULE --units UNITS)

FILE is the console's 申込一覧 (GET /api/admin/programmes/<id>/applications.csv): 申込者ID (the person's
keyed hash, the key the draw orders by), 申込冊数, 当選冊数. The seed and rule are on the sale screen
and in the audit log (抽選シード), written before the draw. The command recomputes every applicant's
units with shoken.allocation and prints whether each equals the stored 当選冊数; it exits 0 when all do,
1 when any differs (each difference is listed), 2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence

from shoken import allocation
from shoken.errors import DomainError, variant

COLUMNS = ("申込者ID", "申込冊数", "当選冊数")


# The applications file cannot be checked: codes and facts (their texts: shoken.messages, "draw check").
class DrawFileRejected(DomainError, ValueError):
    code = "draw_file_invalid"


DrawColumnsMissing = variant(
    DrawFileRejected, "columns", "DrawColumnsMissing"
)  # Facts: columns (the ones missing, comma-separated)


DrawApplicantTwice = variant(DrawFileRejected, "duplicate", "DrawApplicantTwice")  # Facts: line


DrawUnitsNotInteger = variant(DrawFileRejected, "units", "DrawUnitsNotInteger")  # Facts: line


def read(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """(units asked, units stored as won) by applicant, from the exported CSV."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DrawColumnsMissing(columns=", ".join(missing))
    asked: dict[str, int] = {}
    stored: dict[str, int] = {}
    for row in reader:
        applicant = row["申込者ID"].strip()
        if applicant in asked:
            raise DrawApplicantTwice(line=reader.line_num)
        try:
            asked[applicant] = int(row["申込冊数"])
            stored[applicant] = int(row["当選冊数"] or 0)
        except ValueError as error:
            raise DrawUnitsNotInteger(line=reader.line_num) from error
    return asked, stored


def compare(asked: dict[str, int], stored: dict[str, int], units: int, rule: str, seed: str) -> list[str]:
    """The applicants whose recomputed units differ from the stored ones, as lines to print."""
    recomputed = allocation.allocate(asked, units, allocation.Rule(rule), seed)
    return [
        f"{applicant}: 記録 {stored[applicant]}冊 / 再計算 {recomputed[applicant]}冊"
        for applicant in sorted(asked)
        if recomputed[applicant] != stored[applicant]
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shoken.draw_check", description="抽選結果の再計算")
    parser.add_argument("file")
    parser.add_argument("--seed", required=True)
    parser.add_argument("--rule", required=True, choices=[r.value for r in allocation.Rule])
    parser.add_argument("--units", required=True, type=int, help="販売冊数 (units on sale)")
    args = parser.parse_args(argv)
    try:
        with open(args.file, encoding="utf-8-sig") as handle:
            asked, stored = read(handle.read())
    except (OSError, ValueError) as error:
        print(f"読み取れません: {error}", file=sys.stderr)
        return 2
    differences = compare(asked, stored, args.units, args.rule, args.seed)
    won = sum(stored.values())
    if differences:
        print(f"一致しません: {len(differences):,}人の当選冊数が再計算と異なります。")
        print("\n".join(differences))
        return 1
    print(f"一致しました: 申込 {len(asked):,}人・当選 {won:,}冊、記録された結果は再計算と同じです。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
