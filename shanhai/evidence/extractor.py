"""Facts from cleaned text: quantities, their metric, parties, period, baseline and evidence.

For every quantity (numbers.py) in the space-free simplified view (normalize.py):

1. quantities that are a comparison figure (与上一年40人相比) or a stated rate (完成107.5%) become
   the baseline/rate of a neighbouring fact, never facts of their own; quantities inside
   parentheses (a breakdown of the figure before them) and a bare Chinese 一 (一期, 一所) are skipped;
2. a count of units followed by a pairing noun and a pairing verb (南沙区14个乡镇叠加帮扶紫云县13个乡镇)
   gives `pair.<kind>.east_units` / `.west_units`; N对 gives `pair.<kind>`;
3. otherwise the first row of `lexicon.RULES` whose unit class, item pattern, cue and veto fit
   decides the metric; the direction (e2w/w2e) of people sent comes from the subject's side or
   a 到…跟岗学习 cue; money, jobs and bare 培训N人次 are refined from their sentence;
4. parties: within the ；-segment, the nearest eastern/western name before the quantity, else the
   first after it; a segment with no names inherits the previous segment's parties;
5. period: the last time expression before the quantity in its sentence (periods.py);
6. the same metric and value stated again in a document is one fact (fields filled from both).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from . import lexicon as lx
from . import scan
from .document import Fact
from .normalize import TextView
from .numbers import Quantity, find_quantities
from .parties import Mention, find_mentions, is_modifier
from .periods import find_times

_Row = tuple[lx.Rule, re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None, str | None,
             re.Pattern[str] | None]
# A rule's item pattern is searched for each quantity, row after row, and most rows fail. Every
# match of a row holds one of a few words (scan.needs: 教师|老师|支教 …), so a row is only tried
# where the item holds one: first the rows whose words start with a character of the item are
# picked in one go (a search for those characters), then each such row's words are looked for
# (str `in` for one word, else one search for any of them), then the row's own pattern.
_NEEDS = [scan.needs(r.item) for r in lx.RULES]
_RULES: list[_Row] = [
    (r, re.compile(r.item), re.compile(r.cue) if r.cue else None, re.compile(r.veto) if r.veto else None,
     next(iter(needs)) if needs and len(needs) == 1 else None,
     scan.words_re(needs) if needs and len(needs) > 1 else None)
    for r, needs in zip(lx.RULES, _NEEDS, strict=True)
]
_RULES_BY_UNIT: dict[str, list[_Row]] = {}
# per unit class: (rows tried whatever the item holds, a search for the first characters of the
# rows' words, first character -> rows), rows as bits (row i of the unit's list is 1 << i)
_FIRSTS_BY_UNIT: dict[str, tuple[int, re.Pattern[str] | None, dict[str, int]]] = {}
for _u in sorted({u for r in lx.RULES for u in r.units}):
    _always, _firsts = 0, {}
    for _r, _needs in zip(_RULES, _NEEDS, strict=True):
        if _u in _r[0].units:
            _bit = 1 << len(_RULES_BY_UNIT.setdefault(_u, []))
            _RULES_BY_UNIT[_u].append(_r)
            if not _needs:
                _always |= _bit
            for _w in _needs or ():
                _firsts[_w[0]] = _firsts.get(_w[0], 0) | _bit
    _FIRSTS_BY_UNIT[_u] = (_always, re.compile(f"[{re.escape(''.join(_firsts))}]") if _firsts else None, _firsts)
_PAREN = re.compile(r"\([^()\n]{0,120}\)|\[[^\[\]\n]{0,120}\]")
_BASELINE = re.compile(lx.BASELINE_RE)
_BASELINE_STARTS = scan.starts(_BASELINE)  # its alternatives start with groups: see scan.finditer
_RATE = re.compile(lx.RATE_RE)
_W2E = re.compile(lx.W2E_CUE)
_E2W = re.compile(r"(?:到|赴).{0,14}?(?:开展|进行|参与)?(?:帮扶|支教|支医|援建|挂职(?!学习|锻炼)|工作|组团)"
                  r"|^.{0,3}援(?:川|滇|黔|桂|疆|藏|青|宁|甘|蒙|渝|陕)")
_PAIR_NOUN = re.compile(lx.PAIR_ADJ + "(?:" + "|".join(f"(?P<{k}>{rx})" for k, rx in lx.PAIR_KINDS) + ")")
_PAIR_VERB = re.compile(lx.PAIR_VERB)
_FUND_EXPLICIT = [(m, re.compile(rx)) for m, rx in lx.FUND_EXPLICIT]
_SECTOR = [(m, re.compile(rx)) for m, rx in lx.SECTOR_CONTEXT]
_JOBS = [(m, re.compile(rx)) for m, rx in lx.JOBS_CONTEXT]
_LABOR_WORDS = re.compile(lx.LABOR + "|就业")
_TRAIN_KIND = re.compile(r"^train\.(\w+)\.")
_NOT_A_FACT = re.compile(lx.NOT_A_FACT_BEFORE)
_NOT_A_FACT_ITEM = re.compile(lx.NOT_A_FACT_ITEM)
_AVERAGE = re.compile(lx.AVERAGE_ITEM)
_NOT_MONEY = re.compile(lx.NOT_MONEY_BEFORE)
_DONE = re.compile(r"实现|完成|到位|实际|拨付")
_TITLE = re.compile(r"《[^》]{0,60}》")
_CITATION = re.compile(r"\[\d{1,2}\]")
_DATELINE = re.compile(r"\d{1,2}月\d{1,2}日")
# a year-by-year series: an item that starts with its own year (到2018年的9152万元)
_SERIES_ITEM = re.compile(r"(?:再?(?:扩大|增加|提高|增长)?(?:到|至)|和|及)?(?:19|20)\d\d年(?:度)?的?")
# a name right after one of these is the object of the help, not the subject who sends people
_OBJECT_BEFORE = ("帮扶", "支援", "援助", "结对", "对口", "携手", "协作", "与", "和")
_MONEY_NOUN = re.compile(r"资金|投入|援助|拨付|安排|价值|捐|资助|款|物资|折合|人民币|经费")
_TRAINEES = [("talent", re.compile(f"{lx.TALENT}|{lx.TEACHER}|{lx.MEDICAL}|教研")),
             ("labor", re.compile(f"{lx.LABOR}|劳务|技能|务工"))]


class _Bounds:
    """Start/end of the sentence, segment, clause or item around a position."""

    def __init__(self, cuts: list[int], n: int) -> None:
        self.cuts = cuts
        self.n = n
        # the span between cut i-1 and cut i, for each i (the text's ends as outer cuts)
        self._spans = list(zip([0] + [c + 1 for c in cuts], [*cuts, n], strict=True))

    def around(self, pos: int) -> tuple[int, int]:
        return self._spans[bisect.bisect_left(self.cuts, pos)]


def _positions(text: str, ch: str) -> list[int]:
    """Every index of `ch` in `text`: str.find scans at C speed and makes no match objects (a regex
    match costs about as much as scanning a few hundred characters)."""
    out = []
    i = text.find(ch)
    while i >= 0:
        out.append(i)
        i = text.find(ch, i + 1)
    return out


def _bounds(text: str, extra: list[int] | None = None) -> tuple[_Bounds, _Bounds, _Bounds, _Bounds]:
    r"""Sentences (。!?\n), segments (+;), clauses (+,:) and items (+、), i.e. the matches of
    [。!?\n;:、]|,(?!\d{3})|(?<!\d), of each level and above: a comma inside a number (1,526: a
    digit before, three after) is not a delimiter."""
    n = len(text)
    # (+ `extra`: the last character of a citation marker [1] in a bulleted summary)
    sents = sorted(_positions(text, "。") + _positions(text, "!") + _positions(text, "?") + _positions(text, "\n")
                   + (extra or []))
    segs = sorted(sents + _positions(text, ";"))
    commas = [p for p in _positions(text, ",")
              if not (p and text[p - 1].isdecimal() and len(text[p + 1:p + 4]) == 3 and text[p + 1:p + 4].isdecimal())]
    clauses = sorted(segs + _positions(text, ":") + commas)
    items = sorted(clauses + _positions(text, "、"))
    return _Bounds(sents, n), _Bounds(segs, n), _Bounds(clauses, n), _Bounds(items, n)


@dataclass(slots=True)
class _Cand:
    q: Quantity
    metric: str
    ev: tuple[int, int]  # compact span
    item: tuple[int, int]
    sent: tuple[int, int]
    seg: tuple[int, int]
    fact: Fact | None = None


def extract(view: TextView, *, doc_id: str, published: dt.date | None, dedup: bool = True) -> list[Fact]:
    text = _mask(view.compact)
    ref_year = published.year if published else None
    quantities = find_quantities(text)
    masked = _mask_quantities(text, quantities)
    sents, segs, clauses, items = _bounds(text, [m.end() - 1 for m in _CITATION.finditer(view.compact)]
                                          if "[" in view.compact else [])

    baselines = list(scan.finditer(_BASELINE, text, _BASELINE_STARTS))
    rates = list(_RATE.finditer(text)) if "%" in text else []  # a rate is N%
    consumed = [(m.start(), m.end()) for m in baselines] + [(m.start(), m.end()) for m in rates]
    # (start, end, period) of the time expressions of a sentence, found only where a fact is
    sent_times: dict[tuple[int, int], list[tuple[int, int, str | None]]] = {}
    mentions = [m for m in find_mentions(text) if not is_modifier(text, m)]
    mention_starts = [m.start for m in mentions]

    para_periods: dict[int, str | None] = {}  # paragraph start -> the period its first time expression gives
    cands: list[_Cand] = []
    pair_side: dict[tuple[int, int], list[tuple[str, str, int]]] = {}  # clause -> [(side, kind, end)]
    for q in quantities:
        if q.unit_class in ("percent", "batch", "sqm") or (consumed and _inside(q.start, q.end, consumed)):
            continue
        if q.chinese and q.value == 1:
            continue
        item = items.around(q.start)
        seg = segs.around(q.start)
        clause = clauses.around(q.start)
        found = (q.unit in _PAIR_UNITS and _pair(text, q, clause, mentions, mention_starts, pair_side)) or _rule(
            text, masked, q, item, seg) or _series(text, q, item, cands)
        if not found:
            continue
        metric, ev = found
        before = text[seg[0]:q.start]
        if "《" in before:
            before = _TITLE.sub("", before)  # 《…项目计划》 names a document, it does not make a plan of the figure
        if metric == "mixed" or _NOT_A_FACT.search(before) or _AVERAGE.search(text, item[0], q.start):
            continue
        if q.unit_class == "yuan":
            # intended or signed: said in the figure's clause, or earlier in its segment unless the
            # clause says the money was actually spent (实现/完成/到位/实际)
            in_clause = text[clause[0]:q.start]
            if _NOT_MONEY.search(in_clause) or (_NOT_MONEY.search(before) and not _DONE.search(in_clause)):
                continue
        elif _NOT_A_FACT_ITEM.search(text, item[0], q.start):
            continue
        cands.append(_Cand(q, metric, ev, item, sents.around(q.start), seg))

    facts: list[Fact] = []
    prev_seg_parties: dict[tuple[int, int], tuple[Mention | None, Mention | None]] = {}
    by_sent: dict[tuple[int, int], list[_Cand]] = {}  # earlier candidates of each sentence
    for c in cands:
        same_sent = by_sent.setdefault(c.sent, [])
        # only {dir} and @ metrics depend on the sentence (see _refine)
        metric = _refine(text, c, same_sent, mentions, mention_starts) if "@" in c.metric or "{dir}" in c.metric \
            else c.metric
        same_sent.append(c)
        if metric is None:
            continue
        if metric == "labor.employed.poor" and len(same_sent) > 1 and same_sent[-2].seg == c.seg \
                and same_sent[-2].metric in ("industry.jobs", "workshop.jobs"):
            continue  # 吸纳就业620人，其中脱贫劳动力240人: part of jobs the catalogue does not split
        c.metric = metric
        em, wm = _parties(text, c, mentions, mention_starts, prev_seg_parties, segs)
        why = {"east": "clause" if em else "", "west": "clause" if wm else ""}
        if em is None:
            em, why["east"] = _context_party(text, c, "east", mentions, mention_starts)
        if wm is None:
            wm, why["west"] = _context_party(text, c, "west", mentions, mention_starts)
        east = view.original(em.start, em.end) if em else None
        west = view.original(wm.start, wm.end) if wm else None
        if c.sent not in sent_times:
            s0 = c.sent[0]
            sent_times[c.sent] = [
                (t.start + s0, t.end + s0, _year_before(text, s0 + t.start, ref_year) if t.whole_year else t.period)
                for t in find_times(text[s0:c.sent[1]], ref_year)
                if not (consumed and _inside(t.start + s0, t.end + s0, consumed))
            ]
        period = _period(c, sent_times[c.sent])
        why["period"] = "sentence" if period else ""
        s, e = view.span(*c.ev)
        c.fact = Fact(doc=doc_id, metric=metric, value=c.q.value, qualifier=c.q.qualifier, period=period,
                      east=east, west=west, evidence=view.cleaned[s:e], start=s, end=e, unit=c.q.unit,
                      why={k: v for k, v in why.items() if v})
        facts.append(c.fact)
    _attach_baselines(text, cands, baselines, rates, sents, segs)
    out = _dedup(facts) if dedup else facts
    # a figure whose sentence (and restatements) name no time takes its paragraph's or the lead's
    kept = {id(f) for f in out if f.period is None and not f.metric.startswith("pair.")}
    for c in cands:
        if c.fact is not None and id(c.fact) in kept:
            c.fact.period, source = _context_period(text, c.sent[0], ref_year, para_periods)
            if c.fact.period:
                c.fact.why["period"] = source
            kept.discard(id(c.fact))
    return out


def _series(text: str, q: Quantity, item: tuple[int, int], cands: list[_Cand]) -> tuple[str, tuple[int, int]] | None:
    """A year-by-year series (从2017年的2000万元、6个项目，到2018年的9152万元、23个项目…): an item that
    starts with its own year continues the series of the last candidate of the same unit class in
    the sentence whose item also started with a year."""
    if not _SERIES_ITEM.match(text, item[0], q.start) or _SERIES_ITEM.match(text, item[0], q.start).end() < q.start - 2:  # type: ignore[union-attr]
        return None
    for c in reversed(cands[-12:]):
        if c.q.unit_class == q.unit_class and c.q.end < q.start and q.start - c.q.end < 120:
            if re.search(r"(?:19|20)\d\d年", text[c.item[0]:c.q.start]):
                return c.metric, (item[0], q.end)
            return None
    return None


def _mask(text: str) -> str:
    """Hide parenthesised spans (breakdowns, asides) behind □ of the same length."""
    return _PAREN.sub(lambda m: "□" * len(m.group()), text) if "(" in text or "[" in text else text


def _inside(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= s and e <= b for a, b in spans)


_PAIR_UNITS = frozenset({"对", "个", "所", "家"})
_VILLAGE_KINDS = frozenset({"village", "enterprise_village", "social_village"})  # the units _pair reads; others it returns None for


def _pair(text: str, q: Quantity, clause: tuple[int, int], mentions: list[Mention], mention_starts: list[int],
          pair_side: dict[tuple[int, int], list[tuple[str, str, int]]]) -> tuple[str, tuple[int, int]] | None:
    if q.unit == "对":
        # the kind named nearest before N对 (乡镇42对、村156对), else anywhere in the clause
        before_q = text[clause[0]:q.start]
        best: tuple[int, str] | None = None
        for kind, rx in lx.PAIR_KINDS:
            if kind == "county":
                continue
            for m in re.finditer(rx, before_q):
                if best is None or m.end() > best[0]:
                    best = (m.end(), kind)
        if best is None:
            ctx = text[clause[0]:clause[1]]
            best = next(((0, k) for k, rx in lx.PAIR_KINDS if k != "county" and re.search(rx, ctx)), None)
        return (f"pair.{best[1]}", clause) if best else None
    if q.unit not in ("个", "所", "家"):
        return None
    m = _PAIR_NOUN.match(text, q.end, clause[1])
    if not m:
        return None
    m2 = _PAIR_NOUN.match(text, m.end() + 1, clause[1]) if text.startswith(("、", "和", "及"), m.end()) else None
    if m2 and m2.lastgroup != m.lastgroup:
        return None  # 29个镇街、村（社区）和企业: several kinds counted together, no single indicator
    after = _PAIR_VERB.search(text, m.end(), clause[1])
    before = _PAIR_VERB.search(text, clause[0], q.start)
    if not after and not before:
        return None
    kind = m.lastgroup or ""
    sides = pair_side.setdefault(clause, [])
    # 甲N个X、M个Y与乙…: an item joined to the last count by 、/和/及 only is another count of the same side
    listed = bool(sides) and re.fullmatch(r"[、和及]", text[sides[-1][2]:q.start] or "-") is not None
    if not listed and text[q.start - 1:q.start] in ("在", "到", "向", "对", "和"):
        return None  # 在3个乡镇开展…: a place, not a side of the pairing
    party = _mention_ending_at(q.start, mentions, mention_starts)
    if listed and party is None:
        side = sides[-1][0]
    elif any(s == "east" for s, _, _ in sides):
        side = "west"  # the second side of 甲N个X与乙M个Y结对
    elif party is not None and party.side:
        side = party.side
    elif before and not after:
        side = "west"
    else:
        side = "east"
    end = m.end()
    if side == "west" and not listed:
        east_kinds = list(dict.fromkeys(k for s, k, _ in sides if s == "east"))
        if len(east_kinds) > 1:
            # several kinds on the east side: the west count is one kind's only if one east kind
            # targets its units (villages are the units of village, enterprise and social pairs)
            targets = _VILLAGE_KINDS if kind == "village" else {kind}
            fits = [k for k in east_kinds if k in targets]
            if len(fits) != 1:
                sides.append((side, kind, end))
                return None
            kind = fits[0]
        else:
            kind = next((k for s, k, _ in reversed(sides) if s == "east"), kind)
    elif side == "west" and listed:
        east_kinds = [k for s, k, _ in sides if s == "east"]
        if len(set(east_kinds)) > 1:
            targets = _VILLAGE_KINDS if kind == "village" else {kind}
            fits = [k for k in dict.fromkeys(east_kinds) if k in targets]
            if len(fits) != 1:
                sides.append((side, kind, end))
                return None
            kind = fits[0]
    sides.append((side, kind, end))
    return f"pair.{kind}.{side}_units", clause


def _mention_ending_at(pos: int, mentions: list[Mention], starts: list[int]) -> Mention | None:
    i = bisect.bisect_left(starts, pos) - 1
    while i >= 0 and mentions[i].end > pos:
        i -= 1
    if i >= 0 and pos - mentions[i].end <= 1:
        return mentions[i]
    return None


def _mask_quantities(text: str, quantities: list[Quantity]) -> str:
    """`text` with every quantity (but a batch count) as §§§: the same length, so offsets hold."""
    parts: list[str] = []
    pos = 0
    for o in quantities:
        if o.unit_class != "batch":
            parts += [text[pos:o.start], "§" * (o.end - o.start)]
            pos = o.end
    parts.append(text[pos:])
    return "".join(parts)


def _rule(text: str, masked: str, q: Quantity, item: tuple[int, int], seg: tuple[int, int]
          ) -> tuple[str, tuple[int, int]] | None:
    rows = _RULES_BY_UNIT.get(q.unit_class)
    if rows is None:
        return None
    if q.unit == "脱贫劳动力" and re.search(r"就业|务工|其中", text[seg[0]:item[1]]):
        return "labor.employed.poor", (q.start, item[1])
    # the item with this quantity as ### and any other as §§§
    i0, i1 = item
    e = q.end if q.end < i1 else i1
    s = masked[i0:q.start] + "#" * (e - q.start) + masked[e:i1]
    always, first_chars, firsts = _FIRSTS_BY_UNIT[q.unit_class]
    bits = always
    if first_chars is not None:
        for ch in first_chars.findall(s):
            bits |= firsts[ch]
    if not bits:
        return None
    context = text[seg[0]:i1]
    while bits:  # the picked rows, in order
        low = bits & -bits
        bits ^= low
        rule, rx, cue, veto, word, words = rows[low.bit_length() - 1]
        # none of the words every match of this row holds: the row cannot match
        if (word is not None and word not in s) or (words is not None and not words.search(s)):
            continue
        m = rx.search(s)
        if not m or (veto and veto.search(s)) or (cue and not cue.search(context)):
            continue
        return rule.metric, (i0 + m.start(), i0 + m.end())
    return None


def _refine(text: str, c: _Cand, same_sent: list[_Cand], mentions: list[Mention], mention_starts: list[int]
            ) -> str | None:
    """Fill the parts of a metric that depend on the sentence: {dir}, train.@, jobs.@, funds.@.
    `same_sent`: the candidates before this one in its sentence."""
    metric = c.metric
    if "{dir}" in metric:
        direction = _direction(text, c, same_sent, mentions, mention_starts)
        if direction == "w2e" and metric.startswith("talent."):
            return "talent.w2e"  # the catalogue splits teachers/medical staff only for those sent west
        return metric.replace("{dir}", direction)
    if metric == "train.@.people":
        for b in reversed(same_sent):
            m = _TRAIN_KIND.match(b.metric)
            if m:
                return f"train.{m.group(1)}.people"
        return None
    if metric == "jobs.@":
        item = text[c.ev[0]:c.ev[1]]
        for b in reversed([b for b in same_sent if b.seg == c.seg] or same_sent):
            for fam in ("workshop", "industry"):
                if b.metric.startswith(fam + "."):
                    return f"{fam}.jobs"
        if re.search(lx.JOBS_NEW, text[c.seg[0]:c.q.start][-12:] + item):
            return "labor.employed.new"
        if same_sent and "其中" in text[same_sent[-1].q.end:c.q.start] and same_sent[-1].metric.startswith("labor."):
            return None  # 其中到天津就业2260人: a breakdown the catalogue has no indicator for
        seg_text = text[c.seg[0]:c.seg[1]]
        for m, rx in _JOBS:
            if rx.search(seg_text):
                return m
        return "labor.employed" if _LABOR_WORDS.search(item) else None
    if metric == "train.@.sessions":
        rest = text[c.item[0]:c.sent[1]]
        hits = [(m.start(), kind) for kind, rx in _TRAINEES for m in [rx.search(rest)] if m]
        return f"train.{min(hits)[1]}.sessions" if hits else "train.labor.sessions"
    if metric == "funds.@":
        item = text[c.item[0]:c.item[1]]
        if not _MONEY_NOUN.search(item):
            # 三年来累计近百亿元: a running total of the money figure just named in the sentence
            prev = [b for b in same_sent if b.q.unit_class == "yuan"]
            if prev:
                return prev[-1].metric
        ctx = text[c.seg[0]:c.q.start]
        for src in (item, ctx):
            for m, rx in _FUND_EXPLICIT:
                if rx.search(src):
                    return m
        sent = text[c.sent[0]:c.sent[1]]
        for m, rx in _SECTOR:
            if rx.search(sent):
                return m
        return "funds.fiscal"
    return metric


def _direction(text: str, c: _Cand, before: list[_Cand], mentions: list[Mention], mention_starts: list[int]) -> str:
    """w2e when the clause says where they go to learn (到X跟岗学习), e2w when it says they go to
    help (到X开展帮扶); 其中… takes the direction of the figure it breaks down; otherwise the side
    of the subject before the quantity (not a destination 到X); else e2w."""
    prev = [b for b in before if b.seg == c.seg and b.metric.startswith(("talent.", "cadre."))]
    if prev and "其中" in text[prev[-1].q.end:c.q.start]:
        return "w2e" if "w2e" in prev[-1].metric else "e2w"
    clause_end = min((p for p in (text.find(ch, c.q.end, c.seg[1]) for ch in ",。;") if p >= 0), default=c.seg[1])
    if _W2E.search(text, c.q.end, clause_end):
        return "w2e"
    if _E2W.search(text, c.q.end, clause_end):
        return "e2w"
    i = bisect.bisect_left(mention_starts, c.q.start) - 1
    while i >= 0 and mentions[i].start >= c.seg[0]:
        before_name = text[max(0, mentions[i].start - 2):mentions[i].start]
        is_destination = before_name.endswith(("到", "赴", "向", "往")) or before_name.endswith(_OBJECT_BEFORE)
        if mentions[i].end <= c.q.start and mentions[i].side and not is_destination:
            return "w2e" if mentions[i].side == "west" else "e2w"
        i -= 1
    return "w2e" if _W2E.search(text, c.q.start, c.seg[1]) else "e2w"


def _parties(text: str, c: _Cand, mentions: list[Mention], starts: list[int],
             memo: dict[tuple[int, int], tuple[Mention | None, Mention | None]], segs: _Bounds
             ) -> tuple[Mention | None, Mention | None]:
    lo = bisect.bisect_left(starts, c.seg[0])
    hi = bisect.bisect_left(starts, c.seg[1])
    in_seg = mentions[lo:hi]
    if not in_seg:
        # no name in this segment: the subject carries over from the previous one in the sentence
        prev = c.seg[0] - 1
        if prev > c.sent[0]:
            pseg = segs.around(prev)
            if pseg in memo:
                return memo[pseg]
            lo2, hi2 = bisect.bisect_left(starts, pseg[0]), bisect.bisect_left(starts, pseg[1])
            if mentions[lo2:hi2]:
                result = _pick(mentions[lo2:hi2], pseg[1], text)
                memo[pseg] = result
                return result
        return None, None
    result = _pick(in_seg, c.q.start, text)
    if c.seg not in memo:
        memo[c.seg] = _pick(in_seg, c.seg[1], text)
    return result


def _context_party(text: str, c: _Cand, side: str, mentions: list[Mention], starts: list[int]
                   ) -> tuple[Mention | None, str]:
    """A side its segment leaves open: the nearest name of that side earlier in the paragraph (a
    party named at its head scopes the figures after it), else the first in the article's lead."""
    para = text.rfind("\n", 0, c.sent[0]) + 1
    i = bisect.bisect_left(starts, c.seg[0]) - 1
    while i >= 0 and mentions[i].start >= para:
        if mentions[i].side == side:
            return mentions[i], "paragraph"
        i -= 1
    for m in mentions:
        if m.start >= min(400, c.seg[0]):
            break
        if m.side == side and not _DATELINE.match(text, m.end):
            return m, "lead"  # (not the place of a dateline: 人民网贺州10月31日电)
    return None, ""


def _pick(in_seg: list[Mention], pos: int, text: str) -> tuple[Mention | None, Mention | None]:
    before: dict[str | None, Mention] = {}  # the nearest name before pos, per side
    after: dict[str | None, Mention] = {}  # the first name after pos, per side
    for m in in_seg:
        if m.end <= pos:
            before[m.side] = m
        elif m.start >= pos and m.side not in after:
            after[m.side] = m
    return before.get("east") or after.get("east"), before.get("west") or after.get("west")


# (?<![较与比和同])((?:19|20)\d\d)年…, the lookbehind moved after the digits (same test) so that the
# pattern starts with a literal and the engine skips to 1s and 2s
_YEAR_WORD = re.compile(r"((?:19|20)\d\d)(?<![较与比和同]\d{4})年(?!以来|来|起|至|到|-|的)")


def _year_before(text: str, pos: int, ref_year: int | None) -> str | None:
    """The last single year named before `pos` (not later than the publication year)."""
    years = [int(m.group(1)) for m in _YEAR_WORD.finditer(text, max(0, pos - 3000), pos)]
    years = [y for y in years if ref_year is None or y <= ref_year]
    if years:
        return str(years[-1])
    return str(ref_year) if ref_year else None


def _context_period(text: str, sent_start: int, ref_year: int | None, memo: dict[int, str | None]
                    ) -> tuple[str | None, str]:
    """A sentence naming no time takes the period set by its paragraph's first sentence (its first
    time expression), else the article's lead's (the first time expression of the
    text's first 400 characters): 2023年，…。截至11月底，东部…投入…亿元 → 2023."""
    para = text.rfind("\n", 0, sent_start) + 1
    if para < sent_start:
        if para not in memo:
            first = min((p for p in (text.find(ch, para, sent_start) for ch in "。!?") if p >= 0), default=sent_start)
            times = [t for t in find_times(text[para:first], ref_year) if t.period and not t.whole_year]
            memo[para] = times[0].period if times else None
        if memo[para]:
            return memo[para], "paragraph"
    if -1 not in memo:
        # history in the lead (1996年，中央确定…) sets no period for this year's figures
        lead = [t for t in find_times(text[:400], ref_year) if t.period and not t.whole_year
                and not (ref_year and int(t.period[-4:]) < ref_year - 5)]
        memo[-1] = lead[0].period if lead else None
    return memo[-1], "lead"


def _period(c: _Cand, times: list[tuple[int, int, str | None]]) -> str | None:
    """The last time expression (start, end, period) before the quantity in its sentence."""
    before = [t for t in times if t[1] <= c.q.start]
    return before[-1][2] if before else None


def _attach_baselines(text: str, cands: list[_Cand], baselines: list[re.Match[str]], rates: list[re.Match[str]],
                      sents: _Bounds, segs: _Bounds) -> None:
    from .numbers import parse_number

    used_rates: set[int] = set()
    for b in baselines:
        value = parse_number(b["num"] or b["num2"], b["mag"] or b["mag2"])
        if value is None:
            continue
        sent = sents.around(b.start())
        rate = next((r for r in rates if b.end() <= r.start() <= b.end() + 12 and sents.around(r.start()) == sent),
                    None)
        stated = float(rate["rate"]) if rate else None
        if rate:
            used_rates.add(rate.start())
        pool = [c for c in cands if c.fact and c.sent == sent and c.q.end <= b.start()]
        if not pool:
            continue
        target = None
        if stated is not None and value:
            fits = [c for c in pool if abs(c.q.value / value * 100 - stated) <= max(0.6, stated * 0.005)]
            target = fits[-1] if fits else None
        if target is None:
            seg = segs.around(b.start())
            in_seg = [c for c in pool if c.seg == seg]
            target = (in_seg or pool)[-1]
        f = target.fact
        assert f is not None
        f.baseline = value
        f.stated_rate = stated
        f.rate_ok = None if stated is None or not value else abs(f.value / value * 100 - stated) <= max(
            0.6, stated * 0.005)
    for r in rates:  # a rate stated without a comparison figure still belongs to the figure before it
        if r.start() in used_rates:
            continue
        sent = sents.around(r.start())
        pool = [c for c in cands if c.fact and c.sent == sent and c.q.end <= r.start() and c.fact.stated_rate is None]
        if pool and r.start() - pool[-1].q.end <= 16:
            pool[-1].fact.stated_rate = float(r["rate"])  # type: ignore[union-attr]


def _dedup(facts: list[Fact]) -> list[Fact]:
    """A figure restated in the same document is one fact; later mentions fill missing fields."""
    by_key: dict[tuple[str, float], Fact] = {}
    out: list[Fact] = []
    for f in facts:
        key = (f.metric, float(f.value))
        first = by_key.get(key)
        if first is None:
            by_key[key] = f
            out.append(f)
            continue
        for name in ("period", "baseline", "stated_rate", "rate_ok"):
            if getattr(first, name) is None and getattr(f, name) is not None:
                setattr(first, name, getattr(f, name))
    return out
