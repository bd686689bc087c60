"""`make bench-sale` (issue 15.8): 10,000 applications (申込) through the local API, applications per
second, and proof that none is lost or doubled.

On a fresh local server (`make run`'s, moto behind it, one process): the committee uploads a resident
list of APPLICATIONS people; WALLETS of them sign in to the wallet, confirm eligibility and apply
(the resident's path); the rest are keyed in by the committee as paper applications (the same one
conditional write per person, without a sign-in per person). CONCURRENCY clients submit at once, and
every application is then sent a second time (a retry or a double click): each must be refused as
already applied. The console's 申込一覧 must list each person once with the units sent.

Applications are not first-come (the draw comes after close), so the figure that matters is that the
window's traffic is absorbed without loss, not latency; it is a figure of the local stack, not of AWS.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bench.load import local_console
from tests.support import mailbox
from tests.support.client import Client, over_http

APPLICATIONS = 10_000
WALLETS = 40  # sign-ins from one address: the sign-in throttle allows 60 code mails an hour per source
CONCURRENCY = 4
JST = timedelta(hours=9)


def person(n: int) -> tuple[str, str, str]:
    """Resident key, name in kana, birth date of the n-th resident."""
    kana = "アイウエオカキクケコ"
    name = "".join(kana[int(d)] for d in f"{n:05d}")
    return f"B-{n:06d}", f"ベンチ {name}", f"19{50 + n % 50:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"


def units_of(n: int) -> int:
    return 1 + n % 5


def run_parallel(work: list[Any], send: Callable[[Client, Any], Any], clients: list[Client]) -> tuple[float, list[Any]]:
    """Send every item of `work` with one thread per client; (seconds, replies in work order)."""
    replies: list[Any] = [None] * len(work)
    lock = threading.Lock()
    queue = list(range(len(work)))

    def worker(client: Client) -> None:
        while True:
            with lock:
                if not queue:
                    return
                index = queue.pop()
            replies[index] = send(client, work[index])

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, replies


def run(applications: int = APPLICATIONS, wallets: int = WALLETS) -> dict[str, Any]:
    today = (datetime.utcnow() + JST).date()  # noqa: DTZ003  (the local server's JST day)
    with local_console() as (server, admin, programme):
        base = server.base_url
        rows = "".join(",".join(person(n)) + "\r\n" for n in range(applications))
        reply = admin.request(
            "POST",
            f"/api/admin/programmes/{programme}/residents",
            raw=("住民番号,氏名カナ,生年月日\r\n" + rows).encode(),
            content_type="application/octet-stream",
        )
        assert reply.status == 200, reply
        job = reply.json["job_id"]
        while (state := admin.get(f"/api/admin/programmes/{programme}/resident-uploads/{job}").json)["state"] in (
            "queued",
            "running",
        ):
            time.sleep(0.5)
        assert state["state"] == "done", state
        window = {
            "apply_start": today.isoformat(),
            "apply_end": (today + timedelta(days=14)).isoformat(),
            "units_on_sale": applications,
        }
        assert admin.put(f"/api/admin/programmes/{programme}/sale", window).status == 200

        # Residents in the wallet: sign in and confirm eligibility first (not timed), then apply (timed)
        residents: list[tuple[Client, int]] = []
        for n in range(wallets):
            email = f"bench-sale{n}@example.jp"
            citizen = Client("wallet", over_http(base))
            citizen.post("/api/wallet/auth/start", {"email": email})
            citizen.post("/api/auth/verify", {"code": mailbox.last_code(email, server.mails())})
            key, kana, birth = person(n)
            confirmed = citizen.post(
                f"/api/wallet/sale/{programme}/eligibility",
                {"resident_key": key, "name_kana": kana, "birth_date": birth},
            )
            assert confirmed.status == 200, confirmed
            residents.append((citizen, n))
        consoles = [
            Client("admin", over_http(base), cookies=dict(admin.cookies), csrf=admin.csrf) for _ in range(CONCURRENCY)
        ]

        def wallet_apply(_: Client, item: tuple[Client, int]) -> Any:
            citizen, n = item
            return citizen.put(f"/api/wallet/sale/{programme}/application", {"units": units_of(n)})

        def paper_apply(client: Client, n: int) -> Any:
            key, kana, birth = person(n)
            body = {"resident_key": key, "name_kana": kana, "birth_date": birth, "units": units_of(n)}
            return client.post(f"/api/admin/programmes/{programme}/applications", body)

        wallet_seconds, wallet_replies = run_parallel(residents, wallet_apply, consoles)
        paper = list(range(wallets, applications))
        latencies: list[float] = []

        def timed(client: Client, n: int) -> Any:
            start = time.perf_counter()
            reply = paper_apply(client, n)
            latencies.append(time.perf_counter() - start)
            return reply

        paper_seconds, paper_replies = run_parallel(paper, timed, consoles)
        refused = [r for r in wallet_replies + paper_replies if r.status != 200]
        # Every paper application sent again: each must be refused, none counted twice
        _, again = run_parallel(paper, paper_apply, consoles)
        doubled = [r for r in again if r.code != "already_applied"]
        export = admin.get(f"/api/admin/programmes/{programme}/applications.csv")
        listed = list(csv.DictReader(io.StringIO(export.body.decode("utf-8-sig"))))
        ids = {r["申込者ID"] for r in listed}
        units = sum(int(r["申込冊数"]) for r in listed)
    total = wallet_seconds + paper_seconds
    expected_units = sum(units_of(n) for n in range(applications))
    ordered = sorted(latencies)
    return {
        "applications": applications,
        "wallet_applications": wallets,
        "accepted": applications - len(refused),
        "refused_first_time": len(refused),
        "retries_not_refused": len(doubled),
        "listed": len(listed),
        "listed_unique": len(ids),
        "units_listed": units,
        "units_sent": expected_units,
        "per_second": applications / total,
        "wallet_per_second": wallets / wallet_seconds if wallet_seconds else 0.0,
        "paper_p50_ms": statistics.median(ordered) * 1000 if ordered else 0.0,
        "concurrency": CONCURRENCY,
        "ok": not refused and not doubled and len(listed) == len(ids) == applications and units == expected_units,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=APPLICATIONS)
    parser.add_argument("--wallets", type=int, default=WALLETS)
    args = parser.parse_args()
    result = run(args.applications, args.wallets)
    print("### 申込 through the local API (make bench-sale)")
    print("| applications | of which in wallets | applications/s | wallet applications/s | paper p50 ms | "
          "listed once | units listed / sent | refused | retries accepted | concurrency |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {result['applications']:,} | {result['wallet_applications']:,} | {result['per_second']:,.1f} | "
        f"{result['wallet_per_second']:,.1f} | {result['paper_p50_ms']:,.1f} | {result['listed_unique']:,} | "
        f"{result['units_listed']:,} / {result['units_sent']:,} | {result['refused_first_time']} | "
        f"{result['retries_not_refused']} | {result['concurrency']} |"
    )
    print("none lost or doubled" if result["ok"] else "LOST OR DOUBLED APPLICATIONS")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
