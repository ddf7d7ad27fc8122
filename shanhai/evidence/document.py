"""Result objects: the loaded and cleaned `Document`, each `Fact`, and the `ExtractionResult`."""

from __future__ import annotations

import bisect
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

#: the fields of one fact as defined in spec/extraction-facts.md, in that order
SPEC_FIELDS = ("doc", "metric", "value", "qualifier", "period", "east", "west", "baseline", "evidence")


@dataclass(frozen=True, slots=True)
class DroppedSpan:
    """A span of the loaded text that the cleaner removed, and why."""

    start: int  # offsets into Document.raw_text
    end: int
    reason: str  # header, footer, navigation, ad, image, licence, widget, byline, repeated, spam, pinyin, ...
    text: str


@dataclass(slots=True)
class Document:
    """A loaded document: the decoded text, the cleaned text, and what cleaning removed."""

    raw_text: str
    text: str  # the cleaned text: every fact's evidence is a substring of it
    dropped: list[DroppedSpan] = field(default_factory=list)
    source: str | None = None
    format: str = "text"  # text, html, docx, pdf
    encoding: str | None = None
    published: dt.date | None = None
    # kept pieces: (start in text, start in raw_text, length), sorted by start in text
    pieces: list[tuple[int, int, int]] = field(default_factory=list)
    # the cleaned text through the character table, kept so it is not computed twice
    char_norm: str = field(default="", repr=False)

    def to_raw(self, offset: int) -> int:
        """Map an offset in the cleaned text back to the loaded text."""
        if not self.pieces:
            return offset
        i = bisect.bisect_right(self.pieces, (offset, float("inf"), 0)) - 1
        start, raw_start, _length = self.pieces[max(i, 0)]
        return raw_start + (offset - start)


@dataclass(slots=True)
class Fact:
    """One proposed indicator value with its evidence (spec: extraction-facts.md)."""

    doc: str
    metric: str
    value: float | int
    qualifier: str = "exact"
    period: str | None = None
    east: str | None = None
    west: str | None = None
    baseline: float | int | None = None
    evidence: str = ""
    start: int = 0  # evidence span in Document.text
    end: int = 0
    unit: str = ""
    stated_rate: float | None = None  # the completion rate the text states, in percent
    rate_ok: bool | None = None  # does value / baseline agree with stated_rate?
    #: why it was proposed: where its east, west and period came from (clause/sentence, paragraph,
    #: lead; absent when not found) — what the review page shows beside the evidence
    why: dict[str, str] = field(default_factory=dict)

    def to_dict(self, *, extra: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {k: getattr(self, k) for k in SPEC_FIELDS}
        if extra:
            data.update(unit=self.unit, stated_rate=self.stated_rate, rate_ok=self.rate_ok,
                        start=self.start, end=self.end, why=self.why)
        return data

    def to_json(self, *, extra: bool = True) -> str:
        return json.dumps(self.to_dict(extra=extra), ensure_ascii=False)


@dataclass(slots=True)
class ExtractionResult:
    """What `extract_facts` returns: the facts and the document they were read from."""

    doc: str
    document: Document
    facts: list[Fact] = field(default_factory=list)

    @property
    def dropped(self) -> list[DroppedSpan]:
        return self.document.dropped

    def to_jsonl(self, *, extra: bool = True) -> str:
        return "".join(f.to_json(extra=extra) + "\n" for f in self.facts)
