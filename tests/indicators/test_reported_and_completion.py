"""Reported values kept apart from computed ones; targets; completion; the stated-rate check."""

from decimal import Decimal

import pytest

from shanhai.core.errors import ShanhaiError
from shanhai.indicators.models import ReportedValue
from shanhai.indicators.selectors import indicator_table
from shanhai.indicators.services import completion, reported_value_upsert, stated_rate_mismatch, target_set
from tests.factories import DispatchFactory, SaleFactory

from .conftest import row

pytestmark = pytest.mark.django_db


def test_completion_against_target_then_last_year():
    assert completion(43, 40, 10) == (Decimal("1.075"), "target")
    assert completion(43, None, 40) == (Decimal("1.075"), "last_year")
    assert completion(43, None, 0) == (None, "")
    assert completion(None, 40, 40) == (None, "")


@pytest.mark.parametrize(("stated", "actual", "base", "flag"), [
    ("107.5", 43, 40, False), ("600", 282, 47, False), ("248.89", 560, 225, False), ("112.62", 1526, 1355, False),
    ("108", 43, 40, False),  # written without decimals: 107.5 rounds to 108
    ("107.50", 43, 40, False),  # trailing zeros (as stored) do not tighten the check
    ("110", 43, 40, True), ("107.6", 43, 40, True), ("248.8", 560, 225, True),
])
def test_stated_rate_mismatch_beyond_rounding(stated, actual, base, flag):
    assert stated_rate_mismatch(Decimal(stated), actual, base) is flag


def test_reported_and_computed_are_shown_apart_and_a_difference_is_flagged(scene, admin_user):
    p = scene.nansha_ziyun
    DispatchFactory.create_batch(4, pairing=p, category="cadre", direction="e2w")
    reported_value_upsert(indicator="cadre.e2w", pairing=p, value=5, year=2023, source_kind="document",
                          source_ref="广东南沙与贵州紫云携手开启新征程 · “南沙区选派5名挂职干部”",
                          evidence="南沙区选派5名挂职干部", source_url="https://example.org/a")
    r = row(indicator_table(admin_user, pairing=p.pk, year=2023), "cadre.e2w")
    assert (r.computed, r.reported, r.differs) == (4, 5, True)
    assert [(s.value, s.evidence) for s in r.reported_sources] == [(5, "南沙区选派5名挂职干部")]
    assert r.reported_sources[0].source_url == "https://example.org/a"
    # The two are never added: the region roll-up carries the computed value only.
    assert row(indicator_table(admin_user, region="520000", year=2023), "cadre.e2w").computed == 4
    DispatchFactory(pairing=p, category="cadre", direction="e2w")
    r = row(indicator_table(admin_user, pairing=p.pk, year=2023), "cadre.e2w")
    assert (r.computed, r.reported, r.differs) == (5, 5, False)


def test_upsert_is_idempotent_on_its_natural_key(scene):
    kw = {"indicator": "consume.sales", "pairing": scene.nansha_ziyun, "year": 2023, "source_kind": "sheet",
          "source_ref": "2023年报表.xlsx · 消费帮扶 · 第7行"}
    first, created = reported_value_upsert(value="2170000", **kw)
    again, created_again = reported_value_upsert(value=2_180_000, **kw)
    assert created and not created_again and first.pk == again.pk
    assert ReportedValue.objects.get().value == 2_180_000
    assert again.history.count() == 2  # both versions kept
    reported_value_upsert(value=1, **{**kw, "source_ref": "另一张表 · 第1行"})
    assert ReportedValue.objects.count() == 2


@pytest.mark.parametrize(("changes", "message"), [
    ({"value": "12.5"}, "「数值」12.5应为整数"),
    ({"value": "abc"}, "「数值」“abc”不是数字"),
    ({"value": -3}, "「数值」不能为负数"),
    ({"source_kind": "email"}, "「来源类型」"),
    ({"source_ref": " "}, "「来源」不能为空"),
    ({"indicator": "no.such"}, "不在指标目录中"),
    ({"month": 13}, "「月份」应在1到12之间"),
    ({"month": 5, "quarter": 1}, "「月份」5不在第1季度内"),
    ({"pairing": None, "region": "紫云自治县"}, "须选择「地区所在方」"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(scene, changes, message):
    kw = {"indicator": "consume.sales", "pairing": scene.nansha_ziyun, "year": 2023, "source_kind": "form",
          "source_ref": "表单", "value": 1}
    with pytest.raises(ShanhaiError) as e:
        reported_value_upsert(**{**kw, **changes})
    assert message in e.value.message
    assert ReportedValue.objects.count() == 0


def test_percent_values_keep_their_decimals(scene, admin_user):
    # Percent-unit values may carry decimals (stored as Decimal, never float); whole units may not.
    from shanhai.indicators.models import Indicator

    Indicator.objects.create(code="test.rate", zh="测试比率", en="test rate", unit="percent", agg="last",
                             category="test", position=999)
    obj, _ = reported_value_upsert(indicator="test.rate", pairing=scene.nansha_ziyun, value=107.5, year=2023,
                                   source_kind="form", source_ref="表单")
    assert obj.value == Decimal("107.5")


def test_target_completion_and_stated_rate_flag(scene, admin_user, region):
    p = scene.nansha_ziyun
    DispatchFactory.create_batch(43, pairing=p, category="talent", direction="e2w")
    target_set(indicator="talent.e2w", pairing=p, year=2023, value=50)
    r = row(indicator_table(admin_user, pairing=p.pk, year=2023), "talent.e2w")
    assert (r.target, r.completion, r.completion_basis) == (50, Decimal("0.86"), "target")
    # Without a target: against last year (here the baseline the report gives).
    reported_value_upsert(indicator="talent.w2e", pairing=p, value=282, baseline=47, stated_rate="600", year=2023,
                          source_kind="document", source_ref="文章 · a")
    reported_value_upsert(indicator="train.cadre.people", pairing=p, value=560, baseline=225, stated_rate="250",
                          year=2023, source_kind="document", source_ref="文章 · b")
    rows = indicator_table(admin_user, pairing=p.pk, year=2023)
    w2e = row(rows, "talent.w2e")
    assert (w2e.last_year, w2e.completion, w2e.completion_basis, w2e.stated_rate_flag) == (47, Decimal(6), "last_year", False)
    cadre = row(rows, "train.cadre.people")
    assert cadre.stated_rate_flag is True  # 560 ÷ 225 = 248.89 %, not 250 %
    assert cadre.reported_sources[0].rate_flag is True
    # Region targets are per side.
    target_set(indicator="consume.sales", region="贵州省", side="west", year=2023, value=1000)
    SaleFactory(pairing=p, amount=250)
    g = row(indicator_table(admin_user, region="520000", side="west", year=2023), "consume.sales")
    assert (g.target, g.completion) == (1000, Decimal("0.25"))
    assert row(indicator_table(admin_user, region="520000", side="east", year=2023), "consume.sales").target is None


def test_cumulative_figures_are_listed_not_added(scene, admin_user):
    p = scene.nansha_ziyun
    kw = {"indicator": "funds.education", "pairing": p, "year": 2023, "source_kind": "document"}
    reported_value_upsert(value=4_800_000, since_year=2021, source_ref="文章 · 累计", **kw)
    reported_value_upsert(value=1_000_000, source_ref="文章 · 当年", **kw)
    r = row(indicator_table(admin_user, pairing=p.pk, year=2023), "funds.education")
    assert r.reported == 1_000_000
    assert [(s.value, s.cumulative, s.period_label) for s in r.reported_sources] == [
        (4_800_000, True, "2021—2023年累计"), (1_000_000, False, "2023年")]


def test_pairing_reports_and_targets_roll_up_to_their_regions_apart(scene, admin_user, ziyun_officer):
    p, school, zs = scene.nansha_ziyun, scene.school, scene.zhongshan_shuicheng
    SaleFactory(pairing=p, year=2023, amount=300)
    for pairing, value in ((p, 1000), (school, 400), (zs, 250)):  # the school's figure is inside its county pair's
        reported_value_upsert(indicator="consume.sales", pairing=pairing, value=value, year=2023,
                              source_kind="form", source_ref=f"表{pairing.pk}")
    reported_value_upsert(indicator="consume.sales", pairing=zs, value=99, year=2023, since_year=2021,
                          source_kind="form", source_ref="累计")  # cumulative: listed, never summed into a year
    target_set(indicator="consume.sales", pairing=p, year=2023, value=2000)
    target_set(indicator="consume.sales", pairing=zs, year=2023, value=500)
    guizhou = row(indicator_table(admin_user, region="520000", year=2023), "consume.sales")
    # Apart from the computed value (records only) and from the region's own (absent) figures.
    assert (guizhou.computed, guizhou.reported, guizhou.target) == (300, None, None)
    assert (guizhou.reported_pairings, guizhou.target_pairings) == (1000 + 250, 2000 + 500)
    # No target of its own: completion against the pairings' targets.
    assert (guizhou.completion, guizhou.completion_basis) == (Decimal("0.12"), "pairing_targets")
    assert row(indicator_table(admin_user, region="520425", year=2023), "consume.sales").reported_pairings == 1000
    assert row(indicator_table(admin_user, year=2023), "consume.sales").reported_pairings == 1250
    # East side: the eastern regions of those pairings; a region with none of them has no figure.
    assert row(indicator_table(admin_user, region="440000", side="east", year=2023),
               "consume.sales").reported_pairings == 1000
    assert row(indicator_table(admin_user, region="110000", side="east", year=2023),
               "consume.sales").reported_pairings is None
    # A region's own target wins over its pairings'.
    target_set(indicator="consume.sales", region="520000", side="west", year=2023, value=600)
    guizhou = row(indicator_table(admin_user, region="520000", year=2023), "consume.sales")
    assert (guizhou.target, guizhou.completion_basis, guizhou.completion) == (600, "target", Decimal("0.5"))
    # Only what the user may see: the 紫云 officer gets their county's pairings.
    mine = row(indicator_table(ziyun_officer, region="520000", year=2023), "consume.sales")
    assert (mine.reported_pairings, mine.target_pairings) == (1000, 2000)
    # A pairing page keeps its own figures only; `last` indicators are never summed.
    assert row(indicator_table(admin_user, pairing=p.pk, year=2023), "consume.sales").reported_pairings is None
    for pairing in (p, zs):
        reported_value_upsert(indicator="edu.tier1_admissions", pairing=pairing, value=30, year=2023,
                              source_kind="form", source_ref="表")
    assert row(indicator_table(admin_user, region="520000", year=2023), "edu.tier1_admissions").reported_pairings is None
