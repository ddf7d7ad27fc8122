"""Faster regex scans that find exactly what `re` finds, read off the stdlib's parse of a pattern.

Two facts about CPython's `re` engine drive this module:

* a search skips quickly over text only when every alternative of the pattern starts with a plain
  character (or the pattern starts with one character class); otherwise it runs the whole pattern
  at every position, which for a pattern of ten alternatives with named groups costs ~100 times
  more per character;
* each call and each match has a fixed cost (~1,000 machine instructions).

`starts` gives what a pattern's matches can start with (a class for each of the first two
characters); `finditer` then tries the pattern only where that stands: the same matches, in the
same order. `needs` gives words one of which every match contains, so that a cheap search for
them can rule a pattern out. Both only ever under-approximate what they cannot read: an unknown
construct means "any character" / "no words", never a wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from re import _constants as sre_c  # the stdlib's regex parser (Python 3.11)
from re import _parser as sre_parse
from typing import Any

_CATEGORY = {sre_c.CATEGORY_DIGIT: r"\d", sre_c.CATEGORY_NOT_DIGIT: r"\D", sre_c.CATEGORY_SPACE: r"\s",
             sre_c.CATEGORY_NOT_SPACE: r"\S", sre_c.CATEGORY_WORD: r"\w", sre_c.CATEGORY_NOT_WORD: r"\W"}
_ZERO_WIDTH = (sre_c.ASSERT, sre_c.ASSERT_NOT, sre_c.AT)
_REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT)


class _Heads:
    """The characters a match can have at each of its first `k` offsets, read off the parse."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.parts: list[list[str]] = [[] for _ in range(k)]
        self.free = [False] * k  # any character may stand at this offset

    def char(self, offs: set[int], parts: list[str] | None) -> set[int]:
        for o in offs:
            if parts is None:
                self.free[o] = True
            else:
                self.parts[o] += parts
        return {o + 1 for o in offs if o + 1 < self.k}

    def walk(self, items: Iterable[tuple[Any, Any]], offs: set[int]) -> set[int] | None:
        """Record what the items can put at the offsets reachable from `offs`; return the offsets
        (below k) at which they can end, or None for a construct this does not read."""
        for op, av in items:
            if not offs:
                break
            if op is sre_c.LITERAL:
                offs = self.char(offs, [re.escape(chr(av))])
            elif op is sre_c.IN:
                offs = self.char(offs, _class_parts(av))
            elif op in (sre_c.ANY, sre_c.NOT_LITERAL):
                offs = self.char(offs, None)
            elif op in _ZERO_WIDTH:
                continue  # a lookaround or anchor consumes nothing
            elif op is sre_c.SUBPATTERN and not av[1] and not av[2]:
                offs = self.walk(av[3], offs)  # type: ignore[assignment]
            elif op is sre_c.ATOMIC_GROUP:
                offs = self.walk(av, offs)  # type: ignore[assignment]
            elif op is sre_c.BRANCH:
                ends: set[int] = set()
                for alt in av[1]:
                    r = self.walk(alt, offs)
                    if r is None:
                        return None
                    ends |= r
                offs = ends
            elif op in _REPEATS:
                lo, hi, body = av
                cur, ends = offs, (set(offs) if lo == 0 else set())
                for i in range(1, min(hi, lo + self.k) + 1):
                    cur = self.walk(body, cur)  # type: ignore[assignment]
                    if cur is None:
                        return None
                    if i >= lo:
                        ends |= cur
                    if not cur:
                        break
                offs = ends
            else:
                return None
            if offs is None:
                return None
        return offs


def _class_parts(av: list[tuple[Any, Any]]) -> list[str] | None:
    """A character class's items as regex class text (None: negated or unknown, i.e. any)."""
    parts = []
    for o, a in av:
        if o is sre_c.LITERAL:
            parts.append(re.escape(chr(a)))
        elif o is sre_c.RANGE:
            parts.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
        elif o is sre_c.CATEGORY and a in _CATEGORY:
            parts.append(_CATEGORY[a])
        else:
            return None
    return parts


def starts(pattern: re.Pattern[str], k: int = 2) -> re.Pattern[str] | None:
    """A pattern for the first characters of every match of `pattern` (one class per offset, up
    to k): where it does not match, `pattern` cannot start. None when nothing is known about the
    first character (or a match can be empty)."""
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    if parsed.state.flags & re.IGNORECASE:
        return None
    heads = _Heads(k)
    ends = heads.walk(parsed, {0})
    if ends is None or 0 in ends:
        return None
    for o in ends:  # a match this short: after it, anything may follow
        for i in range(o, k):
            heads.free[i] = True
    classes = []
    for parts, free in zip(heads.parts, heads.free, strict=True):
        if free or not parts:
            break
        classes.append("[" + "".join(dict.fromkeys(parts)) + "]")
    return re.compile("".join(classes)) if classes else None


def finditer(pattern: re.Pattern[str], text: str, hint: re.Pattern[str] | str | None) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, trying the pattern only where `hint` (its `starts`, or the one
    character its matches can start with in this text) matches: the same matches, since no match
    can start anywhere else and none is empty."""
    if hint is None:
        yield from pattern.finditer(text)
        return
    pos = 0
    match = pattern.match
    if isinstance(hint, str):  # str.find: faster still than a regex search
        while (p := text.find(hint, pos)) >= 0:
            m = match(text, p)
            if m is None:
                pos = p + 1
            else:
                yield m
                pos = m.end()
        return
    search = hint.search
    while (s := search(text, pos)) is not None:
        p = s.start()
        m = match(text, p)
        if m is None:
            pos = p + 1
        else:
            yield m
            pos = m.end()


def needs(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` contains (None: no such set known)."""
    parsed = sre_parse.parse(pattern)
    return None if parsed.state.flags & re.IGNORECASE else _needs(parsed)


def _needs(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    """Literal runs, groups, alternations (any branch's set), repeats of at least one; anything
    else (gaps, lookarounds, classes with ranges) requires nothing."""
    options: list[frozenset[str]] = []
    run = ""
    for op, av in [*items, (None, None)]:
        if op is sre_c.LITERAL:
            run += chr(av)
            continue
        if run:
            options.append(frozenset({run}))
            run = ""
        w: frozenset[str] | None = None
        if op is sre_c.SUBPATTERN and not av[1] and not av[2]:
            w = _needs(av[3])
        elif op is sre_c.BRANCH:
            alts = [_needs(a) for a in av[1]]
            w = None if any(a is None for a in alts) else frozenset().union(*alts)  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            w = _needs(av[2])
        elif op is sre_c.IN and all(o is sre_c.LITERAL for o, _ in av):
            w = frozenset(chr(c) for _, c in av)
        if w:
            options.append(w)
    if not options:
        return None
    # the most telling set: not just the quantity marks (every rule item holds #), long words, few
    return max(options, key=lambda w: (not any(set(x) <= {"#", "§"} for x in w), min(map(len, w)), -len(w)))


def words_re(words: Iterable[str]) -> re.Pattern[str]:
    """A search for any of `words`: plain words only, so the engine skips to their first characters."""
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))


def end_words(pattern: str) -> tuple[str, ...] | None:
    """For a pattern that is plain words and `$` ((?:到|赴|前往)$), the words, else None.

    `search(s)` is then `t.endswith(words)`, t being s without one final newline (`$` also
    matches before that): a method call instead of a regex search."""
    parsed = sre_parse.parse(pattern)
    items = list(parsed)
    if parsed.state.flags & (re.IGNORECASE | re.MULTILINE) or len(items) < 2 or items[-1] != (sre_c.AT, sre_c.AT_END):
        return None
    words = _words(items[:-1])
    if not words or "" in words or any("\n" in w for w in words):
        return None  # (a word with a newline would need more than endswith)
    return tuple(sorted(words))


def _words(items: Iterable[tuple[Any, Any]]) -> set[str] | None:
    """Every string a sequence of literals, literal classes and alternations of them matches."""
    out = {""}
    for op, av in items:
        if op is sre_c.LITERAL:
            alts = {chr(av)}
        elif op is sre_c.IN and all(o is sre_c.LITERAL for o, _ in av):
            alts = {chr(c) for _, c in av}
        elif op is sre_c.BRANCH:
            sets = [_words(a) for a in av[1]]
            if any(w is None for w in sets):
                return None
            alts = set().union(*sets)  # type: ignore[arg-type]
        elif op is sre_c.SUBPATTERN and not av[1] and not av[2]:
            sub = _words(av[3])
            if sub is None:
                return None
            alts = sub
        else:
            return None
        out = {a + b for a in out for b in alts}
        if len(out) > 200:
            return None
    return out
