"""The one exception the evidence reader raises for input it cannot read."""

from __future__ import annotations


class EvidenceError(Exception):
    """Bad input, explained in Chinese for the person who supplied it.

    `code` is a stable machine-readable reason (``empty``, ``too_large``, ``binary``,
    ``no_text_layer``, ``encrypted``, ``unsupported``, ``corrupt``, ``not_found``);
    `str(error)` is the Chinese message, naming the file where one is known.
    """

    def __init__(self, code: str, message: str, *, source: str | None = None) -> None:
        self.code = code
        self.message = message
        self.source = source
        super().__init__(f"{source}：{message}" if source else message)
