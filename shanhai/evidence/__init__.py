"""Read programme reports and propose indicator facts with their evidence (no Django).

    >>> from shanhai.evidence import read_document, extract_facts
    >>> doc = read_document("report.docx")                 # or bytes; text, HTML, .docx, PDF
    >>> result = extract_facts(doc, doc_id="report")        # or a str of text
    >>> [f.to_dict() for f in result.facts]

The pipeline, one module per stage (cf. trafilatura):

* `loaders`   bytes → text: format sniffing, encodings (UTF-8/16/32, GB18030, Big5), HTML,
              .docx (stdlib zipfile + ElementTree), PDF (pypdf), and refusals (`EvidenceError`).
* `cleaner`   keeps the article, drops page furniture, ads, spam words, repeats; reports drops.
* `normalize` the matching view: half-width, Simplified (OpenCC's tables), space-free, with an
              offset map so evidence is always cut from the cleaned original text.
* `numbers`   quantities (number, 余/多, 万/亿, measure word); cn2an only on cut-out numbers.
* `periods`   time expressions resolved against the publication date.
* `parties`   region/organisation names and their side (east/west).
* `lexicon`   all vocabulary: the indicator-phrase table, region words, noise words.
* `extractor` facts from the above; `scoring` precision/recall/F1 as eval-dev/score.py; `cli`.

Libraries, and why: OpenCC (`opencc-python-reimplemented`, offline) for Traditional → Simplified:
its t2s phrase and character tables, applied with a translate table so positions never move (its
pure-Python converter is ~4 ms a line); cn2an for Chinese numerals, only on number spans already
cut out (on running text it rewrites names), cached; pypdf for PDF text (pure Python, maintained,
no system libraries). jionlp was not used: 245 MB, prints
a banner and writes files on import, and misreads 1500余万元 as a year. Everything heavy is
imported lazily, so `import shanhai.evidence` stays fast.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .document import Document as Document
from .document import DroppedSpan, ExtractionResult, Fact
from .errors import EvidenceError
from .settings import Options

__all__ = [
    "Document", "DroppedSpan", "EvidenceError", "ExtractionResult", "Fact", "Options", "clean_text",
    "extract_facts", "read_document",
]


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    from .settings import parse_date

    return parse_date(value)


def clean_text(text: str, *, source: str | None = None, published: dt.date | str | None = None,
               options: Options | None = None, fmt: str = "text", encoding: str | None = None) -> Document:
    """Clean already-decoded text into a `Document` (publication date found in it if not given)."""
    from .cleaner import clean, passthrough
    from .periods import find_published

    options = options or Options()
    if "\r" in text:  # Windows or old-Mac line ends: offsets are kept on the \n form
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = clean(text, options) if options.clean else passthrough(text)
    date = _as_date(published) or options.published or find_published(text)
    return Document(raw_text=text, text=cleaned.text, dropped=cleaned.dropped, source=source, format=fmt,
                    encoding=encoding, published=date, pieces=cleaned.pieces, char_norm=cleaned.norm)


def read_document(path_or_bytes: str | os.PathLike[str] | bytes, *, published: dt.date | str | None = None,
                  options: Options | None = None, name: str | None = None) -> Document:
    """Load a file (or bytes) of plain text, HTML, .docx or text-layer PDF, and clean it.

    Raises `EvidenceError` (with a Chinese message) for empty, binary, oversized, encrypted,
    text-less or unsupported input.
    """
    from .loaders import load

    options = options or Options()
    text, fmt, encoding, source = load(path_or_bytes, max_bytes=options.max_bytes, name=name)
    return clean_text(text, source=source, published=published, options=options, fmt=fmt, encoding=encoding)


def extract_facts(text: str | Document, *, doc_id: str, published: dt.date | str | None = None,
                  options: Options | None = None) -> ExtractionResult:
    """Propose facts for a document given as text (cleaned here) or as a loaded `Document`."""
    from .extractor import extract
    from .normalize import TextView

    options = options or Options()
    doc = text if isinstance(text, Document) else clean_text(text, published=published, options=options)
    date = _as_date(published) or doc.published
    facts = extract(TextView.of(doc.text, char_norm=doc.char_norm), doc_id=doc_id, published=date,
                    dedup=options.dedup)
    return ExtractionResult(doc=doc_id, document=doc, facts=facts)


def doc_id_for(path: str | os.PathLike[str]) -> str:
    """A file's document id: its name without extension."""
    return Path(path).stem
