"""The review round in a real Chromium: 紫云 has submitted its report; 安顺 and 贵州 see it in my work;
南沙 disputes a figure on the reconciliation page; 贵州 tries to approve it, sees the dispute, and returns
it with a comment; 紫云 sees it returned with the reason in my work.

The people and the pairing are `tests/workflow/conftest.py`'s `year` (logins through the site's form,
so the accounts are staff here). Screenshots: var/screenshots/workflow-review-*.png.
"""

import importlib
from pathlib import Path

import pytest

from shanhai.workflow import grid, services
from shanhai.workflow.models import Kind, State, Submission
from tests.web.test_web_browser import screenshots_published
from tests.workflow.conftest import FULL

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
_publish_screenshots = screenshots_published(__file__)  # README links these


@pytest.fixture
def flow(live_server, transactional_db, request):
    """The `year` people on a live server, after a flush: the roles and the default rules put back."""
    from django.apps import apps
    from django.contrib.auth.models import User

    from shanhai.accounts.roles import roles_sync
    from shanhai.regions.lookup import clear_index

    clear_index()
    roles_sync()
    importlib.import_module("shanhai.workflow.migrations.0002_default_rules").load(apps, None)
    year = request.getfixturevalue("year")
    User.objects.update(is_staff=True)  # the site's login form is the admin's
    west = services.submission_for(year.county, year.period, Kind.REPORT, "west")
    grid.grid_save(None, west, {**FULL, "labor.employed": "3200"})
    east = services.submission_for(year.county, year.period, Kind.REPORT, "east")
    grid.grid_save(None, east, FULL)
    services.move(year.users["ziyun"], west, "submit")
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield year, live_server, west
    clear_index()


def login(browser, server, username: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/work/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/work/")
    return context, page


def test_submitted_disputed_returned_and_seen_back_in_my_work(browser, flow):
    year, server, west = flow
    row = f"tr[data-submission='{west.pk}']"

    # 安顺 sees 紫云's submitted report in my work and reviews it there
    context, page = login(browser, server, "anshun")
    assert page.locator("header nav a").first.get_attribute("data-nav") == "work"
    assert page.locator("#review").is_visible()
    assert "紫云" in page.locator(row).inner_text() and "已报送" in page.locator(row).inner_text()
    page.screenshot(path=SHOTS / "workflow-review-anshun-work.png", full_page=True)
    page.click(f"{row} button[data-action=return]")  # a return without a reason is stopped on the page
    assert "wf-missing" in (page.locator(f"{row} textarea").get_attribute("class") or "")
    with page.expect_navigation():
        page.click(f"{row} button[data-action=review]")
    assert "审核通过" in page.locator(".wf-messages").inner_text()
    context.close()
    assert Submission.objects.get(pk=west.pk).state == State.REVIEWED

    # 贵州 sees it waiting for approval in my work
    context, page = login(browser, server, "guizhou")
    assert "市（州）已审核" in page.locator(row).inner_text()
    assert page.locator(f"{row} button[data-action=approve]").is_visible()
    context.close()

    # 南沙 disputes 紫云's 3,200 jobs (南沙's own figure: 3,000) on the reconciliation page
    context, page = login(browser, server, "nansha")
    page.goto(f"{server.url}/work/reconcile/?east=440000&west=520000&year=2023")
    jobs = page.locator("tr[data-indicator='labor.employed']")
    assert page.locator("table.wf-recon tbody tr").first.get_attribute("data-indicator") == "labor.employed"
    assert jobs.locator("[data-east]").inner_text() == "3,000" and jobs.locator("[data-west]").inner_text() == "3,200"
    assert "待核对" in jobs.locator("[data-status]").inner_text()
    jobs.locator("textarea").fill("南沙台账为3000人，其中200人为2022年转入")
    with page.expect_navigation():
        jobs.locator("button[data-answer=disputed]").click()
    assert "已提出异议" in page.locator(".wf-messages").inner_text()
    jobs = page.locator("tr[data-indicator='labor.employed']")
    assert "东部有异议：南沙台账为3000人" in jobs.locator(".wf-answers").inner_text()
    page.screenshot(path=SHOTS / "workflow-review-reconcile.png", full_page=True)
    context.close()

    # 贵州 tries to approve on the review list: refused, with 南沙's dispute; returns it with a comment
    context, page = login(browser, server, "guizhou")
    page.click("header nav a[data-nav=review]")
    page.wait_for_url("**/work/review/")
    item = page.locator(f"tr[data-submission='{west.pk}']")
    assert "南沙台账为3000人" in item.inner_text()  # the dispute shows in the list already
    item.locator("input[name=ids]").check()
    assert "1" in page.locator("[data-selected-count]").inner_text()
    with page.expect_navigation():
        page.click("button[data-bulk=approve]")
    result = page.locator(".wf-result").inner_text()
    assert "已处理 0 项" in result and "东部有异议：南沙台账为3000人" in result
    page.screenshot(path=SHOTS / "workflow-review-refused.png", full_page=True)
    page.locator(f"tr[data-submission='{west.pk}'] input[name=ids]").check()
    page.fill(".wf-bulkbar textarea[name=comment]", "请与南沙核对就业人数")
    with page.expect_navigation():
        page.click("button[data-bulk=return]")
    assert "已处理 1 项" in page.locator(".wf-result").inner_text()
    context.close()
    assert Submission.objects.get(pk=west.pk).state == State.RETURNED

    # 紫云 sees it returned, with the reason, and the dispute, in my work
    context, page = login(browser, server, "ziyun")
    returned = page.locator("#returned")
    assert "请与南沙核对就业人数" in returned.inner_text()
    assert f"/work/pairings/{year.county.pk}/2023/report/" in returned.locator("a.button").get_attribute("href")
    assert "南沙台账为3000人" in page.locator("#disputes").inner_text()
    page.screenshot(path=SHOTS / "workflow-review-ziyun-returned.png", full_page=True)
    context.close()
