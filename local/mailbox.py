"""The local mailbox: every email the system sent through (moto's) SES, kept and shown at /_local/mail."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from local.stack import REGION


@dataclass
class Mail:
    id: str
    sent_at: str
    source: str
    to: list[str]
    subject: str
    body: str


class Mailbox:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen = 0
        self.mails: list[Mail] = []
        if path.exists():
            self.mails = [Mail(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]

    def drain(self) -> None:
        """Move mail that moto's SES received since the last call into the mailbox (and onto disk)."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        sent: list[Any] = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
        with self._lock:
            fresh = sent[self._seen :]
            self._seen = len(sent)
            now = datetime.now(UTC).isoformat(timespec="seconds")
            added = [
                Mail(
                    id=str(message.id),
                    sent_at=now,
                    source=str(message.source),
                    to=list(message.destinations.get("ToAddresses", [])),
                    subject=str(getattr(message, "subject", "")),
                    body=str(getattr(message, "body", "")),
                )
                for message in fresh
                if not all(a.endswith("@simulator.amazonses.com") for a in message.destinations.get("ToAddresses", []))
            ]
            if added:
                self.mails.extend(added)
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a") as handle:
                    for mail in added:
                        handle.write(json.dumps(asdict(mail), ensure_ascii=False) + "\n")

    def as_json(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(m) for m in reversed(self.mails)]
