"""The pages in a real browser, as a person uses them: Debian's Chromium driven by Playwright.

The demo network and its seeded records are built into the test database, the app is served by
pytest-django's live server, and the tests log in through the login form, read what the page shows
(headline numbers, chart data, map lines), click through map → province → pairing, switch the
language, download an export, and write a screenshot of every page to var/screenshots/ (git-ignored,
so a test run leaves the tree as it was). `SHANHAI_UPDATE_SCREENSHOTS=1` also copies them to
docs/screenshots/, the ones the README links. Every figure checked is summed here straight from the records.

Chromium missing: skipped with the reason on a workstation, a failure under CI=true (`make browser`
installs it there).
"""

import io
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django.db.models import Sum

from shanhai.network.models import Pairing, PairingKind
from shanhai.projects.models import FundAllocation, FundSource

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
LINE_KINDS = (PairingKind.PROVINCE, PairingKind.PREFECTURE, PairingKind.COUNTY)
PASSWORD = "browser-test-pw-1"


@pytest.fixture
def site(live_server, transactional_db):
    """The demo network with its records and roll-ups, an admin and the 紫云 officer."""
    from django.contrib.auth.models import User

    from shanhai.accounts.models import Scope
    from shanhai.demo.synth import synth
    from shanhai.indicators.catalogue import catalogue_sync
    from shanhai.indicators.models import Indicator
    from shanhai.indicators.rollups import catalogue_clear, rollups_rebuild
    from shanhai.regions.lookup import clear_index, find_region
    from shanhai.regions.models import Region
    from shanhai.regions.services import regions_load

    # A transactional test before this one flushed the tables the session setup had loaded.
    if not Region.objects.exists():
        regions_load()
    if not Indicator.objects.exists():
        catalogue_sync()
    clear_index()
    catalogue_clear()
    synth(scale="demo", seed=2021)
    rollups_rebuild(resume=False)
    User.objects.create_superuser("admin", password=PASSWORD)
    officer = User.objects.create_user("ziyun", password=PASSWORD, is_staff=True)
    Scope.objects.create(user=officer, region=find_region("紫云自治县"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield live_server
    clear_index()
    catalogue_clear()


def screenshots_published(module_file: str):
    """A module fixture: with SHANHAI_UPDATE_SCREENSHOTS=1, the screenshots the module names and wrote in
    this run (the ones the README links) replace those in docs/screenshots/. A browser test module
    says `_publish_screenshots = screenshots_published(__file__)`."""

    @pytest.fixture(scope="module", autouse=True)
    def _publish():
        started = time.time()
        yield
        if os.environ.get("SHANHAI_UPDATE_SCREENSHOTS") != "1":
            return
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        for name in re.findall(r'SHOTS / "([\w-]+\.png)"', Path(module_file).read_text(encoding="utf-8")):
            shot = SHOTS / name
            if shot.exists() and shot.stat().st_mtime >= started:
                shutil.copyfile(shot, DOCS_SHOTS / name)

    return _publish


_publish_screenshots = screenshots_published(__file__)


def login(browser, site, username: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{site.url}/")  # anonymous: sent to the login form
    assert "/admin/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site.url}/")
    return context, page


def fiscal(year: int, **filters) -> int:
    qs = FundAllocation.objects.filter(year=year, source=FundSource.FISCAL, **filters)
    return qs.aggregate(total=Sum("allocated"))["total"] or 0


def chart_series(page, selector: str) -> list:
    page.wait_for_selector(f"{selector}[data-drawn='1']")
    return page.evaluate(
        "s => echarts.getInstanceByDom(document.querySelector(s)).getOption().series.map(x => x.data)", selector)


def chart_title(page, selector: str) -> str:
    return page.evaluate("s => echarts.getInstanceByDom(document.querySelector(s)).getOption().title[0].text",
                         selector)


def map_pixel(page, lng: float, lat: float) -> tuple[float, float]:
    """Page coordinates of a geographic point on the drawn map."""
    x, y = page.evaluate(
        "p => echarts.getInstanceByDom(document.getElementById('map')).convertToPixel({geoIndex: 0}, p)", [lng, lat])
    box = page.locator("#map").bounding_box()
    return box["x"] + x, box["y"] + y


def line_pixel(page, pairing_id: int, t: float = 0.93) -> tuple[float, float]:
    """A point on the drawn (curved) line of one pairing, near its west end."""
    x, y = page.evaluate("""([id, t]) => {
        const chart = echarts.getInstanceByDom(document.getElementById('map'));
        const series = chart.getOption().series[0];
        const line = series.data.find(d => d.id === id);
        const c = series.lineStyle.curveness;
        const p1 = chart.convertToPixel({geoIndex: 0}, line.coords[0]);
        const p2 = chart.convertToPixel({geoIndex: 0}, line.coords[1]);
        const cp = [(p1[0] + p2[0]) / 2 - (p1[1] - p2[1]) * c, (p1[1] + p2[1]) / 2 - (p2[0] - p1[0]) * c];
        const u = 1 - t;
        return [u * u * p1[0] + 2 * u * t * cp[0] + t * t * p2[0], u * u * p1[1] + 2 * u * t * cp[1] + t * t * p2[1]];
    }""", [pairing_id, t])
    box = page.locator("#map").bounding_box()
    return box["x"] + x, box["y"] + y


def visible_lines(user, province_path: str = "") -> set[int]:
    from django.db.models import Q

    from shanhai.accounts.scoping import visible

    qs = visible(user, Pairing.objects.filter(kind__in=LINE_KINDS))
    if province_path:
        qs = qs.filter(Q(east_region__path__startswith=province_path) | Q(west_region__path__startswith=province_path))
    return set(qs.values_list("id", flat=True))


def test_admin_overview_map_province_pairing_language_export(browser, site) -> None:
    from django.contrib.auth.models import User
    from openpyxl import load_workbook

    admin = User.objects.get(username="admin")
    context, page = login(browser, site, "admin")

    # Overview: the headline figure is what the fund allocations add up to.
    year = int(page.locator("select[name=year]").input_value())
    assert year == 2024  # the latest year of the demo records
    total = fiscal(year)
    card = page.locator('.kpi[data-code="funds.fiscal"] [data-key="value"]')
    assert card.get_attribute("data-value") == str(total)
    assert f"{total:,}" in card.inner_text()
    computed = page.locator('#ind-funds\\.fiscal td[data-key="computed"]')
    assert computed.get_attribute("data-sort") == str(total)
    # The ranking chart drew one bar per western province with the records' sums.
    [bars] = chart_series(page, "#chart-ranking")
    option_names = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-ranking')).getOption().yAxis[0].data")
    by_name = dict(zip(option_names, bars, strict=True))
    assert by_name["贵州省"] == fiscal(year, pairing__west_region__path__startswith="520000/")
    assert by_name["内蒙古自治区"] == fiscal(year, pairing__west_region__path__startswith="150000/")
    assert "排名" in chart_title(page, "#chart-ranking")
    [trend] = chart_series(page, "#chart-trend")
    assert trend[-1] == total and len(trend) >= 4
    # Sorting: the computed column, largest first after two clicks.
    header = page.locator("#table-indicators th", has_text="实际（记录计算）")
    header.click()
    header.click()
    keys = page.locator('#table-indicators tbody td[data-key="computed"]').evaluate_all(
        "cells => cells.map(c => c.dataset.sort).filter(v => v !== '').map(Number)")
    assert keys == sorted(keys, reverse=True) and keys[0] > 0
    page.screenshot(path=SHOTS / "overview.png", full_page=True)

    # Export: the indicator table as a real .xlsx download.
    with page.expect_download() as download:
        page.click('a[data-export="indicators-xlsx"]')
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    fiscal_row = next(r for r in rows if r[1] == "funds.fiscal")
    assert fiscal_row[rows[0].index("实际（记录计算）")] == total

    # The national map: one line per visible county-level-or-higher pairing.
    page.click("nav >> text=结对地图")
    page.wait_for_selector("#map[data-drawn='1']")
    lines = visible_lines(admin)
    [drawn, _east, _west, _outside] = chart_series(page, "#map")
    assert {d["id"] for d in drawn} == lines and len(lines) >= 10
    assert page.locator("#table-pairs tbody tr").count() == len(lines)
    page.screenshot(path=SHOTS / "map.png", full_page=True)

    # Click Guizhou on the map (威宁, its far west, where no line runs): the province map opens.
    page.mouse.click(*map_pixel(page, 104.28, 26.86))
    page.wait_for_url("**/map/520000/**")
    page.wait_for_selector("#map[data-drawn='1']")
    guizhou = visible_lines(admin, "520000/")
    [drawn, _east, _west, _outside] = chart_series(page, "#map")
    assert {d["id"] for d in drawn} == guizhou
    page.screenshot(path=SHOTS / "map-province.png", full_page=True)

    # Click the 南沙—紫云 line: its pairing page opens.
    nansha_ziyun = Pairing.objects.get(kind=PairingKind.COUNTY, west_region__code="520425")
    page.mouse.click(*line_pixel(page, nansha_ziyun.id))
    page.wait_for_url(f"**/pairings/{nansha_ziyun.id}/**")
    assert "紫云" in page.locator("h1").inner_text()
    pairing_year = int(page.locator("select[name=year]").input_value())
    subtree = fiscal(pairing_year, pairing__path__startswith=nansha_ziyun.path)
    assert page.locator('#ind-funds\\.fiscal td[data-key="computed"]').get_attribute("data-sort") == str(subtree)
    children = Pairing.objects.filter(path__startswith=nansha_ziyun.path).exclude(pk=nansha_ziyun.pk).count()
    assert page.locator("ul.tree li[data-pairing]").count() == children
    [trend] = chart_series(page, "#chart-trend")
    assert trend[-1] == fiscal(2024, pairing__path__startswith=nansha_ziyun.path)
    page.screenshot(path=SHOTS / "pairing.png", full_page=True)

    # The western side's region page, from the profile.
    page.click("dl.profile >> text=紫云苗族布依族自治县")
    page.wait_for_url("**/regions/520425/**")
    assert page.locator("#table-pairings tbody tr").count() >= 1
    page.goto(f"{site.url}/regions/520000/?side=west")
    [children_bars] = chart_series(page, "#chart-children")
    assert sum(children_bars) == fiscal(year, pairing__west_region__path__startswith="520000/")
    page.screenshot(path=SHOTS / "region.png", full_page=True)

    # Switch to English with the language menu: labels, names and chart titles change.
    page.click("nav >> text=总览")
    page.wait_for_url(f"{site.url}/**")
    with page.expect_navigation():
        page.select_option("header select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert {"Overview", "Pairing map"} <= set(page.locator("nav a").all_inner_texts())
    assert page.locator("header [data-logout]").inner_text() == "Log out"
    assert "fiscal assistance funds" in page.locator("#ind-funds\\.fiscal").inner_text()
    chart_series(page, "#chart-ranking")
    assert "fiscal assistance funds" in chart_title(page, "#chart-ranking")
    page.screenshot(path=SHOTS / "overview-en.png", full_page=True)
    context.close()


def test_county_officer_sees_only_their_pairings(browser, site) -> None:
    from django.contrib.auth.models import User

    officer = User.objects.get(username="ziyun")
    context, page = login(browser, site, "ziyun")
    year = int(page.locator("select[name=year]").input_value())
    mine = fiscal(year, pairing__west_region__code="520425")
    assert 0 < mine < fiscal(year)
    assert page.locator('.kpi[data-code="funds.fiscal"] [data-key="value"]').get_attribute("data-value") == str(mine)
    assert page.locator("h1").inner_text().startswith("紫云苗族布依族自治县")
    page.screenshot(path=SHOTS / "overview-county-officer.png", full_page=True)

    page.click("nav >> text=结对地图")
    page.wait_for_selector("#map[data-drawn='1']")
    [drawn, _east, west, _outside] = chart_series(page, "#map")
    assert {d["id"] for d in drawn} == visible_lines(officer) and len(drawn) == 1
    assert [p["name"] for p in west] == ["紫云苗族布依族自治县"]
    page.screenshot(path=SHOTS / "map-county-officer.png", full_page=True)

    other = Pairing.objects.get(kind=PairingKind.COUNTY, west_region__code="520204")  # 中山区—水城区
    response = page.goto(f"{site.url}/pairings/{other.id}/")
    assert response.status == 404
    assert "结对" in page.locator(".error").inner_text()
    context.close()
