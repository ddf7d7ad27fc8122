"""Issue 15: a file's errors come in one check — cell, name and model-rule errors of a row together."""

import pytest

from shanhai.transfer.engine import import_file
from tests.transfer.conftest import HEAD, PAIR

TRAINING_HEAD = HEAD + ["培训类别", "培训名称", "开始日期", "结束日期", "培训人次"]
PLACEMENT_HEAD = HEAD + ["年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]


def _errors(result):
    return [(e.row, e.column, e.value) for e in result.errors]


def test_region_date_order_and_negative_count_errors_come_together(pairing, csv_file):
    f = csv_file([
        TRAINING_HEAD,
        ["广州市南沙区", "火星县", "专业技术人才培训", "班一", "2023-05-20", "2023-05-12", "-5"],
        PAIR + ["党建培训", "班二", "2023-05-20", "2023-05-12", "-3"],
        ["", "紫云自治县", "专业技术人才培训", "班三", "2023-06-01", "2023-05-01", "4"],
    ])
    result = import_file(f)
    assert not result.ok and not result.committed
    assert _errors(result) == [
        (2, "西部地区", "火星县"),
        (2, "结束日期", "2023-05-12"),
        (2, "培训人次", "-5"),
        (3, "培训类别", "党建培训"),
        (3, "结束日期", "2023-05-12"),
        (3, "培训人次", "-3"),
        (4, "东部地区", ""),
        (4, "结束日期", "2023-05-01"),
    ]
    reasons = [e.reason for e in result.errors]
    assert "「结束日期」不能早于「开始日期」。" in reasons[1]
    assert "不能为负数" in reasons[2] or "负" in reasons[2]
    assert sum("东部地区" in r for r in reasons) == 1  # "required" said once for the blank cell
    assert result.bad_rows == 3 and result.error_count == 8


@pytest.mark.parametrize("fast", [True, False])
def test_both_paths_report_every_error_of_a_row(pairing, csv_file, fast):
    f = csv_file([
        PLACEMENT_HEAD,
        ["广州市南沙区", "火星县", "2023", "13", "到东部就业", "-2", "是", "某厂"],
        PAIR + ["2023", "6", "到东部就业", "5", "是", "某厂"],
    ])
    result = import_file(f, fast=fast)
    assert not result.ok
    got = _errors(result)
    assert (2, "西部地区", "火星县") in got and (2, "月份", "13") in got
    assert (2, "人数", "-2") in got
    assert all(row == 2 for row, _, _ in got)


def test_a_good_file_is_unchanged_by_the_one_pass_check(pairing, csv_file):
    f = csv_file([TRAINING_HEAD, PAIR + ["专业技术人才培训", "班一", "2023-05-08", "2023-05-12", "40"]])
    result = import_file(f)
    assert result.ok and result.committed and result.created == 1
