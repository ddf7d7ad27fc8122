"""Quantities: a number, an optional 余/多 and 万/亿, then a measure word.

The pattern finds the quantity span in running text; only that cut-out number is handed to
cn2an (for Chinese numerals such as 二百, 两千三百), because cn2an on running text rewrites
names (第一人民医院 → 第1人民医院). Arabic numbers are parsed here directly: it is faster and
exact (Decimal, so 3.89亿 is 389000000, not 388999999.99).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_CN_NUM = "零〇一二两三四五六七八九十百千万亿"

#: measure word -> the catalogue unit class it can express (a word may serve several)
MEASURES: dict[str, str] = {
    "人次": "person_time",
    "名": "person", "人": "person", "位": "person", "户": "household",
    "个": "unit", "所": "unit", "家": "unit", "台": "unit", "套": "unit", "件": "unit",
    "座": "unit", "项": "unit", "间": "unit",
    "期": "session", "班": "session", "场": "session",
    "次": "time",
    "对": "pair",
    "元": "yuan",
    "天": "day",
    "批次": "batch", "批": "batch",
    "平方米": "sqm",
    "%": "percent",
    # people counted with no measure word (帮助73.09万农村劳动力就业): the noun is the unit
    "农村劳动力": "person", "脱贫劳动力": "person",
}
_UNIT_ALT = "|".join(sorted((re.escape(k) for k in MEASURES), key=len, reverse=True))

# (?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[<Chinese numerals>]+(?:点[零…九]+)?, written so that it starts with
# one character class: the regex engine then jumps from digit to digit instead of trying every
# position of the text (3x faster). After the first character a lookbehind picks the branch; the
# branches and their backtracking order are those of the plain form, so the matches are the same.
# Before that, a lookahead asks for what every quantity has after its number (the number's own
# characters, 万/亿, then 余/多 or a measure word): most digits in a text are years, dates and
# ordinals, and the lookahead turns them away before the whole pattern is tried on them.
_TAIL_START = re.escape("余多" + "".join(sorted({m[0] for m in MEASURES})))
_NUM = (rf"[\d{_CN_NUM}](?=[\d,.点{_CN_NUM}]*+[{_TAIL_START}])"
        rf"(?:(?<=\d)(?:\d{{0,2}}(?:,\d{{3}})+|\d*)(?:\.\d+)?"
        rf"|(?<=[{_CN_NUM}])[{_CN_NUM}]*(?:点[零〇一二三四五六七八九]+)?)")

# the pattern starts with the number itself so the regex engine can skip ahead to digits; what
# stands before it (超过/约/近…, or a digit/第 that makes it part of something else) is checked in code
QTY_RE = re.compile(
    rf"(?P<num>{_NUM})"
    r"(?P<q1>余|多)?(?P<mag>万|亿)?(?P<q2>余|多)?"
    rf"(?P<unit>{_UNIT_ALT})"
    r"(?P<post>左右|以上|余)?"
)
_RANGE_MARKS = frozenset("至到-~—－")
_RANGE_NEXT = ("至", "-", "~", "—")

_MAG = {None: 1, "": 1, "万": 10_000, "亿": 100_000_000}
_NOT_BEFORE = frozenset("0123456789.第" + _CN_NUM)
_PRE = frozenset({"超过", "大约", "将近", "接近", "约为", "约有", "逾", "近", "约", "超"})
AT_LEAST = {"超过", "逾", "超", "余", "多", "以上"}
ABOUT = {"大约", "将近", "接近", "近", "约", "约为", "约有", "左右"}


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to build
class Quantity:
    start: int
    end: int
    value: float | int
    unit: str  # the measure word as written (名, 人次, 元 ...)
    unit_class: str  # person, unit, yuan, ... (see MEASURES)
    qualifier: str  # exact, at_least, about
    chinese: bool  # the number was written in Chinese numerals
    text: str


def _to_number(d: Decimal) -> float | int:
    return int(d) if d == d.to_integral_value() else float(d)


def parse_number(num: str, mag: str | None = None) -> float | int | None:
    """Value of a number span already cut out: '3.89', '亿' -> 389000000; '二百' -> 200."""
    num = num.strip()
    if not num:
        return None
    if num.isdigit():
        return int(num) * _MAG.get(mag, 1)
    if num[0].isdigit():
        try:
            d = Decimal(num.replace(",", ""))
        except InvalidOperation:
            return None
        return _to_number(d * _MAG.get(mag, 1))
    return parse_chinese(num + (mag or ""))


@lru_cache(maxsize=2048)
def parse_chinese(text: str) -> float | int | None:
    """Chinese numerals via cn2an (imported lazily: it costs ~0.3 s); the same few spans (一, 两,
    十五 …) recur in every document, so results are cached."""
    import cn2an

    if text[0] in "十百千万亿":  # 千 / 百人: cn2an wants the leading 一
        text = "一" + text
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return _to_number(Decimal(str(value)))


def qualifier_of(*words: str | None) -> str:
    for w in words:
        if w in AT_LEAST:
            return "at_least"
    for w in words:
        if w in ABOUT:
            return "about"
    return "exact"


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text` (a normalised, space-free view), ranges' ends excluded."""
    out: list[Quantity] = []
    last = len(text) - 1
    for m in QTY_RE.finditer(text):
        s0, e0 = m.span()
        if s0:
            before = text[s0 - 1]
            if before in _NOT_BEFORE:
                continue
            if s0 >= 2 and before in _RANGE_MARKS and (text[s0 - 2].isdigit() or text[s0 - 2] in _CN_NUM):
                continue  # second half of a range: 1至2名
        if text.startswith(_RANGE_NEXT, e0) and e0 < last and text[e0 + 1].isdigit():
            continue  # first half of a range 1名至2名
        num, q1, mag, q2, unit, post = m.groups()
        # plain digits (most numbers) without the call; parse_number does the rest
        value = int(num) * _MAG.get(mag, 1) if num.isdigit() else parse_number(num, mag)
        if value is None:
            continue
        lead = text[max(0, s0 - 2):s0]
        pre = lead if lead in _PRE else (lead[-1:] if lead[-1:] in _PRE else None)
        if pre is None and q1 is None and q2 is None and post is None:
            qualifier = "exact"
        else:
            qualifier = qualifier_of(pre, q1, q2, post)
        # a word like 五个/两个/一期 is language, not a statistic: chinese=True lets callers skip 一
        out.append(Quantity(s0, e0, value, unit, MEASURES[unit], qualifier, not num[0].isdigit(), m.group()))
    return out
