"""Which S3 objects each Lambda function uses and which functions send mail: what the code does, written once.

infra/constructs/access.py grants each role at least these (CDK's bucket grants come in action
families, e.g. `s3:GetObject*`); tests/infra/test_iam.py checks the synthesized template allows every
row here, and the integration tests check every S3 and SES call the code makes against these rows
(tests/support/table_calls.py), as they do its DynamoDB calls against infra/table_access.py. So a
call the code starts making shows up as a failing test, not as an AccessDenied in AWS (moto
enforces no IAM).
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from infra.table_access import ADMIN, AUTH, HISTORY, PROGRAMME_FN, WORKERS_JOBS

EXPORTS = "exports"  # the EXPORT_BUCKET: CSV/xlsx exports and 開示請求 files, downloaded by link
UPLOADS = "uploads"  # the UPLOAD_BUCKET: files uploaded for bulk registration and resident lists

GET = "s3:GetObject"
PUT = "s3:PutObject"
DELETE = "s3:DeleteObject"
SEND_EMAIL = "ses:SendEmail"

# The IAM action each S3 API operation needs (a multipart upload is authorized as PutObject).
S3_OPERATIONS: dict[str, str] = {
    "GetObject": GET,
    "HeadObject": GET,
    "PutObject": PUT,
    "CreateMultipartUpload": PUT,
    "UploadPart": PUT,
    "CompleteMultipartUpload": PUT,
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "DeleteObject": DELETE,
}
SES_OPERATIONS: dict[str, str] = {"SendEmail": SEND_EMAIL}

# Object keys as the code builds them (functions/admin/bulk_uploads.py, functions/programme/residents.py,
# functions/history/exports.py, functions/workers/privacy.py).
BULK_FILES = "bulk/*"
RESIDENT_LISTS = "residents/*"
EXPORT_FILES = "exports/*"


@dataclass(frozen=True)
class ObjectUse:
    """One function doing one S3 action on the objects of one bucket whose keys match `keys`."""

    function: str
    bucket: str
    action: str
    keys: str

    def covers(self, function: str, bucket: str, action: str, key: str) -> bool:
        return (function, bucket, action) == (self.function, self.bucket, self.action) and fnmatchcase(key, self.keys)


OBJECT_USES: tuple[ObjectUse, ...] = (
    # The console stores an uploaded file; the job runner reads it.
    ObjectUse(ADMIN, UPLOADS, PUT, BULK_FILES),
    ObjectUse(PROGRAMME_FN, UPLOADS, PUT, RESIDENT_LISTS),
    # A download link is presigned with the history function's own permission.
    ObjectUse(HISTORY, EXPORTS, GET, EXPORT_FILES),
    ObjectUse(WORKERS_JOBS, EXPORTS, PUT, EXPORT_FILES),
    ObjectUse(WORKERS_JOBS, UPLOADS, GET, BULK_FILES),
    ObjectUse(WORKERS_JOBS, UPLOADS, GET, RESIDENT_LISTS),
    # A resident list holds personal data: the job deletes the file as soon as it has read it
    # (functions/workers/residents.py), whether the list was taken in or refused.
    ObjectUse(WORKERS_JOBS, UPLOADS, DELETE, RESIDENT_LISTS),
)

# Sign-in codes and resets (auth), invitations and email changes (admin), notices, reminders and
# 当選・落選メール (the job runner). Every other function is refused SES.
MAIL_SENDERS: frozenset[str] = frozenset({AUTH, ADMIN, WORKERS_JOBS})


def refuses_object(function: str, bucket: str, operation: str, key: str) -> str | None:
    """Why the function's role would not allow this S3 call (None when a row above covers it)."""
    action = S3_OPERATIONS.get(operation)
    if action is None:
        return f"S3 {operation} is not declared in infra/service_access.py S3_OPERATIONS"
    if any(use.covers(function, bucket, action, key) for use in OBJECT_USES):
        return None
    return f"{action} on {bucket}/{key} is not granted"


def refuses_mail(function: str, operation: str) -> str | None:
    if operation not in SES_OPERATIONS:
        return f"SES {operation} is not declared in infra/service_access.py SES_OPERATIONS"
    if function not in MAIL_SENDERS:
        return f"{SES_OPERATIONS[operation]} is not granted"
    return None
