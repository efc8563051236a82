"""Structured logs for Cloud Logging: one JSON object per line on stdout.

Only identifiers and counts belong here: never message text, nicknames,
postcodes, IP addresses or user agents. Callers pass explicit keyword fields so
a log line cannot silently pick up a whole request or document.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Literal

Severity = Literal["DEBUG", "INFO", "NOTICE", "WARNING", "ERROR"]
LogValue = str | int | float | bool | None


def log(severity: Severity, event: str, **fields: LogValue) -> None:
    entry: dict[str, LogValue] = {
        "severity": severity,
        "message": event,
        "time": datetime.now(UTC).isoformat(),
        **fields,
    }
    sys.stdout.write(json.dumps(entry, ensure_ascii=False) + "\n")
    sys.stdout.flush()
