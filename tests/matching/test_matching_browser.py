"""紫云 posts a need, 南沙 posts an offer, the proposal appears on both sides, both accept, and the
dispatch record and the indicator move — in Chromium, through the pages only.

Screenshots go to var/screenshots/matching-*.png; `SHANHAI_UPDATE_SCREENSHOTS=1` copies them to
docs/screenshots/ (the README links them).
"""

import pytest

from shanhai.people.models import Dispatch
from tests.web.test_web_browser import SHOTS, screenshots_published

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-pw-1"

_publish_screenshots = screenshots_published(__file__)


@pytest.fixture
def world(live_server, transactional_db):
    from django.contrib.auth.models import Group, User

    from shanhai.accounts.models import Scope
    from shanhai.accounts.roles import DATA_ENTRY, roles_sync
    from shanhai.indicators.catalogue import catalogue_sync
    from shanhai.indicators.models import Indicator
    from shanhai.indicators.rollups import catalogue_clear
    from shanhai.network.models import OrgKind, PairingKind
    from shanhai.regions.lookup import clear_index, find_region
    from shanhai.regions.models import Region
    from shanhai.regions.services import regions_load
    from tests.factories import OrganisationFactory, PairingFactory, ProgrammeFactory

    if not Region.objects.exists():
        regions_load()
    if not Indicator.objects.exists():
        catalogue_sync()
    clear_index()
    catalogue_clear()
    roles_sync()
    programme = ProgrammeFactory(name="东西部协作（2021—2025年）")
    county = PairingFactory(programme=programme)
    east = OrganisationFactory(name="广州市南沙区黄阁中学", kind=OrgKind.SECONDARY, region=county.east_region)
    west = OrganisationFactory(name="紫云自治县民族中学", kind=OrgKind.SECONDARY, region=county.west_region)
    school = PairingFactory(programme=programme, parent=county, kind=PairingKind.SCHOOL, east_org=east, west_org=west)
    for name, region in (("ziyun", "紫云自治县"), ("nansha", "广州市南沙区")):
        user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=DATA_ENTRY))
        Scope.objects.create(user=user, region=find_region(region))
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield live_server, school
    clear_index()
    catalogue_clear()


def login(browser, site, username: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{site.url}/admin/login/?next=/match/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site.url}/match/")
    return context, page


def post(page, side: str, fields: dict[str, str]) -> None:
    page.click(f"[data-new={side}]")
    for name, value in fields.items():
        locator = page.locator(f"[name={name}]")
        if locator.evaluate("e => e.tagName") == "SELECT":
            locator.select_option(label=value)
        else:
            locator.fill(value)
    page.click("[data-save]")
    page.wait_for_selector("text=已保存。")


def teachers(pairing) -> int:
    from shanhai.indicators.models import PairingValue

    row = PairingValue.objects.filter(pairing=pairing, indicator__code="talent.e2w.teacher", year=2025,
                                      period=0).first()
    return int(row.value) if row else 0


def test_ziyun_needs_nansha_offers_both_accept(browser, world) -> None:
    site, school = world
    before = teachers(school)
    ziyun_ctx, ziyun = login(browser, site, "ziyun")
    common = {"start_date": "2025-09-01", "end_date": "2025-12-31", "expires_on": "2027-06-30", "subject": "数学",
              "level": "初中", "kind": "教师", "domain": "教育"}
    post(ziyun, "need", {**common, "organisation_name": "紫云自治县民族中学", "title": "初中数学教师支教一学期",
                         "quantity": "2"})
    need_url = ziyun.url
    assert "紫云苗族布依族自治县" in ziyun.inner_text(".mt-facts")  # the place came from the officer's scope

    nansha_ctx, nansha = login(browser, site, "nansha")
    post(nansha, "offer", {**common, "region_name": "广州市南沙区", "organisation_name": "广州市南沙区黄阁中学",
                           "title": "数学骨干教师赴紫云支教", "quantity": "3"})

    ziyun.goto(need_url)
    ranked = ziyun.locator(".mt-ranked tbody tr").first
    assert "数学骨干教师赴紫云支教" in ranked.inner_text() and "本结对" in ranked.inner_text()
    ziyun.screenshot(path=str(SHOTS / "matching-ranked.png"), full_page=True)
    ranked.locator("[data-propose]").click()
    ziyun.wait_for_selector("text=已提议对接")

    # the proposal on both sides, each asked for its own answer
    ziyun.goto(f"{site.url}/match/")
    assert ziyun.locator(".mt-matches [data-accept=need]").count() == 1
    assert ziyun.locator(".mt-matches [data-accept=offer]").count() == 0
    ziyun.locator("[data-accept=need]").click()
    ziyun.wait_for_selector("text=需求方已接受")
    nansha.goto(f"{site.url}/match/")
    row = nansha.locator(".mt-matches tbody tr").first
    assert "初中数学教师支教一学期" in row.inner_text() and "需求方已接受" in row.inner_text()
    nansha.screenshot(path=str(SHOTS / "matching-proposal.png"), full_page=True)
    assert not Dispatch.objects.exists()
    row.locator("[name=names]").fill("陈思远、黄晓梅")
    row.locator("[data-accept=offer]").click()
    nansha.wait_for_selector("text=双方已接受")

    dispatches = Dispatch.objects.filter(pairing=school).select_related("person")
    assert sorted(d.person.name for d in dispatches) == ["陈思远", "黄晓梅"]
    assert teachers(school) == before + 2
    assert "陈思远" in nansha.inner_text(".mt-matches")  # the created records are listed on the match
    nansha.screenshot(path=str(SHOTS / "matching-accepted.png"), full_page=True)

    # the indicator on the pairing's page moved
    ziyun.goto(f"{site.url}/pairings/{school.pk}/?year=2025")
    ziyun.screenshot(path=str(SHOTS / "matching-pairing.png"), full_page=True)
    ziyun_ctx.close()
    nansha_ctx.close()
