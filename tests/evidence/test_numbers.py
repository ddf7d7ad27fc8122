import pytest

from shanhai.evidence.numbers import find_quantities, parse_number


def one(text: str):
    qs = find_quantities(text)
    assert len(qs) == 1, qs
    return qs[0]


@pytest.mark.parametrize(("text", "value", "unit", "qualifier"), [
    ("选派5名挂职干部", 5, "名", "exact"),
    ("实际投资额度3.89亿元", 389_000_000, "元", "exact"),
    ("投入305.65万元", 3_056_500, "元", "exact"),
    ("投入2750多万元帮扶资金", 27_500_000, "元", "at_least"),
    ("资金合计50余万元", 500_000, "元", "at_least"),
    ("捐款10万余元", 100_000, "元", "at_least"),
    ("30余名", 30, "名", "at_least"),
    ("逾5亿元", 500_000_000, "元", "at_least"),
    ("超过100人", 100, "人", "at_least"),
    ("近千人", 1000, "人", "about"),
    ("约860万元", 8_600_000, "元", "about"),
    ("100人左右", 100, "人", "about"),
    ("二百余人", 200, "人", "at_least"),
    ("一百五十六名", 156, "名", "exact"),
    ("两千三百万元", 23_000_000, "元", "exact"),
    ("12名", 12, "名", "exact"),  # full-width digits are made half-width by normalize before this
    ("1,526人次", 1526, "人次", "exact"),
    ("完成107.5%", 107.5, "%", "exact"),
])
def test_forms(text: str, value: float, unit: str, qualifier: str) -> None:
    q = one(text)
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)


def test_decimal_is_exact() -> None:
    assert parse_number("3.89", "亿") == 389_000_000
    assert isinstance(parse_number("3.89", "亿"), int)
    assert parse_number("1.5") == 1.5


def test_not_quantities() -> None:
    assert find_quantities("第二期培训") == []  # ordinal
    assert find_quantities("选拔1至2名医务人员") == []  # a range is not a figure
    assert find_quantities("2023年6月19日") == []  # dates
    assert find_quantities("联系电话0954-3012345") == []


def test_cn2an_not_run_on_text() -> None:
    # a name with a numeral stays as it is; only the cut-out quantity is parsed
    qs = find_quantities("广州市第一人民医院选派3名医疗专家")
    assert [(q.text, q.value) for q in qs] == [("3名", 3)]


def test_fullwidth_via_view() -> None:
    from shanhai.evidence.normalize import TextView

    view = TextView.of("选派党政挂职干部６名")
    q = one(view.compact)
    assert q.value == 6
    assert view.original(q.start, q.end) == "６名"
