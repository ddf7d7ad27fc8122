"""Time expressions and the publication date.

A figure's period is the last time expression before it in its sentence, resolved against the
publication year: 今年 → 2023, 去年 → 2022, 2021年以来 → 2021-2023, 2018年至2020年 → 2018-2020,
一年来 → 2023, 两年来 → 2022-2023, 十四五期间 → 2021-2025, 新阶段以来 → 2021-2023. 全年/年内 is the year the report is about: the last year the
document named before it (a 2024 summary published in January 2025), else the publication year. With no publication date, relative expressions resolve to None.
Durations (5年间, 1年时间) are not years: a year is four digits followed by 年.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from . import scan
from .lexicon import DATE_LINE_RE

_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9, "十": 10}
_YEAR = r"(?:19|20)\d\d"

TIME_RE = re.compile(
    rf"(?P<r1>{_YEAR})年?(?:至|到|-|—|~|－)(?P<r2>{_YEAR})年"
    rf"|(?:自|从)(?P<s1>{_YEAR})年.{{0,40}}?(?:以来|至今)"
    rf"|(?P<s2>{_YEAR})年(?:[^,;。:\n\d]{{0,16}}?以来|来|起|至今)"
    r"|(?:近|过去)?(?P<n>[一二两三四五六七八九十\d])(?:年来|年以来)"
    r"|近(?P<n2>[二两三四五六七八九十\d])年"
    rf"|(?P<y>{_YEAR})年"
    r"|(?P<cy>[〇零一二三四五六七八九]{4})年"
    r"|(?P<plan>十[二三四五])五[\"”」』]?(?:规划|时期|期间|以来)"
    r"|(?P<stage>(?:进入)?新(?:阶段|一轮)[^,;。\n]{0,12}?以来)"
    r"|(?P<this>今年|本年度|本年|当年)"
    r"|(?P<whole>全年|年内)"
    r"|(?P<last>去年|上年度|上一年|上年)"
    r"|(?P<before>前年)"
)
# TIME_RE's alternatives start with named groups, so the engine would run all eleven at every
# character; scan.finditer runs them only where a match can start (a year digit, 今, 去, 近 …)
_TIME_STARTS = scan.starts(TIME_RE)
_DATE_LINE = re.compile(DATE_LINE_RE)
_ANY_DATE = re.compile(rf"(?P<y>{_YEAR})\s*[-/.年]\s*(?P<m>\d{{1,2}})\s*[-/.月]\s*(?P<d>\d{{1,2}})")


@dataclass(frozen=True, slots=True)
class TimeExpr:
    start: int
    end: int
    period: str | None
    whole_year: bool = False  # 全年/年内: resolved by the extractor to the year the report is about


def _small(s: str) -> int:
    return int(s) if s.isdigit() else _CN_DIGIT.get(s, 0)


def _span(a: int, b: int) -> str:
    return str(a) if a == b else f"{a}-{b}"


def find_times(text: str, ref_year: int | None) -> list[TimeExpr]:
    """Every time expression in `text` with its period resolved against `ref_year`."""
    out = []
    whole = False
    for m in scan.finditer(TIME_RE, text, _TIME_STARTS):
        g = m.groupdict()
        period: str | None = None
        if g["r1"]:
            period = _span(int(g["r1"]), int(g["r2"]))
        elif g["s1"] or g["s2"]:
            start = int(g["s1"] or g["s2"])
            period = _span(start, ref_year) if ref_year and ref_year >= start else None
        elif g["n"] or g["n2"]:
            n = _small(g["n"] or g["n2"])
            period = _span(ref_year - n + 1, ref_year) if ref_year and n else None
        elif g["y"]:
            period = g["y"]
        elif g["cy"]:
            digits = [_CN_DIGIT.get(c) for c in g["cy"]]
            if all(d is not None and d < 10 for d in digits):
                year = int("".join(str(d) for d in digits))
                period = str(year) if 1900 <= year <= 2099 else None
        elif g["plan"]:  # 十四五 → 2021-2025: the five-year plans are fixed spans
            first = 2011 + 5 * "二三四五".index(g["plan"][1])
            period = _span(first, first + 4)
        elif g["stage"]:  # the programme's new stage began in 2021 (东西部协作 after 脱贫攻坚)
            period = _span(2021, ref_year) if ref_year and ref_year >= 2021 else None
        elif g["this"]:
            period = str(ref_year) if ref_year else None
        elif g["whole"]:  # 全年: the year being reported on, named as a year earlier (set by the caller)
            period = str(ref_year) if ref_year else None
            whole = True
        elif g["last"]:
            period = str(ref_year - 1) if ref_year else None
        elif g["before"]:
            period = str(ref_year - 2) if ref_year else None
        out.append(TimeExpr(m.start(), m.end(), period, whole))
        whole = False
    return out


def find_published(text: str) -> dt.date | None:
    """The publication date from a 发布时间/时间/日期 line near the top, else the first full date."""
    head = text[:4000]
    for rx in (_DATE_LINE, _ANY_DATE):
        for m in rx.finditer(head):
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue
        if rx is _DATE_LINE:
            head = head[:1500]
    return None
