"""The whole assessment of 南沙→紫云 2023 in a real Chromium, as the people who do it would: the national
office makes the year's scheme and opens it; 安顺 (the city office above 紫云) scores the qualitative items
and adjusts a computed one with a reason; 紫云 writes its self-evaluation and objects to an item; 安顺
decides the objection and finalises; the results page shows the grade, the rank and the distribution.

The people and figures are `tests/assessment/conftest.py`'s `assessed` (紫云's report approved first, so
its figures are locked). Screenshots: var/screenshots/assessment-*.png.
"""

import importlib
from decimal import Decimal as D
from pathlib import Path

import pytest

from shanhai.assessment.models import Assessment, AssessmentState, Objection, Score
from tests.assessment.conftest import approve
from tests.assessment.test_compute import COMPUTED
from tests.web.test_web_browser import screenshots_published

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
_publish_screenshots = screenshots_published(__file__)  # README may link these


@pytest.fixture
def scene(live_server, transactional_db, request):
    """`assessed` on a live server after a flush (roles and default rules put back), 紫云's report approved."""
    from django.apps import apps
    from django.contrib.auth.models import User

    from shanhai.accounts.roles import roles_sync
    from shanhai.regions.lookup import clear_index

    clear_index()
    roles_sync()
    importlib.import_module("shanhai.workflow.migrations.0002_default_rules").load(apps, None)
    assessed = request.getfixturevalue("assessed")
    approve(assessed)
    User.objects.update(is_staff=True)  # the site's login form is the admin's
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield assessed, live_server
    clear_index()


def login(browser, server, username: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the pages ask before irreversible steps
    page.goto(f"{server.url}/assessment/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/assessment/")
    return context, page


def _message(page) -> str:
    return page.locator(".wf-messages").inner_text()


def _row(page, code: str):
    return page.locator(f"tr[data-item='{code}']")


def _adjust(page, code: str, points: str, reason: str) -> None:
    row = _row(page, code)
    row.locator("input[name=points]").fill(points)
    row.locator("textarea[name=reason]").fill(reason)
    with page.expect_navigation():
        row.locator("button[value=adjust]").click()


def test_the_whole_assessment_as_people_do_it(browser, scene):
    assessed, server = scene
    programme = assessed.year.programme

    # the national office makes 2023's scheme (copied from the default) and opens it: frozen, drafts computed
    context, page = login(browser, server, "national")
    page.select_option("select[name=programme]", str(programme.pk))
    page.fill("input[name=year]", "2023")
    page.select_option("select[name=subject]", "west")
    with page.expect_navigation():
        page.click("button:has-text('新建（复制上年或默认方案）')")
    assert "/assessment/schemes/" in page.url and "编辑中" in page.inner_text("main")
    page.screenshot(path=SHOTS / "assessment-scheme.png", full_page=True)
    with page.expect_navigation():
        page.click("button[value=open]")
    assert "考核已开启，方案已冻结；已计算2个单位的考核初稿" in _message(page)
    assert "考核中（方案已冻结）" in page.inner_text("main")
    context.close()
    a = Assessment.objects.get(scheme__programme=programme, scheme__year=2023, pairing=assessed.year.county)
    assert a.computed == COMPUTED and a.blocked == 3  # figures locked; three qualitative items unscored

    # 安顺 opens 紫云's draft from the results, sees why each point was given and what blocks finalising
    context, page = login(browser, server, "anshun")
    page.goto(f"{server.url}/assessment/schemes/{a.scheme_id}/results/")
    with page.expect_navigation():
        page.click(f"tr[data-assessment='{a.pk}'] a")
    assert "3 项阻止定稿" in page.locator("[data-problems]").inner_text()
    jobs = _row(page, "labor.employed")
    assert jobs.locator("[data-rate]").inner_text() == "80%" and "完成率≥80%" in jobs.locator("[data-band]").inner_text()
    assert "数据已审定锁定" in jobs.inner_text()
    # an adjustment without a reason is stopped on the page, before it is sent
    _row(page, "consume.sales").locator("input[name=points]").fill("9")
    _row(page, "consume.sales").locator("button[value=adjust]").click()
    assert "wf-missing" in (_row(page, "consume.sales").locator("textarea").get_attribute("class") or "")
    _adjust(page, "q.leadership", "8", "领导小组每季度召开协作推进会，机制健全")
    assert "已保存“组织领导与机制建设”的评审得分" in _message(page)
    _adjust(page, "q.innovation", "6", "“南沙订单+紫云基地”产销模式被省里推广")
    _adjust(page, "q.inspection", "6", "督查发现的问题已全部整改")
    _adjust(page, "consume.sales", "9", "12月直播带货已签约订单经核实计入，完成率按80%计")
    sales = _row(page, "consume.sales")
    assert sales.locator("[data-adjusted]").inner_text() == "9.00" and "市州" in sales.inner_text()
    assert "12月直播带货已签约订单经核实计入" in page.locator(".as-history").inner_text()
    assert page.locator("[data-total]").inner_text() == str(COMPUTED + 20 + 9)
    page.screenshot(path=SHOTS / "assessment-review.png", full_page=True)
    context.close()

    # 紫云 reads its draft, writes its self-evaluation and objects to the jobs item (9 of 12)
    context, page = login(browser, server, "ziyun")
    page.goto(f"{server.url}/assessment/{a.pk}/")
    assert not page.locator("button[value=adjust]").count()  # the unit does not score itself
    page.fill("textarea[name=self_evaluation]", "全年完成协议主要目标任务，劳动力就业人数因统计口径偏低。")
    with page.expect_navigation():
        page.click("button[value=self]")
    assert "已保存自评" in _message(page) and "统计口径偏低" in page.locator("[data-self]").inner_text()
    jobs = _row(page, "labor.employed")
    jobs.locator("summary:has-text('提出异议')").click()
    jobs.locator("textarea[name=text]").fill("就业人数未计入12月新增的南沙帮扶车间就业人员750人")
    jobs.locator("textarea[name=evidence]").fill("车间用工花名册.xlsx")
    jobs.locator("input[name=points]").fill("12")
    with page.expect_navigation():
        jobs.locator("button[value=object]").click()
    assert "已对“帮助农村劳动力就业”提出异议，等待上级裁定" in _message(page)
    assert _row(page, "labor.employed").locator("[data-objection=open]").count() == 1
    page.screenshot(path=SHOTS / "assessment-objection.png", full_page=True)
    context.close()

    # 安顺, the level above, upholds the objection at the asked points, then finalises
    context, page = login(browser, server, "anshun")
    page.goto(f"{server.url}/assessment/{a.pk}/")
    assert "异议尚未裁定" in page.locator("[data-problems]").inner_text()
    jobs = _row(page, "labor.employed")
    jobs.locator("textarea[name=decision]").fill("花名册与社保缴纳记录一致，予以计入")
    with page.expect_navigation():
        jobs.locator("button[value=upheld]").click()
    assert "已裁定“帮助农村劳动力就业”的异议：成立" in _message(page)
    assert not page.locator("[data-problems]").count()
    total = COMPUTED + 20 + 9 + 3  # 63.70: the jobs item at its full 12
    assert page.locator("[data-total]").inner_text() == str(total)
    with page.expect_navigation():
        page.click("button[data-finalise]")
    assert "考核已定稿" in _message(page) and "已定稿" in page.locator(".as-state-final").inner_text()
    assert not page.locator("button[value=adjust]").count()
    page.screenshot(path=SHOTS / "assessment-final.png", full_page=True)
    context.close()
    a.refresh_from_db()
    assert (a.state, a.total, a.grade) == (AssessmentState.FINAL, total, "一般")
    assert Objection.objects.get(score__assessment=a).state == "upheld"
    assert Score.objects.get(assessment=a, item__code="labor.employed").adjusted == D(12)

    # the results: 紫云 first of the programme's two county pairs, graded 一般; the distribution counts it
    context, page = login(browser, server, "national")
    page.goto(f"{server.url}/assessment/schemes/{a.scheme_id}/results/")
    row = page.locator(f"tr[data-assessment='{a.pk}']")
    cells = row.locator("td")
    assert cells.nth(0).inner_text() == "1" and "紫云" in cells.nth(1).inner_text()
    assert cells.nth(5).inner_text() == str(total) and cells.nth(6).inner_text().startswith("一般")
    assert "已定稿" in cells.nth(9).inner_text()
    other = Assessment.objects.get(scheme=a.scheme, pairing=assessed.year.other)
    counts = {g: page.locator(f".as-distribution tr[data-grade='{g}'] td.num").inner_text()
              for g in ("好", "较好", "一般", "差")}
    expected = {g: "0" for g in counts}
    expected["一般"] = "1"
    expected[other.grade] = str(int(expected[other.grade]) + 1)
    assert counts == expected
    assert page.locator(".as-results tbody tr").count() == 2
    page.screenshot(path=SHOTS / "assessment-results.png", full_page=True)
    context.close()
