"""A matching view of the cleaned text that maps back to it character for character.

Rules match on a *simplified, half-width, space-free* view; evidence is always cut from the
cleaned text itself (original characters, Traditional stays Traditional). The view is built in
two steps that keep the mapping trivial:

1. `norm`: the same length as the cleaned text. Full-width ASCII becomes half-width (NFKC would
   also rewrite ① or ㎡ into several characters and break the 1:1 mapping, so a translate table is
   used), and Traditional characters become Simplified through OpenCC's own tables: for a mostly
   Traditional document its phrase table first (TSPhrases, longest match, same-length pairs), then
   for every text its character table (TSCharacters, first reading). That is OpenCC's t2s
   conversion; the package's pure-Python converter is not called because it takes ~4 ms a line.
2. `compact`: `norm` without spaces (web pages put spaces inside words: 优 秀教师), with an
   offset list back to `norm`/cleaned positions.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_SPACE_RE = re.compile(r"[^ \t\r\xa0\u2000-\u200b\u3000\ufeff]+")


@lru_cache(maxsize=1)
def _opencc_dir() -> Path | None:
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], frozenset[str]]:
    """(translate table: full-width + Traditional→Simplified chars, set of Traditional-only chars)."""
    table: dict[int, str] = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
    table.update({0x3000: " ", 0xA0: " ", 0xFE6A: "%", 0x2236: ":"})
    trad_only: set[str] = set()
    base = _opencc_dir()
    path = base / "dictionary" / "TSCharacters.txt" if base else None
    if path and path.exists():
        targets: set[str] = set()
        pairs: list[tuple[str, str]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            src, _, cands = line.partition("\t")
            if len(src) == 1 and cands:
                first = cands.split(" ")[0]
                if len(first) == 1 and first != src:
                    pairs.append((src, first))
                targets.update(cands.split(" "))
        for src, first in pairs:
            table.setdefault(ord(src), first)
            if src not in targets:
                trad_only.add(src)
    return table, frozenset(trad_only)


@lru_cache(maxsize=1)
def common_chars() -> frozenset[str]:
    """The 3,755 common characters (GB2312 level 1), plus their Traditional forms."""
    common: set[str] = set()
    for b1 in range(0xB0, 0xD8):
        for b2 in range(0xA1, 0xFF):
            try:
                common.add(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    table = _tables()[0]
    common.update(chr(cp) for cp, s in table.items() if s in common and 0x4E00 <= cp < 0xA000)
    return frozenset(common)


def is_traditional(text: str) -> bool:
    """Mostly Traditional? (a few stray Traditional characters in a Simplified page do not count)."""
    chars = set(text[:4000])
    n = len(chars & _tables()[1])
    return n >= 3 and n / (len(chars) or 1) > 0.03


@lru_cache(maxsize=1)
def _phrases() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """OpenCC's Traditional→Simplified phrase table (TSPhrases), as one longest-first pattern.
    Only same-length pairs are kept, so positions never move."""
    base = _opencc_dir()
    path = base / "dictionary" / "TSPhrases.txt" if base else None
    table: dict[str, str] = {}
    if path and path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            src, _, cands = line.partition("\t")
            first = cands.split(" ")[0] if cands else ""
            if src and len(first) == len(src):
                table[src] = first
    if not table:
        return None, {}
    return re.compile("|".join(sorted(map(re.escape, table), key=len, reverse=True))), table


def to_norm(text: str, char_norm: str = "") -> str:
    """Same-length simplified, half-width view of `text` (`char_norm`: `text` already through the
    character table, reused when the text is not Traditional)."""
    table, _ = _tables()
    if is_traditional(text):
        # OpenCC's t2s: its phrase table first (longest match), then its character table
        rx, phrases = _phrases()
        if rx is not None:
            text = rx.sub(lambda m: phrases[m.group()], text)
    elif len(char_norm) == len(text):
        return char_norm
    return fast_translate(text)


@lru_cache(maxsize=1)
def _table_chars() -> frozenset[str]:
    return frozenset(map(chr, _tables()[0]))


def fast_translate(text: str) -> str:
    """`text.translate(table)` of the character table, faster for the usual case: a Simplified text
    needs only a handful of distinct characters changed (full-width punctuation and digits), and a
    `str.replace` per such character beats a per-character dictionary lookup over the whole text."""
    table, _ = _tables()
    needed = set(text) & _table_chars()
    if len(needed) > 40:
        return text.translate(table)
    for c in needed:
        text = text.replace(c, table[ord(c)])
    return text


@dataclass(slots=True)
class TextView:
    """The cleaned text, its normalised view and the space-free view rules run on."""

    cleaned: str
    norm: str
    compact: str
    offsets: list[int]  # compact index -> index in cleaned/norm

    @classmethod
    def of(cls, cleaned: str, *, char_norm: str = "") -> TextView:
        norm = to_norm(cleaned, char_norm)
        parts: list[str] = []
        offsets: list[int] = []
        for m in _SPACE_RE.finditer(norm):
            parts.append(m.group())
            offsets.extend(range(m.start(), m.end()))
        return cls(cleaned, norm, "".join(parts), offsets)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Compact [start, end) -> cleaned [start, end)."""
        if end <= start:
            p = self.offsets[start] if start < len(self.offsets) else len(self.cleaned)
            return p, p
        return self.offsets[start], self.offsets[end - 1] + 1

    def original(self, start: int, end: int) -> str:
        s, e = self.span(start, end)
        return self.cleaned[s:e]
