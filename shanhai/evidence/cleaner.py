"""Keep the article, drop the page around it and the noise inside it, and say what was dropped.

Works on text (HTML is turned into text by the loader first), line by line, then inside lines:

* page level: everything before the 发布时间/时间 line (site title, navigation, spam headlines) is
  `header`; from the first footer marker on (责任编辑, 推荐阅读, 相关阅读, 版权所有 …) it is `footer`,
  or `repeated` where a line repeats the article (pages that hold the article twice);
* line level: image file names, hospital and gambling ads, licence/ICP lines, navigation,
  bylines, widget counters, and any line that repeats an earlier one;
* inside lines: pinyin glosses 協(xié)同, injected product words and sizes (螺栓, 切片机, 3mm),
  mojibake (UTF-8 read as GBK or Latin-1, U+FFFD, 锟斤拷), and a site name prefixed to paragraphs.

The cleaned text is the kept pieces in order; `pieces` maps it back to the loaded text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import lexicon as lx
from . import scan
from .document import DroppedSpan
from .normalize import common_chars, fast_translate
from .settings import Options

_FOOTER = re.compile(lx.FOOTER_RE)
_BYLINE = re.compile(lx.BYLINE_RE)
_DATE_LINE = re.compile(lx.DATE_LINE_RE)
_NAV = re.compile(lx.NAV_WORDS)
_NAV_SEP = re.compile(r"\s*(?:\||丨|>>|＞＞|»|›|>|/)\s*")
# three separator characters at least: a line needs them to split into four parts at _NAV_SEP
_NAV_SEP_3 = re.compile(r"[|丨>»›/＞](?:[^|丨>»›/＞]*[|丨>»›/＞]){2}")
_IMAGE = re.compile(lx.IMAGE_LINE_RE, re.IGNORECASE)
_LICENCE = re.compile(lx.LICENCE_RE)
_WIDGET = re.compile(lx.WIDGET_RE)
_AD = re.compile(lx.AD_RE)
_AD_STARTS = scan.starts(_AD)  # its alternatives start with groups: see scan.finditer
_METADATA = re.compile(r"^[\s【\[]*(?:来源|作者|编辑|字号|浏览|点击|阅读|发布|稿源|文章来源)")
_SITE_PREFIX = re.compile(lx.SITE_PREFIX_RE)
_PINYIN = re.compile(lx.PINYIN_RE)
_SPAM_SIZE = re.compile(lx.SPAM_SIZE_RE)
_SIZE_UNIT = re.compile(r"\d\s*(?:mm|MM|cm|CM|μm|um|毫米|丝)")
_SPAM_MACHINE_END = re.compile(f"(?:{lx.SPAM_MACHINE_RE})$")
_SPAM_WORDS = re.compile("|".join(sorted(lx.SPAM_WORDS, key=len, reverse=True)))
_MOJI_QUICK = re.compile("[\u00c2-\u00ef\ufffd锟烫屯]")
_LATIN_MOJI = re.compile(rb"[\xc2-\xef]")  # _MOJI_QUICK's Latin-1 range, on Latin-1 bytes
_MOJI = re.compile(
    r"(?:[\u00c2-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    r"\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,2}){2,}|\ufffd+|(?:锟斤拷|烫烫烫|屯屯屯)+"
)
_RARE_RUN = re.compile("\ue000(?:\ue001?\ue000){3,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _squeeze(t: str) -> str:
    r"""`re.sub(r"\s+", "", t)`: str.split() splits on the characters \s matches, and is faster."""
    return "".join(t.split())


@dataclass(slots=True)
class Cleaned:
    text: str
    dropped: list[DroppedSpan] = field(default_factory=list)
    pieces: list[tuple[int, int, int]] = field(default_factory=list)
    norm: str = ""  # the cleaned text through the character table (normalize.to_norm without phrases)


@lru_cache(maxsize=1)
def _rarity() -> dict[int, str]:
    """CJK char -> \ue001 if among the 3,755 common characters (GB2312 level 1, or its Simplified
    form is), else \ue000. Mojibake of UTF-8 read as GBK is mostly uncommon characters."""
    common = common_chars()
    return {cp: "\ue001" if chr(cp) in common else "\ue000" for cp in range(0x4E00, 0xA000)}


@lru_cache(maxsize=1)
def _RARE_PAIR_RE() -> re.Pattern[str]:  # noqa: N802 - a compiled constant, built on first use
    """Two uncommon CJK characters side by side: the cheap sign that a line may hold mojibake."""
    common = set(common_chars())
    rare = "".join(chr(c) for c in range(0x4E00, 0xA000) if chr(c) not in common)
    # [X][X], not [X]{2}: the engine skips ahead to a first character only when the pattern
    # starts with a plain class (3x faster)
    return re.compile(f"[{re.escape(rare)}][{re.escape(rare)}]")


def _line_of(starts: list[int], pos: int) -> int:
    return bisect.bisect_right(starts, pos) - 1


def _is_ad(t: str) -> bool:
    """`_AD.search(t)`, trying the pattern only where one of its words can start."""
    return next(scan.finditer(_AD, t, _AD_STARTS), None) is not None


def _is_nav(t: str) -> bool:
    if len(t) <= 80 and _NAV.search(t):
        return True
    if not _NAV_SEP_3.search(t):
        return False
    parts = [p for p in _NAV_SEP.split(t) if p]
    return len(parts) >= 4 and sum(len(p) for p in parts) / len(parts) <= 8 and not re.search(r"[。，,]", t)


def _line_reason(t: str) -> str | None:
    """Why a whole body line is noise, or None to keep it."""
    if len(t) > 160:
        return None  # page furniture, ads and bylines are short lines
    if "." in t and _IMAGE.match(t):  # a file name has its dot
        return "image"
    if len(t) <= 60 and _is_ad(t):
        return "ad"
    if len(t) <= 160 and _LICENCE.search(t):
        return "licence"
    if _is_nav(t):
        return "navigation"
    if len(t) <= 40 and _BYLINE.match(t):
        return "byline"
    if _WIDGET.match(t):
        return "widget"
    return None


def _text_spans(raw: str, norm_raw: str) -> list[tuple[int, int, str]]:
    """Inline noise over the whole text at once (one regex pass each, not one per line); none of
    these patterns crosses a line break."""
    spans: list[tuple[int, int, str]] = []
    if "(" in norm_raw:  # pinyin starts with a parenthesis: in norm_raw （ is already (
        spans += [(m.start(), m.end(), "pinyin") for m in scan.finditer(_PINYIN, norm_raw, "(")]
    # each spam pattern needs a character the text must hold; checking it first saves most scans
    i = norm_raw.find("机")
    while i >= 0:  # the machine pattern ends in 机: try it only where a 机 stands
        m = _SPAM_MACHINE_END.search(norm_raw, max(0, i - 12), i + 1)
        if m:
            spans.append((m.start(), m.end(), "spam"))
        i = norm_raw.find("机", i + 1)
    # each size unit (mm, cm, μm, 毫米, 丝 …) holds one of these: str `in` is cheaper than a regex scan
    if ("m" in norm_raw or "M" in norm_raw or "毫" in norm_raw or "丝" in norm_raw) and _SIZE_UNIT.search(norm_raw):
        spans += [(m.start(), m.end(), "spam") for m in _SPAM_SIZE.finditer(norm_raw)]
    spans += [(m.start(), m.end(), "spam") for m in _SPAM_WORDS.finditer(norm_raw)]
    done = -1
    # _MOJI_QUICK's characters: four CJK/replacement ones, and Latin-1 letters (found among the
    # few characters that encode to Latin-1: encoding skips the CJK at C speed)
    suspicious = "\ufffd" in raw or "锟" in raw or "烫" in raw or "屯" in raw or \
        _LATIN_MOJI.search(raw.encode("latin-1", "ignore")) is not None
    for q in _MOJI_QUICK.finditer(raw) if suspicious else ():  # the full pattern only from such a character
        if q.start() < done:
            continue
        m = _MOJI.match(raw, q.start())
        if m:
            spans.append((m.start(), m.end(), "mojibake"))
            done = m.end()
    return spans


def _inline_spans(norm: str, found: list[tuple[int, int, str]], moji: list[tuple[int, int]],
                  site_prefixes: set[str]) -> list[tuple[int, int, str]]:
    """This line's spans to drop: a repeated site prefix, the text-wide matches, mojibake runs."""
    spans = list(found)
    if site_prefixes:
        m = _SITE_PREFIX.match(norm)
        if m and m.group().strip() in site_prefixes:
            spans.append((m.start(), m.end(), "site prefix"))
    spans += [(s, e, "mojibake") for s, e in moji]
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for s, e, r in spans:
        if merged and s <= merged[-1][1]:
            ps, pe, pr = merged[-1]
            merged[-1] = (ps, max(pe, e), pr)
        else:
            merged.append((s, e, r))
    return merged


def clean(raw: str, options: Options | None = None) -> Cleaned:
    """Split `raw` into kept pieces and dropped spans (see the module docstring)."""
    options = options or Options()
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in raw.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    texts = [raw[a:b] for a, b in lines]
    lines_start = [a for a, _ in lines]
    norm_raw = fast_translate(raw)  # one pass over the whole text: per-line translates are slow
    norms = [norm_raw[a:b] for a, b in lines]
    stripped = [t.strip() for t in norms]
    reason: list[str | None] = [None] * len(lines)

    # header: everything before a date line near the top of the page
    body_start = 0
    header_keys: set[str] = set()
    for i, t in enumerate(stripped[:60]):
        if lines[i][0] > 0.5 * len(raw):
            break
        if len(t) <= 160 and _DATE_LINE.search(t):
            for j in range(i):
                reason[j] = "header"
                header_keys.add(_squeeze(stripped[j]))
            reason[i] = "metadata"
            body_start = i + 1
            while body_start < len(lines) and (
                not stripped[body_start] or (len(stripped[body_start]) <= 60 and _METADATA.match(stripped[body_start]))
            ):
                if stripped[body_start]:
                    reason[body_start] = "metadata"
                body_start += 1
            break
    else:
        i = 0
        while i < len(lines) and (not stripped[i] or _is_nav(stripped[i]) or _is_ad(stripped[i])):
            if stripped[i]:
                reason[i] = "navigation"
            i += 1
        body_start = i

    # body lines, until the footer starts
    seen: set[str] = {k for k in header_keys if len(k) >= options.min_repeat_chars}
    substantial = False
    footer_at = len(lines)
    for i in range(body_start, len(lines)):
        t = stripped[i]
        if not t:
            continue
        if substantial and _FOOTER.match(t):
            footer_at = i
            break
        why = _line_reason(t)
        key = _squeeze(t)
        if why is None and len(key) >= options.min_repeat_chars and key in seen:
            why = "repeated"
        reason[i] = why
        if why is None:
            seen.add(key)
            substantial = substantial or len(key) >= 30
    for i in range(footer_at, len(lines)):
        if stripped[i]:
            reason[i] = "repeated" if _squeeze(stripped[i]) in seen else "footer"

    # a site name prefixed to several paragraphs
    counts: dict[str, int] = {}
    for i in range(body_start, footer_at):
        if reason[i] is None and stripped[i]:
            m = _SITE_PREFIX.match(stripped[i])
            if m and len(stripped[i]) > len(m.group()) + 10:
                counts[m.group().strip()] = counts.get(m.group().strip(), 0) + 1
    prefixes = {p for p, n in counts.items() if n >= 2}

    out: list[str] = []
    dropped: list[DroppedSpan] = []
    pieces: list[tuple[int, int, int]] = []
    size = 0
    by_line: dict[int, list[tuple[int, int, str]]] = {}
    for s, e, why in _text_spans(raw, norm_raw):
        i = _line_of(lines_start, s)
        by_line.setdefault(i, []).append((s - lines[i][0], min(e, lines[i][1]) - lines[i][0], why))
    # mojibake as runs of uncommon characters: only looked for around two uncommon ones side by side
    moji: dict[int, list[tuple[int, int]]] = {}
    starts = [a for a, _ in lines]
    done = -1
    for m in _RARE_PAIR_RE().finditer(raw):
        if m.start() < done:
            continue
        i = bisect.bisect_right(starts, m.start()) - 1
        a, b = lines[i]
        lo, hi = max(a, m.start() - 12), min(b, m.end() + 40)
        mask = raw[lo:hi].translate(_rarity())
        for r in _RARE_RUN.finditer(mask):
            moji.setdefault(i, []).append((lo + r.start() - a, lo + r.end() - a))
            hi = max(hi, lo + r.end())
        done = hi

    out_norm: list[str] = []

    def keep(a: int, b: int) -> None:
        nonlocal size
        if b > a:
            pieces.append((size, a, b - a))
            out.append(raw[a:b])
            out_norm.append(norm_raw[a:b])
            size += b - a

    # group consecutive dropped lines with the same reason into one span
    run: tuple[int, int, str] | None = None
    for i, (a, b) in enumerate(lines):
        t = texts[i]
        why = reason[i]
        if why is not None:
            if run and run[2] == why:
                run = (run[0], b, why)
            else:
                if run:
                    dropped.append(DroppedSpan(run[0], run[1], run[2], raw[run[0]:run[1]]))
                run = (a, b, why)
            continue
        if not t.strip():
            continue
        if run:
            dropped.append(DroppedSpan(run[0], run[1], run[2], raw[run[0]:run[1]]))
            run = None
        # (most lines have nothing to drop inside them: no call for those)
        spans = _inline_spans(norms[i], by_line.get(i, []), moji.get(i, []), prefixes) \
            if options.clean and (prefixes or i in by_line or i in moji) else []
        if out:
            out.append("\n")
            out_norm.append("\n")
            size += 1
        cur = a
        for s, e, r in spans:
            keep(cur, a + s)
            dropped.append(DroppedSpan(a + s, a + e, r, raw[a + s:a + e]))
            cur = a + e
        keep(cur, b)
    if run:
        dropped.append(DroppedSpan(run[0], run[1], run[2], raw[run[0]:run[1]]))
    return Cleaned("".join(out), dropped, pieces, norm="".join(out_norm))


def passthrough(raw: str) -> Cleaned:
    """No cleaning: the text is kept as loaded."""
    return Cleaned(raw, [], [(0, 0, len(raw))])
