"""Identity numbers and mobile numbers masked in free text: log lines, tracebacks, retained upload copies.

Anything shaped like an 18-character resident identity number (17 digits and a digit or X) or a
mainland mobile number (1[3-9] and nine more digits, optionally +86 and dashes or spaces) is masked
as `core.privacy` masks them: 110101********4514, 138****5678. No checksum is required: a false
positive costs a masked order number, a miss would put a person's number in a log.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)")
# Text without this can hold neither (an identity number has 17 digits in a row, a phone 11, or 3 and 4
# around a dash or space): one search tells, before the two substitutions.
CANDIDATE = re.compile(r"\d{7}|\d{3}[- ]\d{4}")


def _id(m: re.Match[str]) -> str:
    return f"{m[1]}********{m[2]}"


def _phone(m: re.Match[str]) -> str:
    return f"{m[1]}****{m[2]}"


def redact(text: str) -> str:
    """The text with every identity-number-like and mobile-number-like run masked."""
    if not text or not CANDIDATE.search(text):
        return text
    return _PHONE.sub(_phone, _ID.sub(_id, text))


def redact_value(value: Any) -> Any:
    """A cell value with personal numbers masked (text only; numbers long enough to be one, too)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, float) and value.is_integer() and value >= 1e10:
        value = int(value)  # a phone typed into a number cell
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10**10:
        masked = redact(str(value))
        return value if masked == str(value) else masked
    return value


class RedactFilter(logging.Filter):
    """Masks personal numbers in a record's message, traceback and stack before any handler writes it.

    Attach it to handlers (filters on a logger do not see records propagated from its children).
    The record is changed in place, so every handler after the first sees the masked text too.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is still logged, as its template
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
