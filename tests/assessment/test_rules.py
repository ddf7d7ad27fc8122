"""The scoring rules on their own: band edges exactly on a boundary, the minimum, caps, missing targets,
grades and cap rules (no database)."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from shanhai.assessment import rules
from shanhai.assessment.models import parse_bands

BANDS = "1=100;0.9=90;0.8=75;0.6=50"


def item(**kw):
    base = {"weight": D(12), "mode": "bands", "bands": BANDS, "min_rate": D("0.5"), "cap": D(100)}
    return SimpleNamespace(**{**base, **kw})


@pytest.mark.parametrize(("actual", "target", "points"), [
    (100, 100, D("12.00")),   # exactly 1: full
    (90, 100, D("10.80")),    # exactly on 0.9
    (8999, 10000, D("9.00")),  # 0.8999 just below 0.9 → the 0.8 band
    (80, 100, D("9.00")),     # exactly on 0.8
    (60, 100, D("6.00")),     # exactly on the lowest band
    (5999, 10000, D("0.00")),  # below the lowest band, above the minimum
    (50, 100, D("0.00")),     # exactly the minimum: reached, but no band
    (49, 100, D("0.00")),     # below the minimum
    (250, 100, D("12.00")),   # over-completion capped at the weight
])
def test_band_edges(actual, target, points):
    assert rules.indicator_points(item(), actual, target, None).points == points


def test_minimum_is_inclusive_and_named():
    on = rules.indicator_points(item(bands="0.5=40"), 50, 100, None)
    below = rules.indicator_points(item(bands="0.5=40"), 4999, 10000, None)
    assert on.points == D("4.80")
    assert below.points == 0 and "低于最低完成率50%" in below.band


def test_linear_and_cap():
    linear = item(mode="linear", bands="", weight=D(6))
    assert rules.indicator_points(linear, 75, 100, None).points == D("4.50")
    capped = rules.indicator_points(linear, 110, 100, None)
    assert capped.points == D("6.00") and "封顶" in capped.band
    bonus = item(bands="1.2=110;1=100", cap=D(105))  # a bonus band, capped at 105 % of the weight
    assert rules.indicator_points(bonus, 130, 100, None).points == D("12.60")


def test_missing_target_falls_back_to_last_year():
    result = rules.indicator_points(item(), 95, None, 100)
    assert (result.basis, result.rate, result.points) == ("last_year", D("0.95"), D("10.80"))
    nothing = rules.indicator_points(item(), 95, None, None)
    assert nothing.points == 0 and nothing.rate is None and "未设目标且无上年数据" in nothing.band
    assert rules.indicator_points(item(), None, 100, 90).band.startswith("无实际数")


def test_deductions_are_capped():
    d = SimpleNamespace(weight=D(2), cap=D(5))
    assert [rules.deduction_points(d, n) for n in (0, 1, 2, 3, 9)] == [D(0), D(-2), D(-4), D(-5), D(-5)]


BANDS_100 = [("好", D(90)), ("较好", D(80)), ("一般", D(60)), ("差", D(0))]


@pytest.mark.parametrize(("points", "grade"), [
    (D(90), "好"), (D("89.99"), "较好"), (D(80), "较好"), (D("79.99"), "一般"), (D(60), "一般"),
    (D("59.99"), "差"), (D(-3), "差"),
])
def test_grade_band_edges(points, grade):
    assert rules.grade_of(points, BANDS_100) == grade


def test_cap_rule_on_a_required_item():
    # 0 of 12 on a required item is that item's 差: the grade (好 on points) is capped at 一般
    graded = [("消费帮扶", True, rules.item_grade(D(0), D(12), D(100), BANDS_100)),
              ("创新", False, rules.item_grade(D(6), D(6), D(100), BANDS_100))]
    assert graded[0][2] == "差" and graded[1][2] == "好"
    grade, note = rules.capped("好", graded, [("差", True, "一般")])
    assert grade == "一般" and "消费帮扶" in note
    assert rules.capped("差", graded, [("差", True, "一般")]) == ("差", "")  # a cap never raises a grade
    # an optional item's 差 does not cap when the rule names required items only
    assert rules.capped("好", [("创新", False, "差")], [("差", True, "一般")]) == ("好", "")


def test_bands_text_is_checked_in_chinese():
    assert parse_bands("1=100；0.8=75") == [(D(1), D(100)), (D("0.8"), D(75))]
    for bad, words in (("1:100", "格式不对"), ("0.8=75;0.8=70", "重复"), ("-1=5", "负数")):
        with pytest.raises(ValueError, match=words):
            parse_bands(bad)
