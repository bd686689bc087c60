"""`make bench`: run every benchmark and print its figures as a table, each with how it was measured.

Figures are medians of several runs and ratios measured in the same run, so they repeat on a noisy
two-core machine. The latest table is copied into the README by hand after a run.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
# As locally: no EMF lines on stdout and no X-Ray SDK (the handlers' own settings in AWS differ only there).
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")


def table(headers: list[str], rows: list[list[Any]]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:,.2f}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="operations overhead cpu imports history export reset load")
    parser.add_argument("--transactions", type=int, default=100_000, help="history benchmark size")
    args = parser.parse_args()
    wanted = set(args.only or ["operations", "overhead", "cpu", "imports", "history", "export", "reset", "load"])
    out: dict[str, Any] = {}
    sections: list[str] = []
    started = time.perf_counter()

    if "operations" in wanted:
        from bench import operations

        rows = operations.run()
        out["operations"] = rows
        sections.append(
            "### DynamoDB per operation (botocore hook on the real handlers; capacity estimated from item sizes)\n"
            + table(
                ["operation", "calls", "which", "RCU", "WCU", "note"],
                [[r["operation"], r["calls"], r["detail"], r["rcu"], r["wcu"], r["note"]] for r in rows],
            )
        )
    if "overhead" in wanted:
        from bench import overhead

        result = overhead.run()
        out["overhead"] = result
        sections.append(
            "### Payment handler overhead (DynamoDB answered instantly by botocore Stubber; median of 7 rounds × 300 calls)\n"
            + table(
                ["payment handler ms/call", "minimal Powertools resolver ms/call", "ratio"],
                [[result["payment_ms"], result["minimal_ms"], result["ratio"]]],
            )
        )
    if "cpu" in wanted:
        from bench import payment_cpu

        rows = payment_cpu.run()
        out["cpu"] = rows
        sections.append(
            "### CPU per payment with the SDK's real work (the payments bundle on Python "
            f"{rows[0]['python']} with the stage's settings; botocore serializes, signs, sends and parses; a fake "
            f"DynamoDB on loopback in another process; process CPU, median of {payment_cpu.ROUNDS} × "
            f"{payment_cpu.CALLS} calls)\n"
            + table(
                ["wallet buckets", "payment ms CPU", "same 2 SDK calls alone ms (floor)", "ratio", "target"],
                [[int(r["buckets"]), r["payment_ms"], r["floor_ms"], r["ratio"], r["target"]] for r in rows],
            )
        )
    if "imports" in wanted:
        from bench import imports

        rows = imports.run()
        out["imports"] = rows
        sections.append(
            f"### Cold import from the deploy's bundle (Python {imports.python_version()}, read-only bytecode, "
            f"fresh interpreter; median of {imports.RUNS}; ratio per run against `import boto3`)\n"
            + table(
                ["function", "handler module", "ms", "boto3 alone ms", "ratio", "bar", "within"],
                [
                    [
                        r["function"],
                        r["module"],
                        r["ms"],
                        r["boto3_ms"],
                        r["ratio"],
                        r["limit"],
                        "yes" if r["within"] else "NO",
                    ]
                    for r in rows
                ],
            )
        )
    if "history" in wanted:
        from bench import history

        rows = history.run(args.transactions)
        out["history"] = rows
        sections.append(
            f"### History at {args.transactions:,} transactions, 200 stores (first page of 50; items DynamoDB read per item returned)\n"
            + table(
                ["search", "index", "returned", "read", "read per returned"],
                [[r["search"], r["index"], r["returned"], r["read"], r["per_item"]] for r in rows],
            )
        )
    if "export" in wanted:
        from bench import export_memory

        result = export_memory.run()
        out["export"] = result
        sections.append(
            "### CSV export memory (tracemalloc peak of the writer; synthetic rows, S3 counting bytes; the peak is one 5 MiB part once a file needs several)\n"
            + table(
                ["rows", "peak MiB", "file MiB"],
                [
                    ["10,000", result["small_peak_mb"], result["small_file_mb"]],
                    ["100,000", result["middle_peak_mb"], result["middle_file_mb"]],
                    ["1,000,000", result["large_peak_mb"], result["large_file_mb"]],
                ],
            )
            + f"\n1M / 10k peak ratio {result['ratio']:.2f}; 1M / 100k {result['flat_ratio']:.2f}\n"
        )
    if "reset" in wanted:
        from bench import reset_timing

        result = reset_timing.run()
        out["reset"] = result
        sections.append(
            f"### Password reset timing, existing vs unknown login ID (in-process on moto; medians of {result['rounds']} interleaved requests each)\n"
            + table(
                ["existing ms", "unknown ms", "difference ms", "spread (MAD) ms"],
                [[result["known_ms"], result["unknown_ms"], result["difference_ms"], result["spread_ms"]]],
            )
        )
    if "load" in wanted:
        from bench import load

        result = load.run()
        out["load"] = result
        sections.append(
            f"### Local stack end to end (loopback, {result['concurrency']} concurrent tills, {result['payments']} payments; a figure of the local stack, not of AWS)\n"
            + table(
                ["payments/s", "p50 ms", "p99 ms", "failed"],
                [[result["per_second"], result["p50_ms"], result["p99_ms"], result["failed"]]],
            )
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    report = (
        "\n\n".join(sections)
        + f"\n\n(bench took {time.perf_counter() - started:,.0f} s; raw figures in bench/results/latest.json)\n"
    )
    (RESULTS / "latest.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
