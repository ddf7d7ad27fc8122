"""All or nothing, idempotent re-imports with history, names resolved or refused, both paths agree."""

import datetime as dt

import pytest
from django.contrib.auth.models import User

from shanhai.accounts.models import Scope
from shanhai.activities.models import Training
from shanhai.economy.models import Placement, Sale
from shanhai.regions.lookup import find_region
from shanhai.transfer.engine import import_file
from tests.factories import PairingFactory
from tests.transfer.conftest import HEAD, PAIR

PLACEMENT_HEAD = HEAD + ["年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]
TRAINING_HEAD = HEAD + ["培训类别", "培训名称", "开始日期", "结束日期", "培训人次"]


def test_one_bad_row_refuses_the_file_and_every_bad_row_is_listed(pairing, csv_file):
    f = csv_file([
        TRAINING_HEAD,
        PAIR + ["专业技术人才培训", "班一", "2023-05-08", "2023-05-12", "40"],
        PAIR + ["专业技术人才培训", "班二", "2023-05-20", "2023-05-12", "30"],  # ends before it starts
        PAIR + ["党建培训", "班三", "2023-06-01", "", "30"],  # not a category
        PAIR + ["专业技术人才培训", "班四", "2023-06-01", "", "-5"],  # negative
        ["广州市南沙区", "火星县", "专业技术人才培训", "班五", "2023-06-01", "", "5"],  # no such county
    ])
    result = import_file(f)
    assert not result.ok and not result.committed
    got = [(e.sheet, e.row, e.column, e.value) for e in result.errors]
    assert got == [
        ("data", 3, "结束日期", "2023-05-12"),
        ("data", 4, "培训类别", "党建培训"),
        ("data", 5, "培训人次", "-5"),
        ("data", 6, "西部地区", "火星县"),
    ]
    reasons = [e.reason for e in result.errors]
    assert "「结束日期」不能早于「开始日期」。" in reasons[0]
    assert "可选：党政干部培训" in reasons[1]
    assert reasons[2] == "「培训人次」不能为负数。"
    assert "“火星县”未找到对应的行政区划" in reasons[3]
    assert Training.objects.count() == 0


def test_reimport_is_idempotent_and_a_corrected_file_updates_with_history(pairing, csv_file):
    rows = [TRAINING_HEAD,
            PAIR + ["专业技术人才培训", "班一", "2023-05-08", "2023-05-12", "40"],
            PAIR + ["党政干部培训", "班二", "2023-06-01", "", "30"]]
    first = import_file(csv_file(rows, "v1.csv"))
    assert (first.created, first.updated) == (2, 0)
    again = import_file(csv_file(rows, "v1.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Training.objects.count() == 2
    rows[2][-1] = "35"
    corrected = import_file(csv_file(rows, "v2.csv"))
    assert (corrected.created, corrected.updated, corrected.unchanged) == (0, 1, 1)
    assert corrected.changes[0].fields == [("培训人次", "30", "35")]
    training = Training.objects.get(title="班二")
    new, old = training.history.all()[:2]
    assert [c.field for c in new.diff_against(old).changes] == ["participants"]
    assert new.history_change_reason == "导入：v2.csv"


def test_dry_run_reports_what_the_real_run_then_does(pairing, csv_file):
    f = csv_file([PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"],
                  PAIR + ["2023", "7", "到东部就业", "4", "否", "乙厂"]])
    dry = import_file(f, dry_run=True)
    assert (dry.created, dry.committed, Placement.objects.count()) == (2, False, 0)
    real = import_file(f)
    assert (real.created, real.committed, Placement.objects.count()) == (2, True, 2)


@pytest.mark.parametrize("fast", [True, False])
def test_fast_and_general_paths_refuse_the_same_rows(pairing, csv_file, fast):
    f = csv_file([
        PLACEMENT_HEAD,
        PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"],
        PAIR + ["2023", "13", "到东部就业", "5", "是", "乙厂"],  # month out of range
        PAIR + ["1985", "6", "到东部就业", "5", "是", "丙厂"],  # not a valid year
        PAIR + ["2023", "6", "到东部就业", "0", "是", "丁厂"],  # at least one person
        PAIR + ["2023", "6", "去火星", "5", "是", "戊厂"],  # not a kind
        PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"],  # the first row again
    ])
    result = import_file(f, fast=fast)
    assert result.path == ("fast" if fast else "general")
    got = [(e.row, e.column, e.reason) for e in result.errors]
    expected = [
        (3, "月份", "「月份」应在1到12之间。"),
        (4, "年度", "「年度」1985不是有效年份。"),
        (5, "人数", "「人数」至少为1。"),
        (6, "就业去向", "“去火星”不是可选值；可选：到东部就业、就地就近就业、其他地区就业。"),
    ]
    assert got[:4] == expected
    assert got[4][0] == 7 and "与工作表“data”第2行是同一条记录" in got[4][2]
    assert len(got) == 5
    assert Placement.objects.count() == 0


def test_fast_path_finds_duplicates_in_the_file(pairing, csv_file):
    f = csv_file([PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"],
                  PAIR + ["2023", "6", "到东部就业", "7", "是", "甲厂"]])
    result = import_file(f)
    assert result.path == "fast"
    [error] = result.errors
    assert error.row == 3 and "第2行是同一条记录" in error.reason


def test_ambiguous_and_unknown_names_are_refused_never_guessed(pairing, csv_file):
    f = csv_file([
        PLACEMENT_HEAD,
        ["南沙", "紫云", "2023", "6", "到东部就业", "5", "是", "甲厂"],
        ["广州市南沙区", "火星县", "2023", "6", "到东部就业", "5", "是", "乙厂"],
        ["广州市南沙区", "紫云县", "2023", "6", "到东部就业", "5", "是", "丙厂"],  # a unique short name: fine
        ["广州市南沙区", "水城区", "2023", "6", "到东部就业", "5", "是", "丁厂"],  # no such pairing
    ])
    result = import_file(f)
    errors = {e.row: e for e in result.errors}
    assert set(errors) == {2, 3, 5}
    assert "对应多个行政区划" in errors[2].reason and "海南省三沙市南沙区" in errors[2].reason
    assert "未找到对应的行政区划" in errors[3].reason
    assert "未找到结对关系" in errors[5].reason


def test_former_names_resolve(pairing, csv_file):
    from shanhai.regions.models import RegionAlias

    region = find_region("紫云自治县")
    RegionAlias.objects.create(alias="紫云旧名县", region=region, kind="former_name")
    f = csv_file([PLACEMENT_HEAD, ["广州市南沙区", "紫云旧名县", "2023", "6", "到东部就业", "5", "是", "甲厂"]])
    assert import_file(f).ok


def test_pairing_outside_the_users_scope_is_not_found(pairing, csv_file):
    other = PairingFactory(programme=pairing.programme, east_region=find_region("大连市中山区"),
                           west_region=find_region("水城区"))
    user = User.objects.create_user("county", password="x")
    Scope.objects.create(user=user, pairing=other)
    f = csv_file([PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"]])
    result = import_file(f, user=user)
    assert "不在您的数据范围内" in result.errors[0].reason
    assert Placement.objects.count() == 0


def test_money_columns_with_units_in_header_and_cells(pairing, csv_file):
    f = csv_file([
        ["单位：万元"],
        HEAD + ["年度", "月份", "产品类别", "销售渠道", "供货方", "采购方", "金额"],
        PAIR + ["2023", "6", "农产品", "食堂采购", "红芯薯业", "机关食堂", "305.65"],
        PAIR + ["2023", "7", "农产品", "食堂采购", "红芯薯业", "机关食堂", "1.2亿"],
    ])
    result = import_file(f)
    assert result.ok, result.errors
    assert sorted(Sale.objects.values_list("amount", flat=True)) == [3_056_500, 120_000_000]
    f = csv_file([HEAD + ["年度", "月份", "产品类别", "销售渠道", "供货方", "采购方", "金额（元）"],
                  PAIR + ["2023", "8", "农产品", "电商平台", "", "", "1,526"]], name="b.csv")
    assert import_file(f).ok
    assert Sale.objects.filter(month=8).get().amount == 1526


def test_missing_required_column_refuses_the_file(pairing, csv_file):
    f = csv_file([HEAD + ["年度", "就业去向"], PAIR + ["2023", "到东部就业"]])
    result = import_file(f, type_key="placement")
    assert result.file_errors == []  # 人数 has a default: not required
    f = csv_file([HEAD + ["月份", "就业去向"], PAIR + ["6", "到东部就业"]], name="b.csv")
    result = import_file(f, type_key="placement")
    assert "缺少必填列：「年度」" in result.file_errors[0]


def test_unrecognised_file_asks_for_a_type(db, csv_file):
    result = import_file(csv_file([["甲", "乙"], ["1", "2"]]))
    assert "无法从表头判断导入类型" in result.file_errors[0]


def test_cumulative_history_for_the_fast_path(pairing, csv_file, django_user_model):
    user = django_user_model.objects.create_superuser("boss", password="x")
    f = csv_file([PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"]])
    import_file(f, user=user)
    f2 = csv_file([PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "9", "是", "甲厂"]], name="fix.csv")
    result = import_file(f2, user=user)
    assert (result.updated, result.created) == (1, 0)
    placement = Placement.objects.get()
    history = list(placement.history.values_list("history_type", "count", "history_user__username",
                                                 "history_change_reason"))
    assert history == [("~", 9, "boss", "导入：fix.csv"), ("+", 5, "boss", "导入：data.csv")]


def test_pairing_dates_as_text_and_excel_dates(pairing, xlsx_file):
    f = xlsx_file([TRAINING_HEAD, PAIR + ["专业技术人才培训", "班一", dt.datetime(2023, 5, 8), "2023.5.12", "40人次"]])
    result = import_file(f)
    assert result.ok, result.errors
    assert Training.objects.get().end_date == dt.date(2023, 5, 12)
