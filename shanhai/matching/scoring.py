"""How well an offer fits a need: pure functions, no database (issue 12).

The score is out of 100 and every part says why, in Chinese, so a person can check it:

| part | points | what |
|---|---|---|
| speciality | 30 | same domain (6) and the subject and level asked for (24): 数学 for 数学, 初中 for 初中 |
| pairing | 25 | the two units' own pairing 25, the same programme 12, anyone 0 |
| dates | 15 | the share of the need's window the offer covers |
| quantity | 10 | how much of the need the offer's remaining capacity covers |
| distance | 10 | 10 at the same place, falling to 0 at 2,500 km |
| cooperation | 10 | records the two sides' pairing already holds, 2 points each up to 10 |

An offer of another kind, one with no capacity left, or one not available (withdrawn, expired) is not
a candidate at all (`candidate` says why not), so it never shows in a ranking.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

WEIGHTS = {"speciality": 30.0, "pairing": 25.0, "dates": 15.0, "quantity": 10.0, "distance": 10.0, "cooperation": 10.0}
RELATION_POINTS = {"own": 1.0, "programme": 12.0 / 25.0, "none": 0.0}
FAR_KM = 2500.0


@dataclass(frozen=True)
class Listing:
    """A need or an offer as scoring sees it."""

    kind: str
    domain: str
    subject: str = ""
    level: str = ""
    quantity: int = 1
    start: datetime.date | None = None
    end: datetime.date | None = None
    lat: float | None = None
    lng: float | None = None
    expires_on: datetime.date | None = None
    open: bool = True


@dataclass(frozen=True)
class Context:
    """What lies between one need and one offer: read from the records by `matching.context`."""

    relation: str = "none"  # own | programme | none
    pairing_label: str = ""
    cooperation: int = 0  # records on the pairing between the two sides
    remaining: int | None = None  # the offer's capacity not yet promised (None: its whole quantity)


@dataclass(frozen=True)
class Score:
    total: float
    reasons: list[str] = field(default_factory=list)
    parts: dict[str, float] = field(default_factory=dict)


def normalise(text: str) -> str:
    return "".join(text.split()).lower()


def available(listing: Listing, today: datetime.date) -> bool:
    return listing.open and (listing.expires_on is None or listing.expires_on >= today)


def candidate(need: Listing, offer: Listing, ctx: Context, today: datetime.date) -> str | None:
    """Why this offer cannot serve this need at all (None: it can)."""
    if not available(offer, today):
        return "资源已过期或已撤回"
    if not available(need, today):
        return "需求已过期或已撤回"
    if need.kind != offer.kind:
        return "类别不同"
    if remaining(offer, ctx) <= 0:
        return "资源已无剩余数量"
    return None


def remaining(offer: Listing, ctx: Context) -> int:
    return offer.quantity if ctx.remaining is None else ctx.remaining


def speciality(need: Listing, offer: Listing) -> tuple[float, list[str]]:
    """0–1: domain (0.2) and subject with level (0.8)."""
    reasons = []
    domain = 0.2 if need.domain == offer.domain else 0.0
    a, b = normalise(need.subject), normalise(offer.subject)
    if a and b:
        if a == b:
            subject, reasons = 1.0, [f"学科/专业相符：{offer.subject}"]
        elif a in b or b in a:
            subject, reasons = 0.6, [f"学科/专业相近：需{need.subject}，可提供{offer.subject}"]
        else:
            subject, reasons = 0.0, [f"学科/专业不同：需{need.subject}，可提供{offer.subject}"]
    else:
        subject = 0.5  # one side did not say: neither a fit nor a misfit
    la, lb = normalise(need.level), normalise(offer.level)
    if la and lb and subject > 0:
        if la == lb or la in lb or lb in la:
            reasons.append(f"学段/层级相符：{offer.level}")
        else:
            subject *= 0.5
            reasons.append(f"学段/层级不同：需{need.level}，可提供{offer.level}")
    if domain:
        reasons.insert(0, "领域相同")
    return domain + 0.8 * subject, reasons


def date_overlap(need: Listing, offer: Listing) -> tuple[float, str]:
    """0–1: the share of the need's window inside the offer's (open ends count as unbounded)."""
    if need.start is None and need.end is None:
        return 1.0, "需求未限定时间"
    start = max(d for d in (need.start, offer.start, datetime.date.min) if d is not None)
    end = min(d for d in (need.end, offer.end, datetime.date.max) if d is not None)
    if end < start:
        return 0.0, "时间不重叠"
    if need.start is None or need.end is None:
        return 1.0, "时间可衔接"
    span = (need.end - need.start).days + 1
    share = min(1.0, ((end - start).days + 1) / span)
    return share, f"时间重叠{share:.0%}"


def distance_km(need: Listing, offer: Listing) -> float | None:
    if None in (need.lat, need.lng, offer.lat, offer.lng):
        return None
    lat1, lng1, lat2, lng2 = map(math.radians, (need.lat, need.lng, offer.lat, offer.lng))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def score(need: Listing, offer: Listing, ctx: Context) -> Score:
    """The score of an offer for a need (call `candidate` first: this does not refuse anything)."""
    reasons: list[str] = []
    fit, why = speciality(need, offer)
    reasons += why
    relation = RELATION_POINTS.get(ctx.relation, 0.0)
    reasons.append({"own": f"本结对：{ctx.pairing_label}", "programme": "同一协作项目",
                    "none": "双方尚无结对关系"}.get(ctx.relation, ""))
    dates, why_dates = date_overlap(need, offer)
    reasons.append(why_dates)
    left = remaining(offer, ctx)
    covered = min(1.0, left / need.quantity) if need.quantity > 0 else 1.0
    reasons.append(f"可提供{left}，需求{need.quantity}")
    km = distance_km(need, offer)
    near = 0.5 if km is None else max(0.0, 1.0 - km / FAR_KM)
    if km is not None:
        reasons.append(f"相距约{km:,.0f}公里")
    past = min(1.0, ctx.cooperation / 5)
    if ctx.cooperation:
        reasons.append(f"双方已有{ctx.cooperation}条合作记录")
    parts = {"speciality": fit, "pairing": relation, "dates": dates, "quantity": covered, "distance": near,
             "cooperation": past}
    points = {k: round(WEIGHTS[k] * v, 2) for k, v in parts.items()}
    return Score(round(sum(points.values()), 2), [r for r in reasons if r], points)


def rank(need: Listing, offers: list[tuple[object, Listing, Context]], today: datetime.date
         ) -> list[tuple[object, Score]]:
    """The candidate offers for a need, best first: (key, score); ties keep the closer relation first."""
    order = {"own": 0, "programme": 1, "none": 2}
    out = [(key, score(need, offer, ctx), order.get(ctx.relation, 3))
           for key, offer, ctx in offers if candidate(need, offer, ctx, today) is None]
    out.sort(key=lambda t: (-t[1].total, t[2]))
    return [(key, s) for key, s, _ in out]
