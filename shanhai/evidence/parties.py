"""Parties: region and organisation names in the text, and which side (east/west) each is on.

Names are found by their suffixes (…省/市/区/县/自治县/州/旗/镇/乡/村, …中学/医院/公司/红十字会 …);
a name starts after the last function word or verb before the suffix (`NAME_BOUNDARY`), adjacent
names chain (广州市 + 南沙区 → 广州市南沙区), and a county-level name's stem is then also found on
its own (南沙区 → 南沙). The side of a name comes from, in order: the prefecture/province it names or
starts with (`EAST_REGIONS`/`WEST_REGIONS`), the chain it belongs to, and the roles the text
gives it (到X跟岗学习 → east; 帮扶X, 向X捐赠, 到X开展帮扶 → west), counted over the whole document.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any

from . import lexicon as lx
from . import scan


def _suffix_re() -> re.Pattern[str]:
    """Region suffixes, each followed by a negative lookbehind for the characters that make it part
    of a common word (地区, 城市, 乡村 …): most suffix characters in a text are such words, and
    rejecting them inside the regex engine is much cheaper than in Python. The lookbehind comes
    *after* the suffix (区(?<![地]区), the same test as (?<![地])区) so that every alternative starts
    with a literal: the engine then skips to the suffix characters instead of trying each position."""
    generic_before: dict[str, set[str]] = {}
    for word in lx.GENERIC_NAME_TAILS:
        for suf in lx.REGION_SUFFIXES:
            if len(word) == len(suf) + 1 and word.endswith(suf) and word not in lx.EAST_REGIONS | lx.WEST_REGIONS:
                generic_before.setdefault(suf, set()).add(word[0])
    alts = []
    for suf in sorted(lx.REGION_SUFFIXES, key=len, reverse=True):
        chars = "".join(sorted(generic_before.get(suf, ())))
        esc = re.escape(suf)
        alts.append(f"{esc}(?<![{re.escape(chars)}]{esc})" if chars else esc)
    return re.compile("|".join(alts))


_SUFFIX_RE = _suffix_re()
_ORG_RE = re.compile("|".join(sorted(lx.ORG_SUFFIXES, key=len, reverse=True)))
_BOUNDARY_RE = re.compile("|".join(sorted(lx.NAME_BOUNDARY, key=len, reverse=True)))
# name.endswith(tails) with the ~150 generic tails, looked up by the name's last character first
_GENERIC_TAIL_BY_LAST: dict[str, tuple[str, ...]] = {}
for _t in sorted(lx.GENERIC_NAME_TAILS, key=len, reverse=True):
    _GENERIC_TAIL_BY_LAST[_t[-1]] = (*_GENERIC_TAIL_BY_LAST.get(_t[-1], ()), _t)
_GENERIC_2 = frozenset(t for t in lx.GENERIC_NAME_TAILS if len(t) == 2) - lx.EAST_REGIONS - lx.WEST_REGIONS
_GROUP_RE = re.compile("(?<!东)" + lx.GROUP_PARTY)
_GROUP_STARTS = scan.starts(_GROUP_RE)  # 东/西: the lookbehind first hides them from the engine
# a UTF-16 code unit's high byte -> 1 unless the unit is CJK (U+4E00–U+9FFF), for _non_cjk_mask
_NON_CJK_BYTE = bytes(0 if 0x4E <= b <= 0x9F else 1 for b in range(256))
_NOT_AFTER = "级场域"  # 市场, 县级, 县域: the suffix is part of another word
_ORG_GENERIC = re.compile(r"(?:同类别|同类|各|该|所属|结对|受援|帮扶|贫困|深度贫困村|乡镇|农村|城区|中小|部分|相关|"
                          r"当地|本地|全县|全市|全区|县|市|区|乡|镇|村|的|其|两|多|有关|定点|上级|下级|重点|龙头|爱心|"
                          r"党委|双方|各级|地方|我们|他们)*$")
# (words the text before ends with, else that pattern; pattern after; side): most cues before a
# name are plain words, and str.endswith costs a fraction of a regex search
_ROLE = [(scan.end_words(b) if b else None, re.compile(b) if b else None, re.compile(a) if a else None, side)
         for b, a, side in lx.ROLE_CUES]
_ROLE_WORDS = tuple(w for words, *_ in _ROLE for w in words or ())  # any of them: one test for all
_MODIFIER = tuple(lx.MODIFIER_FOLLOWERS)
_GAZ = lx.EAST_REGIONS | lx.WEST_REGIONS
_ETHNIC = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,3}族)+$")


@dataclass(slots=True)
class Mention:
    start: int  # in the compact view
    end: int
    name: str  # normalised (simplified) form
    kind: str  # region, org, group, short
    key: str  # what votes are counted under: the stem of a county-level name, else the name
    side: str | None = None
    parts: tuple[str, ...] = ()  # region components of a chain / the region part of an org


_SUFFIXES_LONGEST_FIRST = tuple(sorted(lx.REGION_SUFFIXES, key=len, reverse=True))


@lru_cache(maxsize=4096)
def _stem(name: str) -> str:
    """紫云县, 紫云自治县, 紫云苗族布依族自治县 → 紫云."""
    for suf in _SUFFIXES_LONGEST_FIRST:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            stem = name[: -len(suf)]
            m = _ETHNIC.match(stem) if suf.startswith("自治") else None
            return m.group(1) if m else stem
    return name


@lru_cache(maxsize=4096)
def _gazetteer_side(name: str) -> str | None:
    for k in (4, 3, 2):
        head = name[:k]
        if head in lx.EAST_REGIONS:
            return "east"
        if head in lx.WEST_REGIONS:
            return "west"
    return None


_BOUNDARY_SPLIT = re.compile(f"({_BOUNDARY_RE.pattern})")


def _trim_left(window: str) -> str | None:
    """The part of `window` after its last boundary word; None when nothing name-like is left.

    A cut that would leave a single character falls back to the cut before it (和平区 after 在).
    """
    # one split (text, word, text, word, …, text) instead of a match object per word
    parts = _BOUNDARY_SPLIT.split(window)
    if len(parts) == 1:
        return window
    if not parts[-1]:
        return None  # the window ends with a function word: 现在的市
    tail = ""
    for i in range(len(parts) - 1, 0, -2):  # the text after each word, last word first
        tail = parts[i] + tail
        if len(tail) >= 2:
            return tail
        tail = parts[i - 1] + tail
    return None


_LEVEL = {"省": 1, "自治区": 1, "特别行政区": 1, "市": 2, "州": 2, "盟": 2, "自治州": 2, "区": 3, "县": 3,
          "自治县": 3, "旗": 3, "自治旗": 3, "新区": 3, "镇": 4, "乡": 4, "街道": 4, "村": 5}
_NOT_AFTER_BY = {"乡": "村镇亲土愁情", "村": "民级", "市": "场级民值", "县": "级域城", "区": "级域", "省": "级份",
                 "镇": "级", "州": "级"}
_NOT_AFTER_FOR = {suf: _NOT_AFTER + _NOT_AFTER_BY.get(suf, "") for suf in lx.REGION_SUFFIXES}
_SCHOOL_ABBR = re.compile(r"[一二三四五六七八九十]+[中小]")
_UNSEEN: Any = object()


def _gazetteer_tail(stem: str) -> str | None:
    for k in (4, 3, 2):
        if len(stem) > k and stem[-k:] in _GAZ:
            return stem[-k:]
    return None


def _non_cjk_mask(text: str) -> bytes:
    """A byte per character of `text`, 1 where it is not CJK (U+4E00–U+9FFF): where a name can
    start. `mask.rfind(1, p - reach, p)` is then the last such character shortly before p (-1 if
    none; callers only compare it with p - reach or nearer). Made from the high bytes of the
    UTF-16 form, at C speed; a text with characters beyond U+FFFF (two units each) goes by hand."""
    data = text.encode("utf-16-be", "surrogatepass")
    if len(data) == 2 * len(text):
        return data[::2].translate(_NON_CJK_BYTE)
    return bytes(0 if "\u4e00" <= c <= "\u9fff" else 1 for c in text)


def _regions(text: str, non_cjk: bytes) -> list[Mention]:
    found: list[tuple[int, int, str, str, bool]] = []  # start, end, name, suffix, bounded
    trimmed: dict[str, str | None] = {}  # window -> _trim_left(window): names recur in a document
    last_end = 0
    for m in _SUFFIX_RE.finditer(text):
        p, q = m.span()
        suf = m.group()
        nxt = text[q:q + 1]
        if nxt and nxt in _NOT_AFTER_FOR[suf]:
            continue
        if suf == "市" and _SCHOOL_ABBR.match(text, q):
            continue
        if text[p - 1:q] in _GENERIC_2:
            continue  # 地区, 乡村, 城市, 乡镇 …: most suffix hits are common words; skip them cheaply
        limit = 10 if suf.startswith("自治") else 4
        prev_non = non_cjk.rfind(1, p - 14 if p > 14 else 0, p)
        lo = prev_non + 1 if prev_non >= p - 14 else max(0, p - 14)
        bounded = prev_non >= p - 4
        if last_end > lo:
            lo, bounded = last_end, True
        window = text[lo:p]
        if suf in ("州", "市") and nxt != "市" and window[-1:] + suf in _GAZ:
            found.append((p - 1, q, window[-1] + suf, suf, True))  # 广州, 贵州, 沙市 ...
            last_end = q
            continue
        if suf == "县" and len(window) == 1 and lo == last_end and last_end and text[last_end - 1] in "市州盟":
            # a one-character county right after its prefecture (定西市岷县): found here, and found
            # alone elsewhere through the names below
            found.append((p - 1, q, window + suf, suf, True))
            last_end = q
            continue
        stem = trimmed.get(window, _UNSEEN)
        if stem is _UNSEEN:
            stem = trimmed[window] = _trim_left(window)
        if stem is None or len(stem) < 2:
            continue
        bounded = bounded or stem != window
        if len(stem) > limit:
            stem, bounded = stem[-limit:], False
        tail = _gazetteer_tail(stem) if len(stem) > 2 else None  # a tail is shorter than the stem
        if tail:
            stem, bounded = tail, True
        name = stem + suf
        if name.endswith(_GENERIC_TAIL_BY_LAST.get(suf[-1], ())):
            continue
        found.append((q - len(name), q, name, suf, bounded))
        last_end = q
    # an unbounded candidate that ends with a name seen bounded elsewhere is that name (盘活坝羊镇 → 坝羊镇)
    bounded_names = {f[2] for f in found if f[4]}
    singles: list[Mention] = []
    for start, end, name, suf, _bounded in found:
        if len(name) > 2:
            for k in range(1, len(name) - 1):
                if name[k:] in bounded_names:
                    start, name = start + k, name[k:]
                    break
        key = _stem(name) if suf in lx.MAJOR_SUFFIXES else name
        singles.append(Mention(start, end, name, "region", key, parts=(name,)))
    # chain adjacent names going down the hierarchy: 广州市 + 南沙区, 水城县 + 野钟乡
    chained: list[Mention] = []
    for mt in singles:
        prev_name = chained[-1].parts[-1] if chained else ""
        if chained and chained[-1].end == mt.start and (
            _level(mt.name) > _level(prev_name) or (prev_name.endswith("市") and mt.name.endswith("市"))
        ):
            prev = chained[-1]
            chained[-1] = Mention(prev.start, mt.end, prev.name + mt.name, "region", mt.key,
                                  parts=prev.parts + mt.parts)
        else:
            chained.append(mt)
    return chained


_LEVEL_SUFFIXES = tuple(sorted(_LEVEL, key=len, reverse=True))


@lru_cache(maxsize=4096)
def _level(name: str) -> int:
    for suf in _LEVEL_SUFFIXES:
        if name.endswith(suf):
            return _LEVEL[suf]
    return 9


_GENERIC_ORG_SUFFIX = frozenset({"学校", "中小学", "大学", "学院", "医院", "幼儿园", "政府", "人民政府", "工作队",
                                 "工作组", "公司", "集团", "协会", "商会"})


def _orgs(text: str, regions: list[Mention], non_cjk: bytes) -> list[Mention]:
    region_ends = [r.end for r in regions]  # regions are in order and do not overlap
    out: list[Mention] = []
    last_end = 0
    for m in _ORG_RE.finditer(text):
        p, q = m.start(), m.end()
        if text[q:q + 1] in ("生", "校", "长"):  # 中学生, 大学生, 中小学校长
            continue
        prev_non = non_cjk.rfind(1, p - 18 if p > 18 else 0, p)
        lo = max(prev_non + 1 if prev_non >= p - 18 else max(0, p - 18), last_end)
        # the nearest region name ending inside the window: the last one ending by p (one ending
        # earlier also starts earlier, so if that one starts before the window, all do)
        k = bisect.bisect_right(region_ends, p) - 1
        chain = regions[k] if k >= 0 and regions[k].end >= lo and regions[k].start >= lo else None
        if chain is not None and p > chain.end and _ORG_GENERIC.match(text, chain.end, p):
            continue  # 水城县同类别学校: a kind of institution in a region, the region is the party
        if chain is not None and p - chain.end <= 6 and not _BOUNDARY_RE.search(text, chain.end, p):
            start, parts = chain.start, chain.parts
        else:
            window = _trim_left(text[lo:p])
            if window is None or len(window) < 2 or _ORG_GENERIC.match(window):
                continue
            if m.group() in _GENERIC_ORG_SUFFIX and len(window) < 3:
                continue  # 参与学校, 特色学校: a common noun, not a name
            start, parts = p - len(window), ()
        name = text[start:q]
        out.append(Mention(start, q, name, "org", name, parts=parts))
        last_end = q
    return out


_START = attrgetter("start")


def find_mentions(text: str) -> list[Mention]:
    """All party mentions in the compact view, sides resolved (see the module docstring)."""
    non_cjk = _non_cjk_mask(text)
    regions = _regions(text, non_cjk)
    r_names = {p_ for r in regions for p_ in r.parts}
    orgs = _orgs(text, regions, non_cjk)
    mentions: list[Mention] = list(orgs)
    covered = bytearray(len(text) + 1)  # 1 where a mention already stands

    def cover(s: int, e: int) -> None:
        covered[s:e] = b"\x01" * (e - s)

    def free(s: int, e: int) -> bool:
        return covered.find(1, s, e) < 0  # bytearray.find: no Python loop over the span

    for o in orgs:
        cover(o.start, o.end)
    # groups first: 西部10个省区市 is one party, not a region "个省区市" after a count
    groups = [m for m in scan.finditer(_GROUP_RE, text, _GROUP_STARTS) if free(m.start(), m.end())]
    for m in groups:
        mentions.append(Mention(m.start(), m.end(), m.group(), "group", m.group(),
                                side="east" if m.group().startswith("东") else "west"))
        cover(m.start(), m.end())
    mentions += [r for r in regions if covered.find(1, r.start, r.end) < 0]
    for r in regions:
        cover(r.start, r.end)
    # short names: stems of county-level names and provinces, written alone
    stems = {_stem(p_) for p_ in r_names if _level(p_) <= 3}  # r_names: the parts, each once
    stems = {s for s in stems if len(s) >= 2 and s not in r_names}
    stems |= set(lx.PROVINCES)
    stems |= {p_ for p_ in r_names if len(p_) == 2}  # 岷县 written alone elsewhere
    stems = {s for s in stems if s in text}
    # str.find per stem: the stems differ per document, and compiling a pattern for each costs more
    for s in sorted(stems, key=len, reverse=True):
        n = len(s)
        i = text.find(s)
        while i >= 0:
            if covered.find(1, i, i + n) < 0:
                mentions.append(Mention(i, i + n, s, "short", _stem(s) if n > 2 else s, parts=(s,)))
                covered[i:i + n] = b"\x01" * n
            i = text.find(s, i + n)
    mentions.sort(key=_START)
    _resolve_sides(text, mentions)
    return mentions


def _resolve_sides(text: str, mentions: list[Mention]) -> None:
    """`mentions` sorted by start (as find_mentions leaves them)."""
    side: dict[str, str] = {}
    # 1. gazetteer: a name that is or starts with a known prefecture/province (a name met again
    #    sets nothing new: setdefault with the same values)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for mt in mentions:
        if (mt.name, mt.parts) in seen:
            continue
        seen.add((mt.name, mt.parts))
        for part in (mt.name, *mt.parts):
            s = _gazetteer_side(part)
            if s:
                side.setdefault(_stem(part), s)
    # 2. chains: a component takes the side of the chain's known component (广州市南沙区 → 南沙 east)
    for mt in mentions:
        for p_ in mt.parts:
            known = side.get(_stem(p_))
            if known:
                for q_ in mt.parts:
                    side.setdefault(_stem(q_), known)
                break
    # 3. roles the text gives each name, counted over the document
    votes: dict[str, Counter[str]] = {}
    for mt in mentions:
        if mt.key in side or mt.side:
            continue  # already known: the gazetteer and chains outrank roles
        before = text[max(0, mt.start - 20):mt.start]
        after = text[mt.end:mt.end + 24]
        tail = before[:-1] if before[-1:] == "\n" else before  # $ also matches before a final newline
        cued = tail.endswith(_ROLE_WORDS)
        for words, rb, ra, s in _ROLE:
            if words is not None:  # rb is (?:w1|w2…)$
                hit = cued and tail.endswith(words)
            else:
                hit = rb is None or rb.search(before) is not None
            if hit and (ra is None or ra.search(after)):
                votes.setdefault(mt.key, Counter())[s] += 1
                break
    for key, c in votes.items():
        if key not in side and c:
            (top, n), *rest = c.most_common()
            if not rest or rest[0][1] < n:
                side[key] = top
    # 4. partners: in 甲与乙 / 甲、乙两地 an unknown name is on the other side of a known one
    for a, b in zip(mentions, mentions[1:], strict=False):
        if text[a.end:b.start] in ("与", "和", "同", "、", "·"):
            sa, sb = side.get(a.key), side.get(b.key)
            if sa and not sb:
                side[b.key] = "west" if sa == "east" else "east"
            elif sb and not sa:
                side[a.key] = "west" if sb == "east" else "east"
    # 5. a report names one pair: when every county-level name whose side is known is on one side,
    #    the county-level names still unknown are on the other (金坛区 … 与汉阴县携手, 向汉阴县拨付)
    major = {m.key for m in mentions if m.kind in ("region", "short") and _level(m.parts[-1] if m.parts else m.name) <= 3}
    known_sides = {side[k] for k in major if k in side}
    if len(known_sides) == 1:
        other = "west" if known_sides == {"east"} else "east"
        for k in major:
            side.setdefault(k, other)
    # 6. apply, then let unresolved names inherit from a longer name they end (野钟乡 ← 水城县野钟乡)
    for mt in mentions:
        if mt.side:
            continue
        mt.side = side.get(mt.key) or side.get(_stem(mt.name))
        if not mt.side and mt.parts:
            for p_ in mt.parts:
                if side.get(_stem(p_)):
                    mt.side = side[_stem(p_)]
                    break
        if not mt.side and mt.kind == "org":
            mt.side = _gazetteer_side(mt.name)
    unresolved = [mt for mt in mentions if not mt.side]
    if not unresolved:
        return
    tails: dict[str, str] = {}  # every proper ending of a known name -> its side (first name wins)
    done: set[tuple[str, str]] = set()
    for m in mentions:
        if m.side and (m.name, m.side) not in done:
            done.add((m.name, m.side))
            for k in range(1, len(m.name) - 1):
                tails.setdefault(m.name[k:], m.side)
    for mt in unresolved:
        mt.side = tails.get(mt.name)


def is_modifier(text: str, mt: Mention) -> bool:
    """紫云实际, 广州教学特色: the name qualifies a noun and is not itself a party."""
    return text.startswith(_MODIFIER, mt.end)
