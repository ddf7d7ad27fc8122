"""The data-entry pages through Django's test client: the grid, its refusals (each shown in Chinese with the
typed values kept and nothing saved), the record lists' add / edit / delete through the one door, the plan,
and the history."""

import datetime as dt

from django.urls import reverse

from shanhai.activities.models import Training
from shanhai.indicators.models import ReportedValue, Target
from shanhai.projects.models import FundAllocation
from shanhai.workflow import grid, services
from shanhai.workflow.models import Explanation, Kind, State, Step
from tests.factories import TrainingFactory
from tests.workflow.conftest import FULL


def url(year, name="entry", pairing=None, **query):
    base = reverse(f"workflow:{name}", args=[(pairing or year.county).pk, 2023])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def client_for(client, year, who):
    client.force_login(year.users[who])
    return client


def report(year, side="west"):
    return services.submission_for(year.county, year.period, Kind.REPORT, side)


def grid_post(sub, values, *, action="save", stamps=None, originals=None, notes=None):
    """What the grid form sends: each changed figure with its original and stamp, and the version."""
    rows = {r.code: r for r in grid.report_grid(sub)}
    data = {"action": action, "version": sub.version}
    for code, value in values.items():
        data[f"v-{code}"] = value
        data[f"o-{code}"] = (originals or {}).get(code, "")
        data[f"s-{code}"] = (stamps or {}).get(code, rows[code].stamp)
    for code, text in (notes or {}).items():
        data[f"x-{code}"] = text
        data[f"xo-{code}"] = ""
    return data


def test_the_officer_sees_the_grid_with_units_links_and_the_problems(client, year):
    TrainingFactory(pairing=year.county, category="cadre", participants=1234, start_date=dt.date(2023, 5, 1),
                    end_date=dt.date(2023, 5, 3), title="乡村振兴干部培训班")
    c = client_for(client, year, "ziyun")
    response = c.get(url(year))
    assert response.status_code == 200
    html = response.content.decode()
    assert "新增培训" in html and "data-locked" not in html
    assert 'name="v-labor.employed"' in html and 'name="s-labor.employed"' in html
    assert "人次" in html and "元" in html
    assert "1,234" in html  # the computed training figure, with a thousands separator
    assert "/admin/activities/training/?" in html  # the records behind it
    assert "「财政援助资金」为必填指标，尚未填报。" in html
    assert "乡村振兴干部培训班" in html  # the record list below the grid
    assert reverse("workflow:history", args=[year.county.pk, 2023]) in html
    assert response.context["sub"].side == "west"
    # 南沙 reports the east side of the same pairing
    client.force_login(year.users["nansha"])
    assert client.get(url(year)).context["sub"].side == "east"


def test_save_then_submit_refused_with_the_missing_list_then_complete_and_submit(client, year):
    c = client_for(client, year, "ziyun")
    sub = report(year)
    response = c.post(url(year), grid_post(sub, {"labor.employed": "3,000"}, action="submit"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "不能报送" in html and "「财政援助资金」为必填指标" in html
    assert "已保存草稿" in html  # the typed figure was saved, the submit refused
    assert ReportedValue.objects.get(indicator__code="labor.employed").value == 3000
    sub.refresh_from_db()
    assert sub.state == State.DRAFT
    response = c.post(url(year), grid_post(sub, {k: v for k, v in FULL.items() if k != "labor.employed"},
                                           action="submit"), follow=True)
    assert "已报送" in response.content.decode()
    sub.refresh_from_db()
    assert sub.state == State.SUBMITTED
    assert [s.action for s in Step.objects.all()] == ["submit"]
    html = c.get(url(year)).content.decode()
    assert 'name="v-labor.employed"' not in html and "等待上级处理" in html


def test_a_bad_figure_refuses_the_whole_save_and_keeps_what_was_typed(client, year):
    c = client_for(client, year, "ziyun")
    sub = report(year)
    response = c.post(url(year), grid_post(sub, {"funds.fiscal": "300", "cadre.e2w": "十二"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "不是数字" in html and 'value="十二"' in html and 'value="300"' in html
    assert not ReportedValue.objects.exists()


def test_a_concurrent_edit_is_refused_showing_the_others_value(client, year):
    sub = report(year)
    c = client_for(client, year, "ziyun")
    opened = {r.code: r.stamp for r in grid.report_grid(sub)}
    grid.grid_save(year.users["anshun"], sub, {"labor.employed": "2800"})  # the city office saves first
    response = c.post(url(year), grid_post(sub, {"labor.employed": "3000"}, stamps=opened))
    assert response.status_code == 400
    html = response.content.decode()
    assert "「帮助农村劳动力就业」已被anshun" in html and "改为 2800" in html and 'value="3000"' in html
    assert ReportedValue.objects.get(indicator__code="labor.employed").value == 2800


def test_an_untouched_row_changed_by_someone_else_does_not_block_a_save(client, year):
    sub = report(year)
    grid.grid_save(year.users["ziyun"], sub, {"labor.employed": "2800"})
    c = client_for(client, year, "ziyun")
    opened = {r.code: r.stamp for r in grid.report_grid(sub)}
    grid.grid_save(year.users["anshun"], sub, {"labor.employed": "2900"})
    data = grid_post(sub, {"labor.employed": "2,800", "funds.fiscal": "100"}, stamps=opened,
                     originals={"labor.employed": "2,800"})
    assert c.post(url(year), data).status_code == 302
    assert ReportedValue.objects.get(indicator__code="labor.employed").value == 2900
    assert ReportedValue.objects.get(indicator__code="funds.fiscal").value == 100


def locked_report(year):
    sub = report(year)
    grid.grid_save(None, sub, FULL)
    services.move(None, sub, "submit")
    services.move(year.users["guizhou"], sub, "approve")
    return sub


def test_a_locked_period_shows_no_inputs_and_refuses_a_direct_post(client, year):
    TrainingFactory(pairing=year.school, start_date=dt.date(2023, 6, 1), end_date=dt.date(2023, 6, 2), title="锁定的培训")
    sub = locked_report(year)
    c = client_for(client, year, "ziyun")
    html = c.get(url(year)).content.decode()
    assert "已审定锁定" in html and 'name="v-' not in html
    assert "锁定的培训" in html and "data-delete" not in html and "data-edit" not in html
    assert "data-locked" in html and "新增培训" not in html  # no add form in a locked period
    response = c.post(url(year), grid_post(sub, {"labor.employed": "1"}))
    assert response.status_code == 409
    assert "不能修改" in response.content.decode()
    assert ReportedValue.objects.get(indicator__code="labor.employed").value == 3000


def test_a_locked_period_refuses_a_record_posted_directly(client, year):
    training = TrainingFactory(pairing=year.school, start_date=dt.date(2023, 6, 1), end_date=dt.date(2023, 6, 2))
    locked_report(year)
    c = client_for(client, year, "ziyun")
    response = c.post(reverse("workflow:record_delete", args=[year.county.pk, 2023, "training", training.pk]))
    assert response.status_code == 403 and "锁定" in response.content.decode()
    assert Training.objects.filter(pk=training.pk).exists()
    data = training_form(year, title="新增的培训")
    response = c.post(reverse("workflow:record_save", args=[year.county.pk, 2023, "training"]), data)
    assert response.status_code == 403 and "锁定" in response.content.decode()
    assert not Training.objects.filter(title="新增的培训").exists()


def test_a_viewer_sees_no_inputs_and_a_posted_grid_is_refused(client, year):
    sub = report(year)
    c = client_for(client, year, "viewer")
    html = c.get(url(year)).content.decode()
    assert 'name="v-' not in html and "不能填报" in html
    response = c.post(url(year), grid_post(sub, {"labor.employed": "1"}))
    assert response.status_code == 400 and "权限" in response.content.decode()
    assert not ReportedValue.objects.exists()


def test_a_submit_from_a_stale_page_is_refused(client, year):
    sub = report(year)
    grid.grid_save(None, sub, FULL)
    c = client_for(client, year, "ziyun")
    data = grid_post(sub, {}, action="submit")
    services.move(year.users["ziyun"], sub, "submit")
    services.move(year.users["anshun"], sub, "return", comment="请核对")
    response = c.post(url(year), data)
    assert response.status_code == 409 and "已被他人处理" in response.content.decode()
    sub.refresh_from_db()
    assert sub.state == State.RETURNED


def test_the_other_side_may_not_submit_and_only_the_national_office_picks_a_side(client, year):
    c = client_for(client, year, "ziyun")
    assert c.get(url(year, side="east")).context["sub"].side == "west"
    client.force_login(year.users["national"])
    assert client.get(url(year, side="east")).context["sub"].side == "east"


def test_outside_scope_and_unknown_periods_answer_in_chinese(client, year):
    c = client_for(client, year, "ziyun")
    response = c.get(url(year, pairing=year.other))
    assert response.status_code == 404 and "不在您的数据范围内" in response.content.decode()
    response = c.get(url(year, quarter=2))
    assert response.status_code == 404 and "尚未设置2023年第2季度的填报期间" in response.content.decode()
    response = c.get(url(year, quarter=9))
    assert response.status_code == 400 and "季度" in response.content.decode()


def test_an_outlier_asks_for_an_explanation_and_saves_it(client, year):
    from shanhai.indicators.services import target_set

    target_set(indicator="funds.fiscal", year=2023, value=5_000_000, pairing=year.county)
    sub = report(year)
    grid.grid_save(None, sub, FULL)
    c = client_for(client, year, "ziyun")
    html = c.get(url(year)).content.decode()
    assert 'name="x-funds.fiscal"' in html and "请填写情况说明" in html
    c.post(url(year), grid_post(sub, {}, notes={"funds.fiscal": "年中追加资金"}))
    assert Explanation.objects.get().text == "年中追加资金"
    html = c.get(url(year)).content.decode()
    assert 'name="x-funds.fiscal"' in html and "年中追加资金" in html and "请填写情况说明" not in html


def training_form(year, **changes):
    data = {"training-pairing": year.school.pk, "training-category": "cadre", "training-title": "校长培训",
            "training-start_date": "2023-07-01", "training-end_date": "2023-07-03", "training-sessions": "1",
            "training-participants": "40"}
    data.update({f"training-{k}": v for k, v in changes.items()})
    return data


def test_records_are_added_edited_and_deleted_inline(client, year):
    c = client_for(client, year, "ziyun")
    add = reverse("workflow:record_save", args=[year.county.pk, 2023, "training"])
    response = c.post(add, training_form(year))
    assert response.status_code == 302
    training = Training.objects.get(title="校长培训")
    assert training.pairing == year.school
    html = c.get(url(year, edit=f"training-{training.pk}")).content.decode()
    assert 'value="校长培训"' in html and "保存修改" in html
    edit = reverse("workflow:record_save", args=[year.county.pk, 2023, "training", training.pk])
    assert c.post(edit, training_form(year, participants="45")).status_code == 302
    training.refresh_from_db()
    assert training.participants == 45
    delete = reverse("workflow:record_delete", args=[year.county.pk, 2023, "training", training.pk])
    assert c.post(delete).status_code == 302
    assert not Training.objects.exists()


def test_a_record_the_model_refuses_is_shown_with_its_message_and_the_form_kept(client, year):
    c = client_for(client, year, "ziyun")
    add = reverse("workflow:record_save", args=[year.county.pk, 2023, "fund"])
    response = c.post(add, {"fund-pairing": year.county.pk, "fund-year": "2023", "fund-source": "fiscal",
                            "fund-allocated": "100", "fund-disbursed": "500"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "「已拨付」不能超过「安排资金」。" in html and 'value="500"' in html
    assert not FundAllocation.objects.exists()


def test_records_outside_scope_are_neither_offered_nor_written(client, year):
    c = client_for(client, year, "ziyun")
    add = reverse("workflow:record_save", args=[year.county.pk, 2023, "training"])
    response = c.post(add, training_form(year, pairing=year.other.pk))
    assert response.status_code == 400 and "选择一个有效的选项" in response.content.decode()
    other = TrainingFactory(pairing=year.other, start_date=dt.date(2023, 6, 1), end_date=dt.date(2023, 6, 2))
    response = c.post(reverse("workflow:record_delete", args=[year.county.pk, 2023, "training", other.pk]))
    assert response.status_code == 404
    assert Training.objects.filter(pk=other.pk).exists()
    client.force_login(year.users["viewer"])
    response = client.post(add, training_form(year))
    assert response.status_code == 403 and "权限" in response.content.decode()
    assert not Training.objects.filter(title="校长培训").exists()


def test_the_plan_is_copied_saved_and_submitted(client, year):
    from shanhai.indicators.services import target_set
    from shanhai.workflow.models import Period

    Period.objects.create(programme=year.programme, year=2022, due=dt.date(2023, 1, 31))
    for code, value in FULL.items():
        target_set(indicator=code, year=2022, value=value, pairing=year.county)
    c = client_for(client, year, "ziyun")
    plan_url = url(year, "plan")
    html = c.get(plan_url).content.decode()
    assert "从上年复制" in html and "尚未填写任何目标" in html
    response = c.post(plan_url, {"action": "copy"}, follow=True)
    assert "已从上年复制 8 项目标" in response.content.decode()
    plan = services.submission_for(year.county, year.period, Kind.PLAN)
    stamps = {r.code: r.stamp for r in grid.plan_grid(plan)}
    response = c.post(plan_url, {"action": "submit", "version": plan.version, "v-labor.employed": "3,500",
                                 "o-labor.employed": "3,000", "s-labor.employed": stamps["labor.employed"]})
    assert response.status_code == 302
    assert Target.objects.get(indicator__code="labor.employed", year=2023).value == 3500
    plan.refresh_from_db()
    assert plan.state == State.SUBMITTED
    response = c.post(plan_url, {"action": "copy"})
    assert response.status_code == 409 and "不能修改" in response.content.decode()


def test_the_history_lists_who_changed_what_from_what_to_what(client, year):
    sub = report(year)
    u = year.users
    grid.grid_save(u["ziyun"], sub, {"labor.employed": "2800"})
    grid.grid_save(u["ziyun"], sub, {"labor.employed": "3000"})
    TrainingFactory(pairing=year.school, start_date=dt.date(2023, 6, 1), end_date=dt.date(2023, 6, 2),
                    title="学校培训")
    TrainingFactory(pairing=year.other, start_date=dt.date(2023, 6, 1), end_date=dt.date(2023, 6, 2),
                    title="水城培训")
    grid.grid_save(None, sub, FULL)
    services.move(u["ziyun"], sub, "submit")
    c = client_for(client, year, "ziyun")
    response = c.get(url(year, "history"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<del>2,800</del> → <ins>3,000</ins>" in html
    assert "<del>填报中</del> → <ins>已报送</ins>" in html and "学校培训" in html and "水城培训" not in html
    assert "<ins>学校培训</ins>" in html  # a record added: its fields as entered
    rows = response.context["page"].object_list
    assert rows[0].what == "填报状态" and rows[0].who == "ziyun"  # newest first
    assert client_for(client, year, "ziyun").get(url(year, "history", pairing=year.other)).status_code == 404


def test_long_record_lists_are_capped_with_a_link_to_the_admin_list(client, year):
    from shanhai.economy.models import Placement

    Placement.objects.bulk_create([Placement(pairing=year.county, year=2023, month=m % 12 + 1, kind="east", count=1)
                                   for m in range(15)])
    html = client_for(client, year, "ziyun").get(url(year)).content.decode()
    assert "共 15 条" in html and "仅显示最新 10 条" in html
    assert f"/admin/economy/placement/?pairing={year.county.pk}&amp;year=2023" in html


def test_the_national_office_switches_sides(client, year):
    client.force_login(year.users["national"])
    response = client.get(url(year, side="east"))
    assert response.context["sub"].side == "east"
    assert [s["current"] for s in response.context["sides"]] == [False, True]


def test_the_history_is_paginated_newest_first(client, year):
    from shanhai.economy.models import Placement

    for m in range(60):
        Placement.objects.create(pairing=year.county, year=2023, month=m % 12 + 1, kind="east", count=m + 1)
    Placement.objects.create(pairing=year.county, year=2022, kind="east", count=1)  # another year: not listed
    c = client_for(client, year, "ziyun")
    first = c.get(url(year, "history"))
    assert first.context["page"].paginator.count == 60 and len(first.context["page"].object_list) == 50
    assert "第 1 / 2 页，共 60 条" in first.content.decode()
    assert first.context["page"].object_list[0].changes[-1].new == "60"  # the last one created
    second = c.get(url(year, "history") + "?page=2")
    assert len(second.context["page"].object_list) == 10


def test_projects_and_workshops_are_listed_and_added_in_the_assisted_area(client, year):
    from shanhai.economy.models import Workshop
    from shanhai.indicators.selectors import indicator_table
    from shanhai.projects.models import Project
    from shanhai.regions.lookup import find_region

    c = client_for(client, year, "ziyun")
    html = c.get(url(year)).content.decode()
    assert 'id="records-project"' in html and 'id="records-workshop"' in html
    west = year.county.west_region
    # the place lists offer the assisted county and what lies in it, nothing from elsewhere
    assert f'<option value="{west.pk}" selected>{west.name}</option>' in html
    assert "南沙区</option>" not in html.split('id="records-project"')[1]
    add = reverse("workflow:record_save", args=[year.county.pk, 2023, "project"])
    response = c.post(add, {"project-pairing": year.county.pk, "project-name": "紫云县职教中心实训楼",
                            "project-kind": "other", "project-sector": "education", "project-location": west.pk,
                            "project-status": "underway", "project-budget": "12000000",
                            "project-start_date": "2023-04-01", "project-beneficiaries": "600"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Project.objects.get(name="紫云县职教中心实训楼").location == west
    add = reverse("workflow:record_save", args=[year.county.pk, 2023, "workshop"])
    elsewhere = find_region("广州市南沙区")
    response = c.post(add, {"workshop-pairing": year.county.pk, "workshop-name": "猫营镇帮扶车间",
                            "workshop-region": elsewhere.pk, "workshop-established": "2023-05-10", "workshop-jobs": "35"})
    assert response.status_code == 400 and not Workshop.objects.exists()  # not a choice: outside 紫云
    response = c.post(add, {"workshop-pairing": year.county.pk, "workshop-name": "猫营镇帮扶车间",
                            "workshop-region": west.pk, "workshop-established": "2023-05-10", "workshop-jobs": "35"})
    assert response.status_code == 302
    html = c.get(url(year)).content.decode()
    assert "紫云县职教中心实训楼" in html and "猫营镇帮扶车间" in html
    table = {r.code: r for r in indicator_table(year.users["ziyun"], pairing=year.county.pk, year=2023)}
    assert table["workshop.jobs"].computed == 35 and table["project.count"].computed == 1


def test_investments_and_donations_are_added_inline_and_counted(client, year):
    from shanhai.economy.models import Investment
    from shanhai.indicators.selectors import indicator_table
    from shanhai.network.models import OrgKind
    from tests.factories import OrganisationFactory

    firm = OrganisationFactory(kind=OrgKind.ENTERPRISE, region=year.county.east_region, name="南沙食品有限公司")
    OrganisationFactory(kind=OrgKind.ENTERPRISE, region=year.other.east_region, name="中山区远方公司")
    c = client_for(client, year, "ziyun")
    html = c.get(url(year)).content.decode()
    form = html.split('id="records-investment"')[1].split('id="records-donation"')[0]
    assert "南沙食品有限公司" in form and "中山区远方公司" not in form  # only the pairing's two sides
    add = reverse("workflow:record_save", args=[year.county.pk, 2023, "investment"])
    assert c.post(add, {"investment-pairing": year.county.pk, "investment-enterprise": firm.pk,
                        "investment-year": "2023", "investment-amount": "5000000",
                        "investment-rural_jobs": "40"}).status_code == 302
    add = reverse("workflow:record_save", args=[year.county.pk, 2023, "donation"])
    assert c.post(add, {"donation-pairing": year.county.pk, "donation-donor": "南沙区慈善会",
                        "donation-recipient": "紫云自治县民政局", "donation-kind": "money", "donation-value": "200000",
                        "donation-quantity": "0", "donation-date": "2023-09-01"}).status_code == 302
    assert Investment.objects.get().enterprise == firm
    table = {r.code: r for r in indicator_table(year.users["ziyun"], pairing=year.county.pk, year=2023)}
    assert table["industry.investment"].computed == 5_000_000 and table["funds.social"].computed == 200_000
    html = c.get(url(year)).content.decode()
    assert "南沙区慈善会" in html and "5,000,000" in html
