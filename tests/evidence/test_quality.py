"""Quality bars: F1 of the reader on our own articles, on eval-dev, and on the held-out corpus."""

from pathlib import Path

import pytest
from conftest import ARTICLES, CORPUS, DEV

from shanhai.evidence import doc_id_for, extract_facts, read_document
from shanhai.evidence.scoring import score


def run(folder: Path):  # type: ignore[no-untyped-def]
    facts = []
    for p in sorted((folder / "docs").iterdir()):
        result = extract_facts(read_document(p), doc_id=doc_id_for(p))
        for f in result.facts:
            assert result.document.text[f.start:f.end] == f.evidence  # evidence is a span of the cleaned text
        facts += [f.to_dict() for f in result.facts]
    s = score(folder / "gold", facts)
    print(s.report())
    return s


def test_own_articles() -> None:
    assert run(ARTICLES).f1 >= 0.85


@pytest.mark.skipif(not (DEV / "gold").is_dir(), reason="eval-dev not present")
def test_eval_dev() -> None:
    assert run(DEV).f1 >= 0.90


@pytest.mark.skipif(not (CORPUS / "gold").is_dir() or not any((CORPUS / "gold").glob("*.jsonl")),
                    reason="held-out corpus not present")
def test_held_out_corpus() -> None:
    assert run(CORPUS).f1 >= 0.85
