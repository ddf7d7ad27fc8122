"""The data-entry screen in a real Chromium (Debian's, through Playwright), as the 紫云 officer uses it:
open the report, type figures (shown with thousands separators, Enter moves down, a column pasted from
Excel fills the cells below), save, submit and be refused with the missing list, complete, submit; a
locked period shows no inputs and a direct POST is refused in Chinese with nothing saved; two people
editing the same figure: the second is refused and shown the first one's value.

The people and the pairing come from tests/workflow/conftest.py's `year` fixture, served by
pytest-django's live server; the officer's session is a logged-in test client's cookie. Screenshots go
to var/screenshots/workflow-entry-*.png (git-ignored).
"""

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from shanhai.indicators.models import ReportedValue
from shanhai.workflow import grid, services
from shanhai.workflow.models import Kind, State
from tests.web.test_web_browser import screenshots_published
from tests.workflow.conftest import FULL

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
_publish_screenshots = screenshots_published(__file__)  # README links these
REQUIRED = ("funds.fiscal", "cadre.e2w", "talent.e2w", "train.cadre.people", "labor.employed", "consume.sales")


@pytest.fixture
def cycle(live_server, transactional_db, request):
    """The `year` fixture on a live server: roles and default rules are put back first (a transactional
    test before this one flushed what the migrations had loaded)."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from shanhai.accounts.roles import roles_sync
    from shanhai.workflow.models import CheckRule

    if not Group.objects.exists():
        roles_sync()
    if not CheckRule.objects.exists():
        importlib.import_module("shanhai.workflow.migrations.0002_default_rules").load(apps, None)
    SHOTS.mkdir(parents=True, exist_ok=True)
    return live_server, request.getfixturevalue("year")


def open_as(browser, server, user, path):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # 确认报送？
    page.csp_errors = []  # the Content-Security-Policy refuses inline script and style: none may be refused
    page.on("console", lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(server.url + path)
    return context, page


def cell(code):
    return f'input[name="v-{code}"]'


def entry_path(year):
    return reverse("workflow:entry", args=[year.county.pk, 2023])


def test_officer_types_saves_is_refused_completes_and_submits(browser, cycle):
    server, year = cycle
    context, page = open_as(browser, server, year.users["ziyun"], entry_path(year))
    assert page.locator("h1").inner_text().startswith("南沙区")
    assert page.locator('[data-key="state"]').inner_text() == "填报中"
    assert page.locator("tr.wf-cat").count() >= 5  # grouped by category
    assert "人次" in page.locator("#row-train\\.cadre\\.people .wf-unit").inner_text()
    page.screenshot(path=SHOTS / "workflow-entry-empty.png", full_page=True)

    # Type like in Excel: digits, Enter to go down; the figure shows with separators when left.
    page.click(cell("funds.fiscal"))
    page.keyboard.type("30000000")
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.name")
    assert focused != "v-funds.fiscal" and focused.startswith("v-")
    assert page.input_value(cell("funds.fiscal")) == "30,000,000"
    assert page.locator("#row-funds\\.fiscal").get_attribute("class").find("wf-changed") >= 0
    # A column copied from Excel fills the cells below the one pasted into.
    codes = page.locator("input[data-num]").evaluate_all("cells => cells.map(c => c.name.slice(2))")
    start = codes.index("cadre.e2w")
    page.locator(cell("cadre.e2w")).evaluate("""(input) => {
        const data = new DataTransfer(); data.setData('text/plain', '12\\r\\n20\\r\\n');
        input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""")
    assert page.input_value(cell(codes[start])) == "12" and page.input_value(cell(codes[start + 1])) == "20"
    page.fill(cell("labor.employed"), "3000")
    page.screenshot(path=SHOTS / "workflow-entry-typed.png", full_page=True)
    page.click('button[data-action="save"]')
    page.wait_for_load_state()
    assert "已保存草稿（4 项改动）" in page.locator(".wf-messages").inner_text()
    assert page.input_value(cell("labor.employed")) == "3,000"
    assert ReportedValue.objects.get(indicator__code="funds.fiscal").value == 30_000_000

    # Submit: refused, with what is missing listed and shown beside its row.
    page.click('button[data-action="submit"]')
    page.wait_for_load_state()
    alert = page.locator(".wf-error").inner_text()
    assert "不能报送" in alert and "「东部选派专业技术人才」为必填指标，尚未填报" in alert
    assert "「财政援助资金」" not in alert
    assert "为必填指标" in page.locator("#row-consume\\.sales .wf-notes").inner_text()
    page.screenshot(path=SHOTS / "workflow-entry-refused.png", full_page=True)
    page.screenshot(path=SHOTS / "workflow-entry-refused-top.png")

    # A training added below the grid: its participants are counted in the computed column at once, and
    # the officer need not type that figure.
    page.click("#records-training summary")
    form = page.locator("#records-training form.wf-record-form")
    form.locator('select[name="training-category"]').select_option("cadre")
    form.locator('input[name="training-title"]').fill("紫云县乡村振兴干部培训班")
    form.locator('input[name="training-start_date"]').fill("2023-05-10")
    form.locator('input[name="training-participants"]').fill("600")
    form.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    assert "已保存培训" in page.locator(".wf-messages").inner_text()
    assert page.locator("#records-training tbody tr").count() == 1
    assert page.locator('#row-train\\.cadre\\.people td[data-key="computed"]').inner_text() == "600"
    assert page.locator("#row-train\\.cadre\\.people .wf-notes").inner_text() == ""

    # Complete and submit: saved and sent up in one click; the grid is then read-only.
    for code in REQUIRED:
        if not page.input_value(cell(code)) and code != "train.cadre.people":
            page.fill(cell(code), FULL[code])
    page.fill(cell("labor.employed.new"), FULL["labor.employed.new"])
    page.click('button[data-action="submit"]')
    page.wait_for_load_state()
    assert "已报送" in page.locator(".wf-messages").inner_text()
    assert page.locator('[data-key="state"]').inner_text() == "已报送"
    assert page.locator("input[data-num]").count() == 0
    assert page.locator("#table-steps tbody tr").count() == 1
    sub = services.submission_for(year.county, year.period, Kind.REPORT, "west")
    assert sub.state == State.SUBMITTED
    page.screenshot(path=SHOTS / "workflow-entry-submitted.png", full_page=True)

    # The history tab: who changed what, from what to what; the plan tab beside it.
    page.click('.wf-tabs a[data-tab="history"]')
    page.wait_for_load_state()
    table = page.locator("#table-history").inner_text()
    assert "填报状态" in table and "已报送" in table and "紫云县乡村振兴干部培训班" in table and "30,000,000" in table
    page.screenshot(path=SHOTS / "workflow-entry-history.png", full_page=True)
    page.click('.wf-tabs a[data-tab="plan"]')
    page.wait_for_load_state()
    assert page.locator('input[name="v-labor.employed"]').count() == 1
    assert "尚未填写任何目标" in page.locator("[data-problems=general]").inner_text()
    page.screenshot(path=SHOTS / "workflow-entry-plan.png", full_page=True)
    assert page.csp_errors == []
    context.close()


def test_locked_period_shows_no_inputs_and_a_direct_post_is_refused(browser, cycle):
    server, year = cycle
    sub = services.submission_for(year.county, year.period, Kind.REPORT, "west")
    grid.grid_save(None, sub, FULL)
    services.move(year.users["ziyun"], sub, "submit")
    services.move(year.users["guizhou"], sub, "approve")
    context, page = open_as(browser, server, year.users["ziyun"], entry_path(year))
    assert "已审定锁定" in page.locator('[data-banner="locked"]').inner_text()
    assert page.locator("input[data-num]").count() == 0
    assert page.locator('button[data-action="save"]').count() == 0
    page.screenshot(path=SHOTS / "workflow-entry-locked.png", full_page=True)
    # A POST made by hand (the form is not there to send) is refused in Chinese; nothing changes.
    status, text = page.evaluate("""async (url) => {
        const body = new FormData();
        body.append('csrfmiddlewaretoken', document.querySelector('input[name=csrfmiddlewaretoken]').value);
        body.append('action', 'save'); body.append('v-labor.employed', '1'); body.append('o-labor.employed', '');
        const r = await fetch(url, {method: 'POST', body});
        return [r.status, await r.text()];
    }""", server.url + entry_path(year))
    assert status == 409 and "省级已审定，不能修改" in text
    assert ReportedValue.objects.get(indicator__code="labor.employed", side="west").value == 3000
    context.close()


def test_a_concurrent_edit_is_refused_showing_the_others_value(browser, cycle):
    server, year = cycle
    path = entry_path(year)
    mine, page = open_as(browser, server, year.users["ziyun"], path)
    theirs, other = open_as(browser, server, year.users["anshun"], path)  # the city office, same side
    other.fill(cell("labor.employed"), "2900")
    other.click('button[data-action="save"]')
    other.wait_for_load_state()
    assert "已保存草稿" in other.locator(".wf-messages").inner_text()
    page.fill(cell("labor.employed"), "3100")
    page.fill(cell("funds.fiscal"), "500")
    page.click('button[data-action="save"]')
    page.wait_for_load_state()
    alert = page.locator(".wf-error").inner_text()
    assert "「帮助农村劳动力就业」已被anshun" in alert and "改为 2900" in alert and "您的 3,100 未保存；请核对后重新填写" in alert
    assert page.input_value(cell("labor.employed")) == "3,100"  # what was typed is kept …
    assert "wf-conflict" in page.locator("#row-labor\\.employed").get_attribute("class")
    assert page.input_value(cell("funds.fiscal")) == "500"
    # … and nothing of that save was written (all or nothing)
    assert ReportedValue.objects.get(indicator__code="labor.employed").value == 2900
    assert not ReportedValue.objects.filter(indicator__code="funds.fiscal").exists()
    page.screenshot(path=SHOTS / "workflow-entry-conflict.png", full_page=True)
    mine.close()
    theirs.close()
