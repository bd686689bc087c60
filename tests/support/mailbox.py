"""Reading what the system emailed, from moto's SES (in-process) or the local server's mailbox."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

from local.stack import REGION

CODE = re.compile(r"確認コード: (\d{6})")
LINK = re.compile(r"(https?://\S+#/reset\?token=[A-Za-z0-9_-]+)")


def sent() -> list[dict[str, Any]]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return [
        {"to": list(m.destinations.get("ToAddresses", [])), "subject": m.subject, "body": m.body}
        for m in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    ]


def sent_over_http(base_url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(base_url + "/_local/mail.json", timeout=10) as response:  # noqa: S310
        return list(reversed(json.loads(response.read())))


def last_to(address: str, mails: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    for mail in reversed(mails if mails is not None else sent()):
        if address.lower() in [a.lower() for a in mail["to"]]:
            return mail
    raise AssertionError(f"no mail to {address}")


def last_code(address: str, mails: list[dict[str, Any]] | None = None) -> str:
    found = CODE.search(last_to(address, mails)["body"])
    assert found, "no code in the last mail"
    return found.group(1)
