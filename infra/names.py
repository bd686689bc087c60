"""Every name, path and sizing the CDK app uses, in one place so constructs and tests agree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shoken.routes import Area

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = ROOT / "functions"
SHARED_LAYER_DIR = ROOT / "layers" / "shared"
REQUIREMENTS_DIR = ROOT / "requirements"
LAMBDA_REQUIREMENTS = "lambda.txt"
WEB_DIR = ROOT / "web"
JSQR_FILE = ROOT / "node_modules" / "jsqr" / "dist" / "jsQR.js"
STAGES_DIR = Path(__file__).resolve().parent / "stages"
CDK_JSON = ROOT / "cdk.json"

PROJECT = "shoken"
# Powertools writes EMF metrics under this namespace (shoken.observability sets the same).
METRICS_NAMESPACE = "shoken"

# The Python the functions run on; the dependencies layer is built for the same version and CPU.
PYTHON_VERSION = "3.13"
PIP_PLATFORM = "manylinux2014_aarch64"

# Context keys read by infra/application.py (cdk.json holds their defaults).
CONTEXT_STAGE = "stage"
CONTEXT_CITY = "city"
CONTEXT_CONFIG_FILE = "config"
CONTEXT_ACCOUNT = "account"
# `-c shoken:skip-bundling=true`: synthesize without building the dependencies layer (offline).
# The CDK CLI overwrites `aws:cdk:bundling-stacks` on every synth, so the app needs its own switch.
CONTEXT_SKIP_BUNDLING = "shoken:skip-bundling"
BUNDLING_STACKS_CONTEXT = "aws:cdk:bundling-stacks"

# WAF for CloudFront must live in us-east-1, as must CloudFront's ACM certificate.
EDGE_REGION = "us-east-1"
# Used only when neither context nor the CLI's credentials give an account: enough to synthesize
# offline; `cdk deploy` refuses it because it never matches the caller's account.
PLACEHOLDER_ACCOUNT = "000000000000"

# Function areas: the HTTP areas of shoken.routes plus the background workers.
WORKERS = "workers"
HTTP_AREAS: tuple[str, ...] = tuple(area.value for area in Area)
ALL_AREAS: tuple[str, ...] = (*HTTP_AREAS, WORKERS)
HANDLER_FUNCTION = "lambda_handler"
# Every trigger (API routes, the stream, the schedule) invokes this alias, never $LATEST.
LIVE_ALIAS = "live"


@dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function: its id, code folder (an area package), handler and size."""

    key: str  # construct id suffix and service name suffix
    area: str  # folder under functions/ and key of shoken.config.CONFIG_BY_FUNCTION
    module: str  # handler module inside the area package
    memory_mb: int
    timeout_seconds: int
    description: str

    @property
    def handler(self) -> str:
        return f"{self.area}.{self.module}.{HANDLER_FUNCTION}"


# HTTP functions stay under API Gateway's 30 s integration limit. Auth and admin get more memory
# because Lambda CPU scales with it and they hash passwords (scrypt) and parse CSV uploads.
_HTTP_SIZING: dict[str, tuple[int, int]] = {
    "auth": (1024, 10),
    "admin": (1024, 29),
    # Card sheets and statements (PDF), resident lists and deposit files (CSV), payout runs.
    "programme": (1024, 29),
    # Payments at 1024 MB (≈0.58 vCPU): half the CPU latency of 512 MB for ≈$0.10 more per million
    # payments (docs/deploy.md, "Memory").
    "payments": (1024, 10),
    "wallet": (512, 10),
    "history": (1024, 29),
}
_DEFAULT_HTTP_SIZING = (512, 10)


def http_function_specs() -> tuple[FunctionSpec, ...]:
    """One function per route area; an area added to shoken.routes gets a function with no change here."""
    return tuple(
        FunctionSpec(
            key=area,
            area=area,
            module="handler",
            memory_mb=_HTTP_SIZING.get(area, _DEFAULT_HTTP_SIZING)[0],
            timeout_seconds=_HTTP_SIZING.get(area, _DEFAULT_HTTP_SIZING)[1],
            description=f"shoken HTTP routes of area '{area}'",
        )
        for area in HTTP_AREAS
    )


# Workers run for minutes (CSV exports of any size, daily expiry), so they get Lambda's 15 minutes.
# The stream's two consumers never share a batch: report totals read new transactions straight from
# the stream (a few ms each), while jobs (exports, bulk registration, grants, lapses: minutes a lap)
# go through a queue, so a long job cannot hold the totals of the shard behind it.
WORKER_STREAM = FunctionSpec(
    key="workers-stream",
    area=WORKERS,
    module="stream",
    memory_mb=512,
    timeout_seconds=60,
    description="shoken DynamoDB stream consumer: report totals of new transactions",
)
WORKER_JOBS = FunctionSpec(
    key="workers-jobs",
    area=WORKERS,
    module="queue",
    memory_mb=1024,
    timeout_seconds=900,
    description="shoken job runner (exports, bulk registration, grants, lapses) fed by the jobs queue",
)
WORKER_SCHEDULE = FunctionSpec(
    key="workers-schedule",
    area=WORKERS,
    module="schedule",
    memory_mb=1024,
    timeout_seconds=900,
    description="shoken daily scheduled jobs (expiry, reminders, deletion of personal data past its retention)",
)
WORKER_SPECS: tuple[FunctionSpec, ...] = (WORKER_STREAM, WORKER_JOBS, WORKER_SCHEDULE)

# Only the functions that hash resident lists read the resident key (issue 23), and only those that
# check or set a card PIN read its pepper: the HTTP ones are those whose config names the key
# (shoken.config; tests/infra/test_functions.py holds the two lists to it).
RESIDENT_KEY_READERS: tuple[str, ...] = ("admin", "programme", "wallet", WORKER_JOBS.key)
PIN_PEPPER_READERS: tuple[str, ...] = ("payments", "programme")

# Lambda event filter patterns (and the local stack's, local/streams.py): each consumer gets only the
# stream records it acts on. Totals: a transaction written (transactions are never rewritten as new).
# Jobs: any change of a job item (queued, or a lap that asks for the next one).
TOTALS_STREAM_FILTER: dict[str, object] = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["txn"]}}}}
JOBS_STREAM_FILTER: dict[str, object] = {
    "eventName": ["INSERT", "MODIFY"],
    "dynamodb": {"NewImage": {"kind": {"S": ["job"]}}},
}

# Folders in an area's code asset that never belong in a deployment package.
CODE_EXCLUDES: tuple[str, ...] = ("__pycache__/", "*.pyc", "tests/", "test_*.py", ".pytest_cache/", ".mypy_cache/")

# Web paths served from the bucket; `/api/*` goes to the HTTP API.
API_PATH_PATTERN = "/api/*"
UI_APPS: tuple[str, ...] = ("admin", "merchant", "wallet")
VENDOR_PREFIX = "vendor"
JSQR_KEY = f"{VENDOR_PREFIX}/jsQR.js"

# Daily expiry job at 00:05 Japan time, just after the usage period of a day's vouchers ends.
EXPIRY_SCHEDULE_HOUR = "0"
EXPIRY_SCHEDULE_MINUTE = "5"
EXPIRY_SCHEDULE_INPUT = {"job": "expire"}

# Payment failure codes (EMF metric `error_<code>` with dimension `service`) that page someone,
# with the count per 5 minutes that is abnormal. Other codes (a customer short of balance, an
# expired QR) are everyday events: they appear on the dashboard, by reason, without an alarm.
PAYMENT_FAILURE_ALARMS: dict[str, int] = {
    "internal_error": 1,
    "service_unavailable": 10,
    "conflict": 20,
}
# How many 5-minute periods in a row a failure must hold before it pages (docs/deploy.md, Monitoring).
# A 500 is a bug or a misconfiguration that no retry mends: the first one pages. A 503 is AWS
# throttling or a time-out that the till retries (Retry-After) and usually wins: it pages when it
# lasts 15 minutes, as a share of the payments function's requests (SERVICE_UNAVAILABLE_PERCENT,
# from SERVICE_UNAVAILABLE_MIN_REQUESTS requests; below that, PAYMENT_FAILURE_ALARMS' count).
PAYMENT_FAILURE_PERIODS: dict[str, int] = {"internal_error": 1, "service_unavailable": 3, "conflict": 3}
SERVICE_UNAVAILABLE_PERCENT = 2
SERVICE_UNAVAILABLE_MIN_REQUESTS = 200
# The API's 5xx (503s included) must hold for 2 periods in a row at API_5XX_THRESHOLD.
API_5XX_PERIODS = 2


# us-east-1 alarms (per 5 minutes): requests WAF blocked, and CloudFront's 5xx share of requests
# once there are enough requests for a percentage to mean something.
WAF_BLOCKED_ALARM_THRESHOLD = 500
CLOUDFRONT_5XX_PERCENT = 5
CLOUDFRONT_MIN_REQUESTS = 50


def stack_prefix(city: str, stage: str) -> str:
    """Stack name and prefix of every physical name: one city and stage per stack."""
    return f"{PROJECT}-{city}-{stage}"


def edge_stack_name(city: str, stage: str) -> str:
    return f"{stack_prefix(city, stage)}-edge"


def edge_alarms_stack_name(city: str, stage: str) -> str:
    """us-east-1, after the main stack: the alarms on CloudFront's and WAF's metrics."""
    return f"{stack_prefix(city, stage)}-edge-alarms"


def backup_copy_stack_name(city: str, stage: str) -> str:
    """The second region's backup vault (only when the stage sets backup_copy_region)."""
    return f"{stack_prefix(city, stage)}-backup-copy"


def service_name(city: str, stage: str, key: str) -> str:
    """POWERTOOLS_SERVICE_NAME: also the `service` dimension of the EMF metrics, so it carries the
    city and stage, letting two deployments share one account without mixing their metrics."""
    return f"{stack_prefix(city, stage)}-{key}"
