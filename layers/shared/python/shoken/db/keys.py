"""Every primary key of the single table, written once. docs/data-model.md lists the same patterns."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

Key = tuple[str, str]

# by_committee spreads a committee's JST day over this many partitions (issue 13.8): one index
# partition takes about 1,000 WCU/s, a transaction's index copy about 2, so one partition a day
# throttles near 500 payments/s; 8 shards carry about 4,000/s, above a 3,000 TPS country-wide
# programme. Readers merge the shards newest first (shoken.db.history_shards.read_groups). Changing the
# number moves existing rows to other partitions: it needs a migration like local/snapshot.py's.
HISTORY_SHARDS = 8


def committee(committee_id: str) -> Key:
    return (f"ACQ#{committee_id}", "ACQ")


def company(company_id: str) -> Key:
    return (f"CO#{company_id}", "CO")


def store(store_id: str) -> Key:
    return (f"ST#{store_id}", "ST")


def terminal(terminal_id: str) -> Key:
    return (f"TERM#{terminal_id}", "TERM")


def user(user_id: str) -> Key:
    return (f"USER#{user_id}", "USER")


def email_change(user_id: str) -> Key:
    """An admin user's email change waiting for the code sent to the new address (in the user's partition)."""
    return (f"USER#{user_id}", "EMAILCHANGE")


def login_name(login_id: str) -> Key:
    """Uniqueness guard and lookup for admin login IDs (case-insensitive)."""
    return (f"LOGIN#{login_id.lower()}", "LOGIN")


def login_failures(login_hash: str) -> Key:
    """Failed sign-ins for a login ID that does not exist, so lock-out looks the same for all IDs."""
    return (f"LOGINFAIL#{login_hash}", "LOGINFAIL")


def session(home_pk: str, session_id: str) -> Key:
    return (home_pk, f"SESSION#{session_id}")


def attempt(attempt_id: str) -> Key:
    return (f"ATTEMPT#{attempt_id}", "ATTEMPT")


def reset_token(token_hash: str) -> Key:
    return (f"RESET#{token_hash}", "RESET")


def wallet(wallet_id: str) -> Key:
    return (f"WALLET#{wallet_id}", "WALLET")


def wallet_listing(wallet_id: str) -> Key:
    """The wallet's small entry in its committee's アプリユーザ list (list1), apart from the wallet item
    so a payment's update of the buckets is not copied into the list index."""
    return (f"WALLET#{wallet_id}", "LIST")


def citizen_email(service_id: str, email: str) -> Key:
    return (f"EMAIL#{service_id}#{email.lower()}", "EMAIL")


def programme(programme_id: str) -> Key:
    return (f"PROG#{programme_id}", "PROG")


def programme_holder(programme_id: str, wallet_id: str) -> Key:
    return (f"PROG#{programme_id}", f"HOLDER#{wallet_id}")


def qr_token(token_hash: str) -> Key:
    return (f"QR#{token_hash}", "QR")


def mpm_request(request_id: str) -> Key:
    return (f"MPM#{request_id}", "MPM")


def transaction(number: str) -> Key:
    return (f"TXN#{number}", "TXN")


def places(record: Mapping[str, Any]) -> list[Key]:
    """The committee, company and store a record (or a row) names, in that order, those it names only."""
    found = [
        (committee, record.get("committee_id")),
        (company, record.get("company_id")),
        (store, record.get("store_id")),
    ]
    return [key(str(value)) for key, value in found if value]


def history_shard(number: str) -> int:
    """The by_committee shard of a transaction: a stable hash of its number (random digits), so the
    shards fill evenly and a record always says where it lives."""
    return zlib.crc32(number.encode()) % HISTORY_SHARDS


def committee_history(committee_id: str, day: str, shard: int) -> str:
    """`hist_committee`: one shard of a committee's JST day in the by_committee index."""
    return f"ACQ#{committee_id}#{day}#{shard}"


def committee_history_day(committee_id: str, day: str) -> list[str]:
    """Every by_committee partition of a committee's JST day, shard 0 first."""
    return [committee_history(committee_id, day, shard) for shard in range(HISTORY_SHARDS)]


def idempotency(scope: str, idem_key: str) -> Key:
    return (f"IDEM#{scope}#{idem_key}", "IDEM")


def sequence(name: str) -> Key:
    return (f"SEQ#{name}", "SEQ")


def job(job_id: str) -> Key:
    return (f"JOB#{job_id}", "JOB")


def open_job(job_id: str) -> Key:
    """A job not known to be finished, for the schedule to find stalled ones without a Scan."""
    return ("JOBOPEN#", f"JOB#{job_id}")


def grant_mark(grant_id: str, wallet_id: str) -> Key:
    return (f"GRANT#{grant_id}", f"WALLET#{wallet_id}")


def aggregate_mark(event_id: str) -> Key:
    return (f"AGGMARK#{event_id}", "AGGMARK")


# --- payouts (換金・精算) -------------------------------------------------------------------------
def payout_account(owner: str) -> Key:
    """The bank account of a payee: owner is "ST#<store>" or "CO#<company>"."""
    return (f"PAYACCT#{owner}", "PAYACCT")


def payout_head(programme_id: str) -> Key:
    """Per programme: the periods frozen by live runs, with a version every confirm and cancel moves."""
    return (f"PAYHEAD#{programme_id}", "PAYHEAD")


def payout_run(run_id: str) -> Key:
    return (f"PAYRUN#{run_id}", "PAYRUN")


def payout_line(run_id: str, payee: str) -> Key:
    return (f"PAYRUN#{run_id}", f"PAYEE#{payee}")


# --- notices (お知らせ) and expiry reminders ----------------------------------------------------------
def notice(notice_id: str) -> Key:
    return (f"NOTICE#{notice_id}", "NOTICE")


def notice_read(reader_id: str, notice_id: str) -> Key:
    """A reader's read-mark on a notice: one BatchGetItem tells which of a page of notices are read."""
    return (f"NOTICEREAD#{reader_id}", f"NOTICE#{notice_id}")


def notice_list(committee_id: str, audience: str) -> str:
    """list1 partition of a committee's notices for one audience ("residents", "programme#P1", ...)."""
    return f"NOTICES#{committee_id}#{audience}"


def notice_admin_list(committee_id: str) -> str:
    """list2 partition of every notice of a committee, for the console."""
    return f"NOTICES#{committee_id}"


def reminder_mark(wallet_id: str, programme_id: str, expires_on: str, days_before: int) -> Key:
    """Sent once: an expiry reminder for one wallet, programme, expiry date and reminder day (two
    programmes ending on the same day are two amounts, each reminded of)."""
    return (f"REMIND#{wallet_id}", f"EXP#{expires_on}#P{programme_id}#D{days_before:03d}")


def reminder_jobs(committee_id: str) -> str:
    """list2 partition of a committee's expiry-reminder jobs, for the console."""
    return f"REMINDERS#{committee_id}"


# --- resident lists (住民名簿, issues 15/23) --------------------------------------------
def resident_list(programme_id: str) -> Key:
    """A programme's current resident list: its generation, count and who uploaded it (no personal data)."""
    return (f"PROG#{programme_id}", "RESLIST")


def resident(programme_id: str, generation: str, matching_hash: str) -> Key:
    """One resident of one generation of a programme's list: only the keyed hash of the matching fields."""
    return (f"RES#{programme_id}#{generation}", f"H#{matching_hash}")


def resident_uploads(programme_id: str) -> str:
    """list2 partition of a programme's resident-list upload jobs, for its committee's admins."""
    return f"RESUPLOADS#{programme_id}"


def sale_settings(programme_id: str) -> Key:
    """A programme's sale by application: 申込期間 and units on sale."""
    return (f"PROG#{programme_id}", "SALE")


def sale_counts(programme_id: str) -> Key:
    """The head of a programme's 販売状況 counters: since when they are exact (written with the sale, or by
    a rebuild), and the counts of before the shards (a sale's older application writes counted here)."""
    return (f"SALECOUNT#{programme_id}", "COUNTS")


# Applications at once count on different items, so they rarely conflict (TransactionConflict). Fixed:
# counts on a shard beyond a smaller number would no longer be summed.
SALE_COUNT_SHARDS = 16


def sale_count_shard(programme_id: str, matching_hash: str) -> Key:
    """The shard of the 販売状況 counters a person's application writes and purchases count on, by the
    person's hash; the counts are the head's plus every shard's (sale_count_shards)."""
    return _sale_count_shard(programme_id, zlib.crc32(matching_hash.encode()) % SALE_COUNT_SHARDS)


def sale_count_shards(programme_id: str) -> list[Key]:
    return [_sale_count_shard(programme_id, n) for n in range(SALE_COUNT_SHARDS)]


def _sale_count_shard(programme_id: str, n: int) -> Key:
    return (f"SALECOUNT#{programme_id}#{n}", "COUNTS")


def person_eligibility(programme_id: str, matching_hash: str) -> Key:
    """One person's eligibility for a programme (the resident-list hash), bound to one wallet or to paper."""
    return (f"ELIG#{programme_id}#{matching_hash}", "ELIG")


def wallet_eligibility(programme_id: str, wallet_id: str) -> Key:
    """Which person a wallet is eligible as, so that one wallet holds one person's eligibility."""
    return (f"WELIG#{programme_id}#{wallet_id}", "WELIG")


def application(programme_id: str, matching_hash: str) -> Key:
    """One person's application (申込) for a programme: one per person by its key."""
    return (f"APP#{programme_id}#{matching_hash}", "APP")


def application_list(programme_id: str) -> str:
    """list1 partition of a programme's applications (for the draw and the counts)."""
    return f"APPS#{programme_id}"


# --- card wallets (カード型, issue 16) -------------------------------------------------
def card(number: str) -> Key:
    """A card: its state, secret and PIN hashes, wrong-PIN and daily counters (its value is in its wallet)."""
    return (f"CARD#{number}", "CARD")


def card_sheet(sheet: str) -> Key:
    """A card sheet (PDF) that was made: the cards whose secrets it carried were seen."""
    return (f"CARDSHEET#{sheet}", "CARDSHEET")


def card_resident(programme_id: str, matching_hash: str) -> Key:
    """One card per resident of a programme's list: which card (number) the resident holds."""
    return (f"CARDRES#{programme_id}#{matching_hash}", "CARDRES")


def sale_jobs(programme_id: str) -> str:
    """list2 partition of a programme's sale jobs (draw, results mail), for its committee's admins."""
    return f"SALEJOBS#{programme_id}"


def sale_result_mark(programme_id: str, matching_hash: str, round_no: int = 1) -> Key:
    """Sent once: the results email of one application's round (1: 当選・落選, 2: 二次抽選の当選)."""
    return (f"SALEMAIL#{programme_id}#{matching_hash}", "RESULT" if round_no == 1 else f"RESULT{round_no}")


def payment_reference(programme_id: str, reference: str) -> Key:
    """A 当選 application's 振込依頼人コード (bank-transfer reference), unique per programme by its key."""
    return (f"PAYREF#{programme_id}#{reference}", "PAYREF")


def deposit_credit(programme_id: str, reference: str, round_no: int) -> Key:
    """Credited once: the bank transfer paying one reference's 当選 units of one round (一次 1, 二次 2),
    written in the credit's own transaction on the condition that it does not exist yet."""
    return (f"DEPOSIT#{programme_id}#{reference}", f"CREDIT#{round_no}")


def deposit_upload(programme_id: str, upload_id: str) -> Key:
    """One 入金データ取込 of a programme and its result (matched, and what the clerk must resolve)."""
    return (f"DEPUPS#{programme_id}", f"UP#{upload_id}")


def deposit_upload_rows(programme_id: str, upload_id: str, part: int) -> Key:
    """The rows of a large 入金データ取込's result beyond its first part (its own partition, so the list of
    uploads reads no rows; the same DEPUPS# kind, so the retention run deletes them with the upload)."""
    return (f"DEPUPS#{programme_id}#ROWS", f"UP#{upload_id}#{part:02d}")


def redemption_code(programme_id: str, code_digest: str) -> Key:
    """One 引換コード of a programme, by the keyed digest of the code (never the code): the person it is for."""
    return (f"RCODE#{programme_id}#{code_digest}", "RCODE")
