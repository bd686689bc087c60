"""Which table items each Lambda function may touch: the one place IAM's DynamoDB grants come from.

A key kind is a partition-key prefix, taken from the key builders themselves (shoken.db.keys and the
few partitions built beside their data module), so renaming a prefix moves the policy with it. Each
row says which functions read and which write that kind; infra/constructs/access.py turns the rows
into each role's statements (actions on the table limited by `dynamodb:LeadingKeys`, queries on the
named indexes only), and the integration tests check every call the code makes against the same
rows (tests/support/table_calls.py). Adding a key kind is one row here.

How DynamoDB evaluates the condition decides its shape:
- `dynamodb:LeadingKeys` is the partition-key value of each item a request names: every key of a
  BatchGetItem/BatchWriteItem, each contained action of TransactWriteItems (authorized as PutItem,
  UpdateItem, DeleteItem or ConditionCheckItem). `ForAllValues:StringLike` therefore requires all of
  them to match a prefix of the role.
- A request that names no partition key (Scan) satisfies `ForAllValues` vacuously, so Scan, PartiQL
  and the table's control-plane actions are never granted.
- A Query on a global secondary index names the index's partition key (hist_*, L1PK, L2PK), not the
  table's; those grants are limited to the index ARNs the function queries, and the index items
  carry whatever attributes the table item has (every index projects ALL).
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import names
from shoken.db import audit, guards, jobs, keys, payouts, totals

# --- key kinds: partition-key prefixes, from the builders -----------------------------------------


def prefix_of(partition_key: str) -> str:
    """`WALLET#w1` -> `WALLET#`: the kind of a partition key is its text up to the first `#`."""
    head, separator, _ = partition_key.partition("#")
    return f"{head}{separator}"


def _kind(key: tuple[str, str] | str) -> str:
    return prefix_of(key if isinstance(key, str) else key[0])


COMMITTEE = _kind(keys.committee("-"))
COMPANY = _kind(keys.company("-"))
STORE = _kind(keys.store("-"))
TERMINAL = _kind(keys.terminal("-"))
USER = _kind(keys.user("-"))
LOGIN = _kind(keys.login_name("-"))
LOGIN_FAILURES = _kind(keys.login_failures("-"))
ATTEMPT = _kind(keys.attempt("-"))
RESET = _kind(keys.reset_token("-"))
WALLET = _kind(keys.wallet("-"))
EMAIL = _kind(keys.citizen_email("-", "-"))
PROGRAMME = _kind(keys.programme("-"))
QR = _kind(keys.qr_token("-"))
MPM = _kind(keys.mpm_request("-"))
TRANSACTION = _kind(keys.transaction("-"))
IDEMPOTENCY = _kind(keys.idempotency("-", "-"))
SEQUENCE = _kind(keys.sequence("-"))
JOB = _kind(keys.job("-"))
GRANT = _kind(keys.grant_mark("-", "-"))
OPEN_JOB = _kind(keys.open_job("-"))
AGGREGATE_MARK = _kind(keys.aggregate_mark("-"))
TOTALS = _kind(totals.day_pk("-", "-"))
AUDIT = _kind(audit.committee_partition("-", "-"))
GUARD = _kind(guards.key("-", "-"))
NOTICE = _kind(keys.notice("-"))
NOTICE_READ = _kind(keys.notice_read("-", "-"))
REMINDER = _kind(keys.reminder_mark("-", "-", "-", 0))
SEND_RATE = _kind(jobs.rate_key("-"))  # the one SES rate the mail jobs share
THROTTLE = "THROTTLE#"  # shoken.db.throttle.hit builds it inline: THROTTLE#<name>#<window>
PAYOUT_ACCOUNT = _kind(keys.payout_account("-"))
PAYOUT_SETTINGS = _kind(payouts.settings_key("-"))
PAYOUT_CALENDAR = _kind(payouts.calendar_key("-"))
PAYOUT_HEAD = _kind(keys.payout_head("-"))
PAYOUT_RUN = _kind(keys.payout_run("-"))
# resident lists and 申込 (issues 15/23)
RESIDENT = _kind(keys.resident("-", "-", "-"))
ELIGIBILITY = _kind(keys.person_eligibility("-", "-"))
WALLET_ELIGIBILITY = _kind(keys.wallet_eligibility("-", "-"))
APPLICATION = _kind(keys.application("-", "-"))
SALE_COUNTS = _kind(keys.sale_counts("-"))
CARD = _kind(keys.card("-"))
CARD_RESIDENT = _kind(keys.card_resident("-", "-"))
CARD_SHEET = _kind(keys.card_sheet("-"))
REDEMPTION_CODE = _kind(keys.redemption_code("-", "-"))
SALE_RESULT_MARK = _kind(keys.sale_result_mark("-", "-"))
PAYMENT_REFERENCE = _kind(keys.payment_reference("-", "-"))
DEPOSIT_CREDIT = _kind(keys.deposit_credit("-", "-", 1))
DEPOSIT_UPLOAD = _kind(keys.deposit_upload("-", "-"))

# --- the functions ---------------------------------------------------------------------------------

AUTH = "auth"
ADMIN = "admin"
PROGRAMME_FN = "programme"
PAYMENTS = "payments"
WALLET_FN = "wallet"
HISTORY = "history"
WORKERS_STREAM = names.WORKER_STREAM.key
WORKERS_JOBS = names.WORKER_JOBS.key
WORKERS_SCHEDULE = names.WORKER_SCHEDULE.key
FUNCTIONS: tuple[str, ...] = (
    AUTH,
    ADMIN,
    PROGRAMME_FN,
    PAYMENTS,
    WALLET_FN,
    HISTORY,
    WORKERS_STREAM,
    WORKERS_JOBS,
    WORKERS_SCHEDULE,
)

# Worker modules and the function that runs them (the HTTP areas are one function each).
_WORKER_MODULES: dict[str, str] = {
    names.WORKER_SCHEDULE.module: WORKERS_SCHEDULE,
    names.WORKER_STREAM.module: WORKERS_STREAM,
    "totals": WORKERS_STREAM,
}


def function_for_module(area: str, module: str) -> str:
    """The function whose code `functions/<area>/<module>.py` is, when it is the outermost caller."""
    if area != names.WORKERS:
        return area
    return _WORKER_MODULES.get(module, WORKERS_JOBS)  # the job runners (queue, jobs, export, bulk …)


@dataclass(frozen=True)
class Kind:
    """One key kind and the functions that read it or write it (a writer may also read it)."""

    prefix: str
    write: frozenset[str]
    read: frozenset[str] = frozenset()


def _fns(*functions: str) -> frozenset[str]:
    return frozenset(functions)


# Who touches which items (SPEC §7), from what each area's code calls; the integration tests refuse
# any call outside these rows, so a new access pattern shows up as a failing test, not an AccessDenied.
KINDS: tuple[Kind, ...] = (
    # The programme function writes a committee's card and payout settings and a company's 振込先 choice.
    Kind(
        COMMITTEE, write=_fns(ADMIN, PROGRAMME_FN, WORKERS_JOBS), read=_fns(AUTH, PAYMENTS, WALLET_FN, WORKERS_SCHEDULE)
    ),
    Kind(COMPANY, write=_fns(ADMIN, PROGRAMME_FN, WORKERS_JOBS), read=_fns(AUTH)),
    Kind(STORE, write=_fns(ADMIN, WORKERS_JOBS), read=_fns(AUTH, PROGRAMME_FN, PAYMENTS, WALLET_FN, HISTORY)),
    Kind(TERMINAL, write=_fns(AUTH, ADMIN, WORKERS_JOBS), read=_fns(PAYMENTS, WALLET_FN, HISTORY)),
    # Console and merchant sessions live in the user's partition (keys.session), so the gates read it.
    Kind(USER, write=_fns(AUTH, ADMIN, WORKERS_JOBS), read=_fns(PROGRAMME_FN, PAYMENTS, HISTORY)),
    Kind(LOGIN, write=_fns(ADMIN, WORKERS_JOBS), read=_fns(AUTH)),
    Kind(LOGIN_FAILURES, write=_fns(AUTH)),
    Kind(ATTEMPT, write=_fns(AUTH)),
    Kind(RESET, write=_fns(AUTH)),
    # A citizen's session lives in the wallet's partition: auth writes it, the wallet gate reads it.
    Kind(WALLET, write=_fns(AUTH, ADMIN, PROGRAMME_FN, PAYMENTS, WALLET_FN, WORKERS_JOBS)),
    # Erasing a wallet's personal fields (issue 23: on request, console; after retention, job runner)
    # deletes its email guard.
    Kind(EMAIL, write=_fns(AUTH, ADMIN, WORKERS_JOBS)),
    Kind(PROGRAMME, write=_fns(ADMIN, PROGRAMME_FN, WORKERS_JOBS), read=_fns(WALLET_FN)),
    Kind(QR, write=_fns(PAYMENTS, WALLET_FN)),
    Kind(MPM, write=_fns(PAYMENTS, WALLET_FN)),
    Kind(TRANSACTION, write=_fns(ADMIN, PROGRAMME_FN, PAYMENTS, WALLET_FN, WORKERS_JOBS), read=_fns(HISTORY)),
    Kind(IDEMPOTENCY, write=_fns(ADMIN, PAYMENTS, WALLET_FN)),
    Kind(SEQUENCE, write=_fns(ADMIN, WORKERS_JOBS)),
    Kind(JOB, write=_fns(ADMIN, PROGRAMME_FN, HISTORY, WORKERS_JOBS, WORKERS_SCHEDULE)),
    # Open-job markers: written with each job; the schedule lists them to resume stalled jobs and
    # deletes the marker of a finished one.
    Kind(OPEN_JOB, write=_fns(ADMIN, PROGRAMME_FN, HISTORY, WORKERS_SCHEDULE)),
    Kind(GRANT, write=_fns(WORKERS_JOBS)),
    # The schedule function also rebuilds report totals on request (workers/totals.py rebuild).
    Kind(AGGREGATE_MARK, write=_fns(WORKERS_STREAM, WORKERS_SCHEDULE)),
    Kind(TOTALS, write=_fns(WORKERS_STREAM, WORKERS_SCHEDULE), read=_fns(HISTORY)),
    Kind(AUDIT, write=_fns(AUTH, ADMIN, PROGRAMME_FN, PAYMENTS, HISTORY, WORKERS_JOBS)),
    Kind(GUARD, write=_fns(ADMIN, WORKERS_JOBS)),
    Kind(THROTTLE, write=_fns(AUTH, ADMIN, WALLET_FN)),  # sign-in codes; the email-change code (admin)
    # お知らせ: the committee writes them; residents (wallet) and stores (merchant app, history area) read
    # them and keep their own read-marks; the reminder job claims one mark per wallet, expiry and day.
    Kind(NOTICE, write=_fns(ADMIN), read=_fns(WALLET_FN, HISTORY)),
    Kind(NOTICE_READ, write=_fns(WALLET_FN, HISTORY)),
    Kind(REMINDER, write=_fns(WORKERS_JOBS)),
    Kind(SEND_RATE, write=_fns(WORKERS_JOBS)),
    # 精算: accounts from the console and マスタ一括登録; settings, calendars and runs from the console.
    Kind(PAYOUT_ACCOUNT, write=_fns(PROGRAMME_FN, WORKERS_JOBS)),
    Kind(PAYOUT_SETTINGS, write=_fns(PROGRAMME_FN)),
    Kind(PAYOUT_CALENDAR, write=_fns(PROGRAMME_FN)),
    Kind(PAYOUT_HEAD, write=_fns(PROGRAMME_FN)),
    Kind(PAYOUT_RUN, write=_fns(PROGRAMME_FN)),
    # 住民名簿 and 申込: the job runner writes a list's hashes; the console and the wallet look them up;
    # eligibility and applications are written by the wallet (the resident) and the console (paper, draw).
    # 店頭チャージ (admin) reads a list and the buyer's 当選 and marks the application bought.
    Kind(RESIDENT, write=_fns(WORKERS_JOBS), read=_fns(ADMIN, PROGRAMME_FN, WALLET_FN)),
    # The job runner deletes them after the programme's retention and reads them for 開示請求 (issue 23).
    Kind(ELIGIBILITY, write=_fns(PROGRAMME_FN, WALLET_FN, WORKERS_JOBS)),
    Kind(WALLET_ELIGIBILITY, write=_fns(WALLET_FN, WORKERS_JOBS), read=_fns(ADMIN)),
    Kind(APPLICATION, write=_fns(ADMIN, PROGRAMME_FN, WALLET_FN, WORKERS_JOBS)),  # the draw job writes the results
    Kind(SALE_COUNTS, write=_fns(ADMIN, PROGRAMME_FN, WALLET_FN)),  # 販売状況: each application and purchase
    # カード型: the console issues and changes cards; a card payment checks and counts on the card item
    # (wrong PINs, the day's spending); the balance page reads it. One card per resident of a list.
    # The job runner deletes a programme's card guards after its retention and removes the resident
    # link from its cards (issue 23); 開示請求 reads a card wallet's card. Admin: 店頭チャージ to a card,
    # and erasing a card wallet's personal data (its card guard goes with it).
    Kind(CARD, write=_fns(ADMIN, PROGRAMME_FN, PAYMENTS, WORKERS_JOBS), read=_fns(WALLET_FN)),
    Kind(CARD_RESIDENT, write=_fns(ADMIN, PROGRAMME_FN, WORKERS_JOBS)),
    Kind(CARD_SHEET, write=_fns(PROGRAMME_FN)),  # a card sheet that was made: its cards' secrets were seen
    # 引換コード: issued from the console (the code sheet), redeemed in the wallet.
    Kind(REDEMPTION_CODE, write=_fns(PROGRAMME_FN, WALLET_FN, WORKERS_JOBS)),  # the retention run deletes them
    # 当選・落選メール: the job's once-only marker per application.
    Kind(SALE_RESULT_MARK, write=_fns(WORKERS_JOBS)),
    # 振込依頼人コード: written by the draw jobs (and the console's 申込一覧 for an older draw); the console
    # matches the bank's deposit list against them, credits once per code and round, keeps each upload.
    Kind(PAYMENT_REFERENCE, write=_fns(PROGRAMME_FN, WORKERS_JOBS)),
    Kind(DEPOSIT_CREDIT, write=_fns(PROGRAMME_FN)),
    Kind(DEPOSIT_UPLOAD, write=_fns(PROGRAMME_FN, WORKERS_JOBS)),  # the retention run deletes them (payers' names)
)

GET = "dynamodb:GetItem"
BATCH_GET = "dynamodb:BatchGetItem"
QUERY = "dynamodb:Query"
CHECK = "dynamodb:ConditionCheckItem"
PUT = "dynamodb:PutItem"
UPDATE = "dynamodb:UpdateItem"
DELETE = "dynamodb:DeleteItem"
BATCH_WRITE = "dynamodb:BatchWriteItem"
ITEM_ACTIONS: tuple[str, ...] = (GET, BATCH_GET, QUERY, CHECK, PUT, UPDATE, DELETE, BATCH_WRITE)


@dataclass(frozen=True)
class Actions:
    """The DynamoDB actions one function uses: on its readable items, its writable items, and the
    indexes it queries. ConditionCheckItem (a transaction's check) reads; it is granted with reads."""

    read: tuple[str, ...]
    write: tuple[str, ...]
    indexes: tuple[str, ...] = ()


ACTIONS: dict[str, Actions] = {
    AUTH: Actions((GET, BATCH_GET, QUERY), (PUT, UPDATE, DELETE), ("list1",)),
    # Users, merchants, terminals, app users, programmes and 店頭チャージ, notices, personal data.
    ADMIN: Actions(
        (GET, BATCH_GET, QUERY, CHECK),
        (PUT, UPDATE, DELETE),
        ("by_wallet", "list1", "list2"),
    ),
    # A payout run reads the committee's day partitions (each day's shards) and writes its payee lines
    # in batches. A paper application checks in its transaction that the sale is still open. Nothing
    # of the programme function's is ever deleted by it (the job runner deletes after retention).
    PROGRAMME_FN: Actions(
        (GET, BATCH_GET, QUERY, CHECK),
        (PUT, UPDATE, BATCH_WRITE),
        ("by_committee", "list1", "list2"),
    ),
    # The money path: no Query, no Delete, no batch writes; its transactions check the gate's items.
    PAYMENTS: Actions((GET, BATCH_GET, CHECK), (PUT, UPDATE)),
    # An MPM payment (the citizen pays from the wallet) checks the citizen's session, the terminal and
    # the store in its transaction, as the till's payment does (payment.py, ledger.admission_checks).
    # 申込: applying checks the eligibility in its transaction; withdrawing deletes.
    WALLET_FN: Actions((GET, BATCH_GET, CHECK), (PUT, UPDATE, DELETE), ("by_wallet", "list1")),
    # History merges a committee day's by_committee shards, querying them in parallel (one Query each).
    HISTORY: Actions(
        (GET, BATCH_GET, QUERY),
        (PUT,),
        ("by_committee", "by_company", "by_store", "by_terminal", "by_wallet", "list1", "list2"),
    ),
    # Report totals only: a mark and the day's totals per transaction, from the stream's image.
    WORKERS_STREAM: Actions((), (PUT, UPDATE)),
    # 開示請求 reads a wallet's transactions (by_wallet); the retention run finds tagged items (list2).
    WORKERS_JOBS: Actions(
        (GET, BATCH_GET, QUERY), (PUT, UPDATE, DELETE, BATCH_WRITE), ("by_committee", "by_wallet", "list1", "list2")
    ),
    # Queues lapse jobs; rebuilding totals reads a day's transactions (all its shards) and replays them.
    WORKERS_SCHEDULE: Actions((GET, QUERY), (PUT, UPDATE, DELETE), ("by_committee", "list1")),
}


@dataclass(frozen=True)
class Access:
    """What one function may do to the table, as IAM will evaluate it."""

    function: str
    read_actions: tuple[str, ...]
    write_actions: tuple[str, ...]
    read_prefixes: tuple[str, ...]
    write_prefixes: tuple[str, ...]
    indexes: tuple[str, ...]

    def refuses(self, action: str, leading_key: str | None, index: str | None) -> str | None:
        """Why IAM would refuse this part of a request (None when it is allowed)."""
        qualified = f"dynamodb:{action}"
        if index is not None:
            if qualified != QUERY or index not in self.indexes:
                return f"{qualified} on index {index} is not granted"
            return None
        if leading_key is None:
            return f"{qualified} names no partition key and is never granted"
        prefix = prefix_of(leading_key)
        if qualified in self.read_actions and prefix in self.read_prefixes:
            return None
        if qualified in self.write_actions and prefix in self.write_prefixes:
            return None
        return f"{qualified} on {prefix}* is not granted"


def _access(function: str) -> Access:
    writes = tuple(sorted(kind.prefix for kind in KINDS if function in kind.write))
    reads = tuple(sorted(kind.prefix for kind in KINDS if function in kind.write | kind.read))
    actions = ACTIONS[function]
    return Access(function, actions.read, actions.write, reads, writes, actions.indexes)


ACCESS: dict[str, Access] = {function: _access(function) for function in FUNCTIONS}
