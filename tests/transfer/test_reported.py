"""Reported indicator values from a sheet: per pairing or per region and side, with their source row."""

from decimal import Decimal

from shanhai.indicators.models import ReportedValue
from shanhai.transfer.engine import import_file
from tests.transfer.conftest import HEAD, PAIR

REPORTED_HEAD = ["指标"] + HEAD + ["地区", "地区所在方", "年度", "月份", "数值", "来源"]


def test_reported_values_per_pairing_and_per_region(pairing, csv_file):
    f = csv_file([
        REPORTED_HEAD,
        ["train.talent.people"] + PAIR + ["", "", "2023", "", "1,526", "2023年考核表"],
        ["实际到位投资额"] + ["", ""] + ["贵州省", "西部（受援方）", "2023", "", "3.89亿", "2023年考核表"],
        ["labor.employed"] + PAIR + ["", "", "2023", "6", "5005人", ""],
    ])
    result = import_file(f)
    assert result.ok, (result.errors, result.file_errors)
    assert result.type_key == "reported" and result.created == 3
    by_code = {v.indicator.code: v for v in ReportedValue.objects.select_related("indicator", "region")}
    assert by_code["train.talent.people"].value == Decimal("1526")
    assert by_code["train.talent.people"].pairing == pairing
    invest = by_code["industry.investment"]
    assert (invest.value, invest.region.name, invest.side) == (Decimal("389000000"), "贵州省", "west")
    labor = by_code["labor.employed"]
    assert (labor.month, labor.source_kind, labor.source_ref) == (6, "sheet", "表格导入")
    assert labor.evidence == "data.csv · 工作表“data” · 第4行"
    again = import_file(f)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert ReportedValue.objects.count() == 3


def test_reported_values_refused_with_reasons(pairing, csv_file):
    f = csv_file([
        REPORTED_HEAD,
        ["no.such.code"] + PAIR + ["", "", "2023", "", "1", ""],
        ["funds.fiscal"] + PAIR + ["", "", "2023", "", "12.5", ""],  # yuan must be whole
        ["labor.employed"] + ["", ""] + ["贵州省", "", "2023", "", "5", ""],  # side missing
    ])
    result = import_file(f)
    reasons = {e.row: e.reason for e in result.errors}
    assert "不在指标目录中" in reasons[2]
    assert "应为整数" in reasons[3]
    assert "须填写「地区所在方」" in reasons[4]
    assert ReportedValue.objects.count() == 0
