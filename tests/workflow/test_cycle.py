"""The yearly cycle through its services: enter, submit, dispute, return, correct, approve, lock, unlock."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from shanhai.accounts.writes import WriteRefused, guarded_save
from shanhai.core.errors import ShanhaiError
from shanhai.indicators.models import ReportedValue
from shanhai.indicators.selectors import indicator_table
from shanhai.workflow import grid, reconcile, services
from shanhai.workflow.models import Kind, State, Step
from shanhai.workflow.selectors import my_work
from tests.factories import TrainingFactory
from tests.workflow.conftest import FULL


def report(year, side="west"):
    return services.submission_for(year.county, year.period, Kind.REPORT, side)


def test_submit_is_refused_with_the_list_of_what_is_missing(year):
    sub = report(year)
    with pytest.raises(ShanhaiError) as e:
        services.move(year.users["ziyun"], sub, "submit")
    assert "「财政援助资金」为必填指标，尚未填报" in e.value.message
    assert "「帮助农村劳动力就业」为必填指标" in e.value.message
    sub.refresh_from_db()
    assert sub.state == State.DRAFT and not Step.objects.exists()


def test_the_grid_refuses_a_bad_row_and_saves_nothing(year):
    sub = report(year)
    with pytest.raises(ShanhaiError) as e:
        grid.grid_save(year.users["ziyun"], sub, {"funds.fiscal": "300", "cadre.e2w": "十二", "labor.employed": "-5"})
    assert "「东部选派挂职干部」" in e.value.message and "不是数字" in e.value.message
    assert "「帮助农村劳动力就业」" in e.value.message
    assert not ReportedValue.objects.exists()


def test_relations_and_outliers_need_fixing_or_explaining(year):
    sub = report(year)
    ziyun = year.users["ziyun"]
    grid.grid_save(ziyun, sub, {**FULL, "labor.employed.new": "4000"})
    problems = [p.message for p in services.problems(sub)]
    assert any("「其中：新增就业」4,000不应大于「帮助农村劳动力就业」3,000" in m for m in problems), problems
    from shanhai.indicators.services import target_set

    target_set(indicator="funds.fiscal", year=2023, value=5_000_000, pairing=year.county)
    grid.grid_save(ziyun, sub, {"labor.employed.new": "800"})
    problems = [p.message for p in services.problems(sub)]
    assert problems == ["「财政援助资金」完成率600.0%超过300%，请填写情况说明。"]
    grid.grid_save(ziyun, sub, {}, explanations={"funds.fiscal": "年中追加了对口帮扶资金2500万元"})
    assert services.problems(sub) == []


def test_the_whole_year_enter_dispute_return_correct_approve_lock_unlock(year, django_capture_on_commit_callbacks):
    u = year.users
    west, east = report(year, "west"), report(year, "east")
    grid.grid_save(u["ziyun"], west, {**FULL, "labor.employed": "3200"})
    grid.grid_save(u["nansha"], east, FULL)
    with django_capture_on_commit_callbacks(execute=True):
        services.move(u["ziyun"], west, "submit")
    [sent] = mail.outbox  # the levels above 紫云 that may review: 安顺 and 贵州, not 广东
    assert sorted(sent.to) == ["anshun@example.cn", "guizhou@example.cn"] and "报送" in sent.subject

    # 南沙 sees 紫云's 3,200 jobs against its own 3,000 and disputes it
    [diff] = [d for d in reconcile.differences([year.county], year.period) if d.indicator.code == "labor.employed"]
    assert (diff.east, diff.west, diff.flagged) == (3000, 3200, True)
    reconcile.answer(u["nansha"], year.county, year.period, "labor.employed", "disputed", side="east",
                     comment="南沙台账为3000人，其中200人为2022年转入")
    assert "200人为2022年转入" in my_work(u["ziyun"]).disputes[0].reason

    # 安顺 reviews; 贵州 may not approve while 南沙 disputes the figure
    services.move(u["anshun"], west, "review")
    with pytest.raises(ShanhaiError) as e:
        services.move(u["guizhou"], west, "approve")
    assert "「帮助农村劳动力就业」东部有异议：南沙台账为3000人" in e.value.message
    services.move(u["guizhou"], west, "return", comment="请与南沙核对就业人数")
    assert my_work(u["ziyun"]).returned[0].reason == "请与南沙核对就业人数"

    # 紫云 corrects: the dispute lapses with the changed figure; resubmitted, reviewed, approved
    grid.grid_save(u["ziyun"], west, {"labor.employed": "3000"})
    assert not reconcile.disputes_against(west)
    services.move(u["ziyun"], west, "submit")
    services.move(u["anshun"], west, "review")
    services.move(u["guizhou"], west, "approve")
    west.refresh_from_db()
    assert west.state == State.APPROVED and west.locked
    assert [s.action for s in west.steps.all()] == ["submit", "review", "return", "submit", "review", "approve"]

    # locked: the grid, a record of the school pair below, for the national office too
    with pytest.raises(ShanhaiError, match="不能修改"):
        grid.grid_save(u["ziyun"], west, {"labor.employed": "3100"})
    training = TrainingFactory(pairing=year.school, start_date=dt.date(2024, 3, 1), end_date=dt.date(2024, 3, 5))
    training.start_date, training.end_date = dt.date(2023, 6, 1), dt.date(2023, 6, 5)
    with pytest.raises(WriteRefused, match="已省级已审定并锁定|锁定"):
        guarded_save(u["national"], training)
    training.refresh_from_db()
    assert training.start_date == dt.date(2024, 3, 1)
    # the east side's own figures are its own report's: still open
    grid.grid_save(u["nansha"], east, {"consume.sales": "150000001"})

    # the pairing's page figure is the west side's (the receiving side's), never east + west
    [row] = [r for r in indicator_table(u["national"], pairing=year.county.pk, year=2023) if r.code == "labor.employed"]
    assert row.reported == 3000

    # unlock needs the approving level and a reason
    with pytest.raises(WriteRefused):
        services.move(u["anshun"], west, "unlock", comment="更正")
    with pytest.raises(ShanhaiError, match="理由"):
        services.move(u["guizhou"], west, "unlock")
    services.move(u["guizhou"], west, "unlock", comment="国家抽查发现培训人次重复")
    guarded_save(u["ziyun"], training)


@pytest.mark.parametrize(("who", "action", "side"), [
    ("viewer", "submit", "west"), ("nansha", "submit", "west"), ("ziyun", "submit", "east"),
    ("school", "submit", "east"),
])
def test_only_the_reporting_side_submits(year, who, action, side):
    sub = report(year, side)
    grid.grid_save(None, sub, FULL)
    with pytest.raises(WriteRefused):
        services.move(year.users[who], sub, action)
    sub.refresh_from_db()
    assert sub.state == State.DRAFT


@pytest.mark.parametrize(("who", "action"), [
    ("ziyun", "review"), ("nansha", "review"), ("anshun", "approve"), ("guangdong", "approve"),
    ("guangdong", "review"), ("guizhou", "accept"),
])
def test_each_level_takes_only_its_own_step(year, who, action):
    sub = report(year)
    grid.grid_save(None, sub, FULL)
    services.move(year.users["ziyun"], sub, "submit")
    if action == "accept":
        services.move(year.users["guizhou"], sub, "approve")
    before = State(type(sub).objects.get(pk=sub.pk).state)
    with pytest.raises(WriteRefused):
        services.move(year.users[who], sub, action)
    assert type(sub).objects.get(pk=sub.pk).state == before


def test_an_action_from_a_stale_page_is_refused(year):
    sub = report(year)
    grid.grid_save(None, sub, FULL)
    version = sub.version
    services.move(year.users["ziyun"], sub, "submit", version=version)
    with pytest.raises(ShanhaiError, match="已被他人处理"):
        services.move(year.users["anshun"], sub, "return", comment="x", version=version)


def test_two_people_saving_the_same_figure_the_second_is_refused_and_sees_the_first(year):
    sub = report(year)
    first = {r.code: r.stamp for r in grid.report_grid(sub)}  # both opened the page before either saved
    grid.grid_save(year.users["ziyun"], sub, {"labor.employed": "3000"}, seen=first)
    with pytest.raises(ShanhaiError) as e:
        grid.grid_save(year.users["ziyun"], sub, {"labor.employed": "2900"}, seen=first)
    assert "「帮助农村劳动力就业」已被ziyun" in e.value.message and "改为 3000" in e.value.message
    assert ReportedValue.objects.get(indicator__code="labor.employed").value == 3000


def test_a_plan_is_copied_from_last_year_and_its_approval_locks_the_targets(year):
    from shanhai.indicators.models import Target
    from shanhai.indicators.services import target_set
    from shanhai.workflow.models import Period

    last = Period.objects.create(programme=year.programme, year=2022, due=dt.date(2023, 1, 31))
    for code, value in FULL.items():
        target_set(indicator=code, year=2022, value=value, pairing=year.county)
    plan = services.submission_for(year.county, year.period, Kind.PLAN)
    assert grid.copy_last_year(year.users["ziyun"], plan) == len(FULL)
    rows = {r.code: r for r in grid.plan_grid(plan)}
    assert rows["labor.employed"].target == 3000 and rows["labor.employed"].last_target == 3000
    services.move(year.users["nansha"], plan, "submit")  # either side may submit the plan
    services.move(year.users["guizhou"], plan, "approve")  # the assisted province approves it
    with pytest.raises(WriteRefused, match="锁定"):
        target_set(indicator="labor.employed", year=2023, value=1, pairing=year.county, user=year.users["ziyun"])
    assert Target.objects.get(indicator__code="labor.employed", year=2023).value == 3000
    target_set(indicator="labor.employed", year=2022, value=1, pairing=year.county, user=year.users["ziyun"])
    assert last.year == 2022


def test_a_province_approves_all_its_pairings_in_one_action(year):
    subs = []
    for pairing in (year.county, year.other):
        sub = services.submission_for(pairing, year.period, Kind.REPORT, "west")
        grid.grid_save(None, sub, FULL)
        services.move(None, sub, "submit")
        subs.append(sub)
    moved, refused = services.move_many(year.users["guizhou"], subs, "approve")
    assert moved == 2 and refused == []
    moved, refused = services.move_many(year.users["guizhou"], subs, "approve")
    assert moved == 0 and len(refused) == 2 and "不能审定" in refused[0]


def test_my_work_lists_what_is_due_what_waits_and_what_came_back(year):
    u = year.users
    work = my_work(u["ziyun"])
    assert {(i.pairing.pk, i.kind) for i in work.due} == {(year.county.pk, "plan"), (year.county.pk, "report")}
    assert work.due[0].due == dt.date(2023, 3, 31)  # the plan is due first
    assert my_work(u["school"]).due[0].pairing == year.school
    assert my_work(u["anshun"]).review == []
    sub = report(year)
    grid.grid_save(None, sub, FULL)
    services.move(u["ziyun"], sub, "submit")
    [item] = my_work(u["anshun"]).review
    assert item.submission == sub and "review" in item.actions
    assert my_work(u["guangdong"]).review == []
    assert {i.kind for i in my_work(u["ziyun"]).due} == {"plan"}


def test_the_reports_figure_supersedes_a_documents_and_completion_is_measured_on_it(year):
    from shanhai.indicators.services import reported_value_upsert, target_set

    reported_value_upsert(indicator="labor.employed", value=5005, year=2023, source_kind="document",
                          source_ref="南沙紫云报道 · “帮助5005人就业”", pairing=year.county)
    TrainingFactory(pairing=year.county)  # records give 40 trainees: not the official figure once reported
    target_set(indicator="labor.employed", year=2023, value=4000, pairing=year.county)
    sub = report(year)
    grid.grid_save(year.users["ziyun"], sub, {"labor.employed": "4600"})
    grid.grid_save(year.users["nansha"], report(year, "east"), {"labor.employed": "4400"})
    rows = {r.code: r for r in indicator_table(year.users["national"], pairing=year.county.pk, year=2023)}
    assert rows["labor.employed"].reported == 4600  # not 5005 + 4600 + 4400
    assert rows["labor.employed"].completion == Decimal("1.15")
