import datetime as dt

import pytest

from shanhai.evidence.periods import find_published, find_times


@pytest.mark.parametrize(("text", "period"), [
    ("今年南沙区选派", "2023"),
    ("全年互派", "2023"),
    ("去年他们又投入", "2022"),
    ("前年", "2021"),
    ("2021年以来", "2021-2023"),
    ("自2021年两地东西部协作定点帮扶工作开启以来", "2021-2023"),
    ("2018年至2020年每年", "2018-2020"),
    ("2021—2023年", "2021-2023"),
    ("一年来", "2023"),
    ("两年来", "2022-2023"),
    ("2023年前三季度", "2023"),
    ("二〇二二年", "2022"),
])
def test_resolution(text: str, period: str) -> None:
    times = find_times(text, 2023)
    assert times and times[-1].period == period


def test_relative_without_date() -> None:
    assert find_times("今年", None)[0].period is None
    assert find_times("2021年以来", None)[0].period is None
    assert find_times("2019年", None)[0].period == "2019"


def test_durations_are_not_years() -> None:
    assert find_times("利用1年时间", 2023) == []
    assert find_times("投入1500余万元", 2023) == []


def test_published_line() -> None:
    assert find_published("首页\n时间:2023-10-26 14:12:08来源:中国乡村振兴网") == dt.date(2023, 10, 26)
    assert find_published("标题\n发布时间：2022/7/18\n正文2018年") == dt.date(2022, 7, 18)
    assert find_published("没有日期的文本") is None
