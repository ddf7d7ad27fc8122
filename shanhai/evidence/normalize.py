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
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_SPACE_RE = re.compile(r"[^ \t\r\xa0\u2000-\u200b\u3000\ufeff]+")
_ANY_SPACE = re.compile(r"[ \t\r\xa0\u2000-\u200b\u3000\ufeff]")  # what _SPACE_RE stops at


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
    head = text[:4000]
    if _has_astral(head):  # rare: the classes below hold only BMP characters
        chars = set(head)
        n = len(chars & _tables()[1])
        return n >= 3 and n / (len(chars) or 1) > 0.03
    # set(head) builds a string object per CJK character (~0.1 ms per 1,000); the regex finds the
    # few Traditional-only ones without that, and the distinct count is only needed when it decides
    n = len(set(_char_classes()[1].findall(head)))
    if n < 3:
        return False
    if n / len(head) > 0.03:  # there are at most len(head) distinct characters
        return True
    return n / _distinct(head) > 0.03


def _distinct(text: str) -> int:
    """len(set(text)), counted on code points (ints are cheaper to make and hash than 1-char strings)."""
    try:
        return len(set(array("I", text.encode("utf-32-le")))) if array("I").itemsize == 4 else len(set(text))
    except UnicodeEncodeError:  # a lone surrogate
        return len(set(text))


def _has_astral(text: str) -> bool:
    """Any character beyond U+FFFF? Such a character is two UTF-16 code units; encoding is several
    times faster than a regex scan for them."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


@lru_cache(maxsize=1)
def _char_classes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Regex classes of (the table's BMP characters, the BMP Traditional-only characters, the
    characters whose replacement is itself in the table). A class of BMP characters compiles to a
    bitmap, so a scan for them costs about as much as a scan for one character."""
    table, trad_only = _tables()
    keys = set(map(chr, table))
    chained = {chr(c) for c, s in table.items() if s in keys}

    def cls(chars: Iterable[str]) -> re.Pattern[str]:
        bmp = sorted(c for c in chars if c <= "\uffff")
        return re.compile("[" + "".join(map(re.escape, bmp)) + "]" if bmp else "(?!)")

    return cls(keys), cls(trad_only), cls(chained)


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
    character table, reused when given)."""
    have_chars = len(char_norm) == len(text)
    if is_traditional(text):
        # OpenCC's t2s: its phrase table first (longest match), then its character table
        rx, phrases = _phrases()
        if rx is not None:
            if not have_chars or _char_classes()[2].search(text):  # (a 薴 → 苧 chain: the plain way)
                return fast_translate(rx.sub(lambda m: phrases[m.group()], text))
            # the same from char_norm: phrases are same-length, so outside them the result is
            # char_norm, and inside them it is the phrase's replacement through the character table
            parts: list[str] = []
            pos = 0
            for m in rx.finditer(text):
                parts += [char_norm[pos:m.start()], fast_translate(phrases[m.group()])]
                pos = m.end()
            parts.append(char_norm[pos:])
            return "".join(parts)
    return char_norm if have_chars else fast_translate(text)


@lru_cache(maxsize=1)
def _table_chars() -> frozenset[str]:
    return frozenset(map(chr, _tables()[0]))


def fast_translate(text: str) -> str:
    """`text.translate(table)` of the character table, faster for the usual case: a Simplified text
    needs only a handful of distinct characters changed (full-width punctuation and digits), and a
    `str.replace` per such character beats a per-character dictionary lookup over the whole text."""
    table, _ = _tables()
    keys, _trad, chained = _char_classes()
    if chained.search(text) or _has_astral(text):  # rare: a replacement that is itself replaced
        needed = set(text) & _table_chars()
        if len(needed) > 40:
            return text.translate(table)
        for c in needed:
            text = text.replace(c, table[ord(c)])
        return text
    # each distinct character to change is found by a regex scan (not set(text), which makes a
    # string object per character) and replaced everywhere at once; what it becomes is never in
    # the table, so the scan goes on from where it stopped. Many distinct ones: translate the rest.
    m = keys.search(text)
    n = 0
    while m:
        n += 1
        if n > 200:
            return text.translate(table)
        c = m.group()
        text = text.replace(c, table[ord(c)])
        m = keys.search(text, m.start())
    return text


@dataclass(slots=True)
class TextView:
    """The cleaned text, its normalised view and the space-free view rules run on."""

    cleaned: str
    norm: str
    compact: str
    offsets: Sequence[int]  # compact index -> index in cleaned/norm

    @classmethod
    def of(cls, cleaned: str, *, char_norm: str = "") -> TextView:
        norm = to_norm(cleaned, char_norm)
        if not _ANY_SPACE.search(norm):  # the usual case: the views coincide, a range maps them
            return cls(cleaned, norm, norm, range(len(norm)))
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
