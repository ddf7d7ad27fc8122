"""Reviewed documents as training examples: the gold format of shared/spec/extraction-facts.md.

A reviewed document's accepted facts, as the reviewer left them (metric, value, period, qualifier
corrected on the review page), are its gold facts; rejected proposals are left out, so they count
as what the reader should not propose. Documents with a proposal still waiting are skipped: their
gold would be incomplete. `shanhai evidence_export DIR` writes DIR/docs/<doc>.txt (the cleaned text)
and DIR/gold/<doc>.jsonl, the layout `shanhai extract --score` reads.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from shanhai.evidence.document import SPEC_FIELDS
from shanhai.evidence.models import FactStatus, ProposedFact, SourceDocument


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def gold_lines(document: SourceDocument, doc_id: str) -> list[dict[str, Any]]:
    """The document's accepted facts in the gold format, in text order."""
    out = []
    for f in document.facts.filter(status=FactStatus.ACCEPTED).order_by("start", "pk"):
        row = {"doc": doc_id, "metric": f.metric, "value": _number(f.value), "qualifier": f.qualifier,
               "period": f.period or None, "east": f.east or None, "west": f.west or None,
               "baseline": _number(f.baseline), "evidence": f.evidence}
        out.append({k: row[k] for k in SPEC_FIELDS})
    return out


def export_reviewed(folder: str | Path) -> list[str]:
    """Write every fully reviewed document to folder/docs and folder/gold; the ids written."""
    folder = Path(folder)
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "gold").mkdir(parents=True, exist_ok=True)
    pending = set(ProposedFact.objects.filter(status=FactStatus.PROPOSED).values_list("document_id", flat=True))
    written = []
    for document in SourceDocument.objects.exclude(pk__in=pending).filter(facts__isnull=False).distinct().order_by("pk"):
        doc_id = f"doc{document.pk}_{document.sha256[:12]}"
        (folder / "docs" / f"{doc_id}.txt").write_text(document.text, encoding="utf-8")
        lines = gold_lines(document, doc_id)
        (folder / "gold" / f"{doc_id}.jsonl").write_text(
            "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
        written.append(doc_id)
    return written
