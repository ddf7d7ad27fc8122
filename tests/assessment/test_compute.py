"""The assessment of 南沙→紫云 2023 (west side) from its figures, counted by hand; the same inputs give the
same points and grade on SQLite and PostgreSQL (this module runs on both: DATABASE_URL picks)."""

from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group, User

from shanhai.accounts.models import Scope
from shanhai.accounts.roles import CITY
from shanhai.accounts.writes import WriteRefused
from shanhai.assessment import services
from shanhai.assessment.models import Assessment, AssessmentState, Objection, Scheme, SchemeState, Score
from shanhai.core.errors import ShanhaiError
from shanhai.regions.lookup import find_region
from tests.assessment.conftest import approve

# funds 12 + cadres 4.5 (0.8 exactly) + talents 7.2 (0.96) + labour training 6 (550 ÷ last year's 500,
# linear, capped) + jobs 9 (0.8 exactly) + sales 0 (0.5: the minimum, below the lowest band) = 38.70;
# deductions: the report late −2, six reconciled figures the east side has not reported −6 capped at −5.
COMPUTED = D("31.70")


def _open(a):
    scheme = services.scheme_for(a.year.programme, 2023)
    assert services.scheme_open(a.year.users["national"], scheme) == 2  # both county pairs of the programme
    scheme.refresh_from_db()
    return scheme, Assessment.objects.get(scheme=scheme, pairing=a.year.county)


def _score(assessment, code):
    return Score.objects.select_related("item", "assessment__scheme", "assessment__pairing").get(
        assessment=assessment, item__code=code)


def test_draft_counted_by_hand_and_every_point_traceable(assessed):
    scheme, a = _open(assessed)
    assert scheme.state == SchemeState.OPEN and scheme.frozen_at is not None
    points = {s.item.code: s.computed for s in a.scores.select_related("item")}
    assert points["funds.fiscal"] == D("12.00")
    assert points["cadre.e2w"] == D("4.50")
    assert points["talent.e2w"] == D("7.20")
    assert points["train.labor.people"] == D("6.00")
    assert points["labor.employed"] == D("9.00")
    assert points["consume.sales"] == D("0.00")
    assert points["d.late"] == D("-2.00") and points["d.dispute"] == D("-5.00") and points["d.returned"] == 0
    assert a.computed == a.total == COMPUTED and a.grade == "差"
    jobs = _score(a, "labor.employed").trace
    assert (jobs["actual"], jobs["target"], jobs["rate_pct"], jobs["actual_from"]) == ("3000", "3750", "80%",
                                                                                        "西部工作报告填报数")
    assert "完成率≥80%" in jobs["band"] and jobs["reported"][0]["source"] == "2023年工作报告·西部填报"
    training = _score(a, "train.labor.people").trace
    assert (training["basis"], training["last_year"], training["target"]) == ("last_year", "500", None)
    assert "封顶" in training["band"]


def test_unlocked_figure_blocks_finalising_until_approved(assessed):
    _scheme, a = _open(assessed)
    users = assessed.year.users
    jobs = _score(a, "labor.employed")
    assert "西部工作报告尚未审定锁定（当前：已报送）" in jobs.block
    with pytest.raises(ShanhaiError, match="不能定稿：.*尚未审定锁定"):
        services.assessment_finalise(users["guizhou"], a)
    approve(assessed)
    services.assessments_compute(users["national"], a.scheme, [assessed.year.county])
    a.refresh_from_db()
    assert not _score(a, "labor.employed").block and _score(a, "labor.employed").trace["locked"] is True
    # what is left: the three qualitative items, unscored
    assert a.blocked == 3
    for code, pts in (("q.leadership", 7), ("q.innovation", "5.5"), ("q.inspection", 6)):
        services.score_adjust(users["anshun"], _score(a, code), pts, "督查组现场核查，机制健全")
    a.refresh_from_db()
    assert a.blocked == 0 and a.total == COMPUTED + D("18.5")
    services.assessment_finalise(users["guizhou"], a)
    a.refresh_from_db()
    assert a.state == AssessmentState.FINAL
    with pytest.raises(ShanhaiError, match="已定稿，不能再修改"):
        services.score_adjust(users["guizhou"], _score(a, "q.leadership"), 8, "再议")


def test_adjustment_needs_a_reason_a_range_and_is_kept_in_history(assessed):
    _scheme, a = _open(assessed)
    anshun = assessed.year.users["anshun"]
    sales = _score(a, "consume.sales")
    with pytest.raises(ShanhaiError, match="须写明理由"):
        services.score_adjust(anshun, sales, 6, "  ")
    with pytest.raises(ShanhaiError, match="应在0到12分之间，填写的是13"):
        services.score_adjust(anshun, sales, 13, "超出")
    services.score_adjust(anshun, sales, 6, "消费帮扶含第四季度已签约未结算订单，经核实计入")
    sales.refresh_from_db()
    assert (sales.computed, sales.adjusted, sales.level, sales.reviewer) == (D(0), D(6), "市州", anshun)
    last = sales.history.first()
    assert last.history_user == anshun and "消费帮扶含第四季度" in last.history_change_reason
    a.refresh_from_db()
    assert a.total == COMPUTED + 6 and a.computed == COMPUTED


def test_reviewer_outside_scope_is_refused(assessed):
    _scheme, a = _open(assessed)
    users = assessed.year.users
    liupanshui = User.objects.create_user("liupanshui", password="pw-liupanshui-1")
    liupanshui.groups.add(Group.objects.get(name=CITY))
    Scope.objects.create(user=liupanshui, region=find_region("六盘水市"))
    item = _score(a, "q.leadership")
    with pytest.raises(WriteRefused, match="您不能评审“紫云苗族布依族自治县”的考核：它不在您的评审范围内"):
        services.score_adjust(liupanshui, item, 5, "越权")
    with pytest.raises(WriteRefused, match="没有评审考核的权限"):
        services.score_adjust(users["ziyun"], item, 8, "自己给自己打分")
    with pytest.raises(WriteRefused, match="没有评审考核的权限"):
        services.score_adjust(users["nansha"], item, 8, "东部替西部打分")
    with pytest.raises(WriteRefused):  # the guangdong office is above the east side, not the assessed west
        services.score_adjust(users["guangdong"], item, 8, "跨省")
    item.refresh_from_db()
    assert item.adjusted is None and not item.history.filter(history_user__in=[liupanshui]).exists()


def test_self_evaluation_objection_once_and_the_level_above_decides(assessed):
    _scheme, a = _open(assessed)
    users = assessed.year.users
    with pytest.raises(WriteRefused, match="只有被考核单位"):
        services.assessment_self_evaluate(users["nansha"], a, "东部替西部自评")
    sales = _score(a, "consume.sales")
    services.assessment_self_evaluate(users["ziyun"], a, "全年完成协议目标的主要任务。", {sales.pk: "6"})
    a.refresh_from_db()
    assert a.self_points == 6 and "主要任务" in a.self_evaluation
    obj = services.objection_raise(users["ziyun"], sales, "销售额未计入12月直播带货订单", evidence="订单清单.xlsx",
                                   asked_points="6")
    with pytest.raises(ShanhaiError, match="每个项目只能提出一次"):
        services.objection_raise(users["ziyun"], sales, "再提一次")
    a.refresh_from_db()
    assert "异议尚未裁定" in "；".join(services.finalise_problems(a))
    with pytest.raises(WriteRefused):
        services.objection_decide(users["ziyun"], obj, upheld=True, decision="自己裁定")
    services.objection_decide(users["anshun"], obj, upheld=True, decision="订单真实，予以计入")
    obj.refresh_from_db()
    sales.refresh_from_db()
    assert obj.state == "upheld" and obj.decided_by == users["anshun"]
    assert sales.adjusted == 6 and sales.reason.startswith("异议成立")
    assert Objection.objects.count() == 1


def test_frozen_scheme_refuses_edits_and_copies_to_next_year(assessed):
    scheme, _a = _open(assessed)
    item = scheme.items.get(code="funds.fiscal")
    item.weight = D(20)
    with pytest.raises(ShanhaiError, match="已冻结"):
        services.scheme_item_save(assessed.year.users["national"], item)
    with pytest.raises(WriteRefused):
        services.scheme_open(assessed.year.users["guizhou"], scheme)
    nxt = services.scheme_copy(assessed.year.users["national"], scheme, programme=assessed.year.programme, year=2024)
    assert nxt.state == SchemeState.DRAFT and nxt.items.count() == scheme.items.count()
    assert nxt.grade_bands.count() == 4 and nxt.cap_rules.count() == 1
    copy = nxt.items.get(code="funds.fiscal")
    copy.weight = D(14)
    services.scheme_item_save(assessed.year.users["national"], copy)
    assert scheme.items.get(code="funds.fiscal").weight == 12
    # a province may not edit the national items
    copy.weight = D(15)
    with pytest.raises(WriteRefused):
        services.scheme_item_save(assessed.year.users["guizhou"], copy)
    assert Scheme.objects.filter(programme__isnull=True).count() == 3
