"""The score as a person would judge it, on plain values (no database)."""

import datetime as dt

from shanhai.matching.scoring import Context, Listing, candidate, date_overlap, rank, score

TODAY = dt.date(2024, 6, 1)
# 紫云 (Guizhou) and 南沙 (Guangzhou), 大连 further away
ZIYUN, NANSHA, DALIAN = (25.75, 106.08), (22.80, 113.53), (38.91, 121.60)


def need(**kw):
    base = dict(kind="teacher", domain="education", subject="数学", level="初中", quantity=2,
                start=dt.date(2024, 9, 1), end=dt.date(2025, 1, 31), lat=ZIYUN[0], lng=ZIYUN[1],
                expires_on=dt.date(2024, 8, 31))
    return Listing(**{**base, **kw})


def offer(place=NANSHA, **kw):
    base = dict(kind="teacher", domain="education", subject="数学", level="初中", quantity=3,
                start=dt.date(2024, 8, 25), end=dt.date(2025, 7, 10), lat=place[0], lng=place[1],
                expires_on=dt.date(2024, 12, 31))
    return Listing(**{**base, **kw})


def test_own_pairing_maths_teacher_ranks_above_an_unrelated_one():
    own = ("own", offer(), Context("own", "广州市南沙区 — 紫云自治县", cooperation=3))
    unrelated = ("other", offer(DALIAN, subject="英语", level="高中"), Context("none"))
    same_subject_far = ("far", offer(DALIAN), Context("programme"))
    ranked = rank(need(), [unrelated, same_subject_far, own], TODAY)
    assert [key for key, _ in ranked] == ["own", "far", "other"]
    top = ranked[0][1]
    assert "学科/专业相符：数学" in top.reasons and "本结对：广州市南沙区 — 紫云自治县" in top.reasons
    assert "双方已有3条合作记录" in top.reasons
    assert "学科/专业不同：需数学，可提供英语" in ranked[2][1].reasons


def test_expired_withdrawn_other_kind_or_full_offers_are_not_candidates():
    n = need()
    assert candidate(n, offer(expires_on=dt.date(2024, 5, 31)), Context(), TODAY) == "资源已过期或已撤回"
    assert candidate(n, offer(open=False), Context(), TODAY) == "资源已过期或已撤回"
    assert candidate(n, offer(kind="doctor"), Context(), TODAY) == "类别不同"
    assert candidate(n, offer(), Context(remaining=0), TODAY) == "资源已无剩余数量"
    assert candidate(n, offer(expires_on=TODAY), Context(), TODAY) is None  # expires at the end of its last day
    assert rank(n, [("x", offer(expires_on=dt.date(2024, 5, 1)), Context("own"))], TODAY) == []


def test_each_part_moves_the_score_the_way_a_person_expects():
    base = score(need(), offer(), Context("programme")).total
    assert score(need(), offer(), Context("own")).total > base  # own pairing beats the programme
    assert score(need(), offer(), Context("none")).total < base
    assert score(need(), offer(level="高中"), Context("programme")).total < base  # wrong school level
    assert score(need(), offer(), Context("programme", remaining=1)).total < base  # covers half the need
    assert score(need(), offer(DALIAN), Context("programme")).total < base  # further away
    assert score(need(), offer(), Context("programme", cooperation=5)).total == base + 10


def test_date_overlap_share():
    assert date_overlap(need(), offer())[0] == 1.0
    share, why = date_overlap(need(start=dt.date(2024, 9, 1), end=dt.date(2024, 9, 30)),
                              offer(start=dt.date(2024, 9, 16), end=dt.date(2024, 12, 31)))
    assert share == 0.5 and why == "时间重叠50%"
    assert date_overlap(need(), offer(start=dt.date(2025, 3, 1), end=dt.date(2025, 6, 1))) == (0.0, "时间不重叠")


def test_score_is_out_of_100():
    best = score(need(), offer(place=ZIYUN), Context("own", "x", cooperation=9))
    assert best.total == 100.0
    assert sum(best.parts.values()) == best.total
