"""JSON Lines log records: one object per line, UTF-8, with the request id.

Use after `core.redact.RedactFilter` (on the same handler), which masks personal numbers in the message
and traceback in place; this formatter only reads what that filter left.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from shanhai.core.redact import redact

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        # Django's request log lines carry the status code; anything else extra is kept if plain.
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and isinstance(value, str | int | float | bool):
                entry[key] = redact(value) if isinstance(value, str) else value
        return json.dumps(entry, ensure_ascii=False, default=str)
