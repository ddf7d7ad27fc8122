"""Cell parsers: each office spelling is read exactly, or refused with a Chinese reason."""

import datetime as dt
from decimal import Decimal

import pytest

from shanhai.transfer.parsers import (
    CellError,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    parse_money,
    parse_month,
    parse_text,
    parse_year,
    to_decimal,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("1,526", 1526), ("１２３", 123), ("１，５２６", 1526), ("1 526", 1526), ("1,526人次", 1526), ("43名", 43),
    ("三百零五", 305), ("一千二百", 1200), (1526.0, 1526), (40, 40),
])
def test_integers_as_written(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("305.65万", 3_056_500), ("3.89亿", 389_000_000), ("3.89亿元", 389_000_000), ("2,000,000元", 2_000_000),
    ("１２万", 120_000), ("3万2千", 32_000), ("一千二百万", 12_000_000), (1100.0000000000002, 1100),
])
def test_money_in_whole_yuan(raw, expected):
    assert parse_money(raw) == expected


def test_header_unit_scales_but_a_cell_unit_wins():
    assert parse_money("305.65", scale=10_000) == 3_056_500  # column headed 安排资金（万元）
    assert parse_money(305.65, scale=10_000) == 3_056_500  # an Excel number cell
    assert parse_money("3.89亿", scale=10_000) == 389_000_000  # the cell says 亿 itself
    assert parse_money("500元", scale=10_000) == 500


@pytest.mark.parametrize(("raw", "reason"), [
    ("1,52", "千分位"), ("12.5", "整数元"), ("约300", "约数"), ("2万多", "约数"), ("abc", "不是可识别的数字"),
])
def test_money_refused_with_reason(raw, reason):
    with pytest.raises(CellError) as e:
        parse_money(raw)
    assert reason in e.value.reason
    assert raw in e.value.reason  # the reason quotes what was written


def test_fractions_are_kept_exactly():
    assert to_decimal("305.65") == Decimal("305.65")
    assert to_decimal("85.3%") == Decimal("85.3")
    with pytest.raises(CellError, match="不是整数"):
        parse_int("12.5")


@pytest.mark.parametrize("raw", [
    "2023年10月26日", "2023.10.26", "2023/10/26", "2023-10-26", "20231026", "二〇二三年十月二十六日",
    "２０２３年１０月２６日", "2023-10-26 00:00:00", dt.datetime(2023, 10, 26), dt.date(2023, 10, 26), 45225,
])
def test_dates_as_written(raw):
    assert parse_date(raw) == dt.date(2023, 10, 26)


@pytest.mark.parametrize(("raw", "reason"), [
    ("2023-02-30", "不是存在的日期"), ("2023年10月", "只写到月"), (2023, "不是日期"), ("10/26/2023", "不是可识别的日期"),
])
def test_dates_refused(raw, reason):
    with pytest.raises(CellError, match=reason):
        parse_date(raw)


def test_years_months_booleans_text():
    assert [parse_year(v) for v in ("2023", "2023年", 2023.0, "二〇二三年")] == [2023] * 4
    with pytest.raises(CellError, match="四位年份"):
        parse_year("23")
    assert [parse_month(v) for v in ("6", "6月", "六月", "十二月")] == [6, 6, 6, 12]
    assert [parse_bool(v) for v in ("是", "否", "√", "Y", 1)] == [True, False, True, True, True]
    with pytest.raises(CellError):
        parse_bool("也许")
    assert parse_text(" 东涌中学 ") == "东涌中学"
    with pytest.raises(CellError, match="超过上限5个字"):
        parse_text("一二三四五六", max_length=5)


def test_choices_by_label_or_code():
    mapping = {"east": "east", "到东部就业": "east"}
    assert parse_choice("到东部就业", mapping, ["到东部就业"]) == "east"
    with pytest.raises(CellError, match="可选：到东部就业"):
        parse_choice("去西部", mapping, ["到东部就业"])
