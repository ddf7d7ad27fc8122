"""The first hour, in a real browser: numbers that do not mislead (issue 15).

Same demo network and login as test_web_browser.py (its `site` fixture and helpers): a few rows in a
later year do not turn the overview into zeros, and a region outside the user's scope says so.
"""

import datetime as dt

import pytest

from tests.web.test_web_browser import SHOTS, fiscal, login, site  # noqa: F401 (site is a fixture)

pytestmark = pytest.mark.browser


def test_a_few_later_rows_leave_the_overview_on_the_last_full_year(browser, site) -> None:  # noqa: F811
    from shanhai.network.models import Pairing, PairingKind
    from tests.factories import FundAllocationFactory

    pairing = Pairing.objects.filter(kind=PairingKind.COUNTY).order_by("id").first()
    next_year = dt.date.today().year + 1
    for year in (2025, next_year):  # three imported rows each: the programme's last year, and next year
        for amount in (100, 200, 300):
            FundAllocationFactory(pairing=pairing, year=year, allocated=amount, disbursed=0)
    context, page = login(browser, site, "admin")
    year = int(page.locator("select[name=year]").input_value())
    assert year == 2024  # the last year with the demo's records across the board
    total = fiscal(year)
    assert total > 0
    assert page.locator('.kpi[data-code="funds.fiscal"] [data-key="value"]').get_attribute("data-value") == str(total)
    note = page.locator(".year-note").inner_text()
    assert "显示 2024 年（最近一个数据较完整的年度；2025 年目前只有少量指标有数据" in note
    assert f"{next_year} 年的记录晚于可选的年度" in note
    options = page.locator("select[name=year] option").all_inner_texts()
    assert f"{next_year}年" not in options
    page.screenshot(path=SHOTS / "overview-year-note.png", full_page=True)
    context.close()


def test_a_county_officer_is_told_what_lies_outside_their_scope(browser, site) -> None:  # noqa: F811
    from shanhai.network.models import Pairing, PairingKind

    context, page = login(browser, site, "ziyun")
    response = page.goto(f"{site.url}/regions/520204/?side=west")  # 水城区: not theirs
    assert response.status == 403
    message = page.locator(".error").inner_text()
    assert "水城区" in message and "不在您的数据范围内" in message and "紫云" in message
    assert page.locator(".kpi, table[data-sortable]").count() == 0  # no zeros that read as "nothing there"
    page.screenshot(path=SHOTS / "region-out-of-scope.png", full_page=True)
    # Their own county's pairing: the parent pairing (a prefecture pair they may not open) is not linked.
    mine = Pairing.objects.filter(kind=PairingKind.COUNTY, west_region__code="520425").first()
    assert mine.parent_id is not None
    page.goto(f"{site.url}/pairings/{mine.id}/")
    crumbs = page.locator(".crumbs").inner_text()
    assert "上级结对（不在您的数据范围内）" in crumbs
    assert page.locator(f'a[href^="/pairings/{mine.parent_id}/"]').count() == 0
    context.close()


def test_the_map_says_what_its_colours_mean_and_shows_values_on_hover(browser, site) -> None:  # noqa: F811
    context, page = login(browser, site, "admin")
    page.goto(f"{site.url}/map/")
    page.wait_for_selector("#map[data-drawn='1']")
    year = int(page.locator("select[name=year]").input_value())
    legend = page.locator("#map-legend").inner_text()
    assert "颜色深浅：财政援助资金（元" in legend and f"{year}年" in legend
    guizhou = fiscal(year, pairing__west_region__path__startswith="520000/")
    largest = int(page.locator("#map-legend [data-max]").get_attribute("data-max"))
    assert largest >= guizhou > 0
    tip = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('map')).getOption()
        .tooltip[0].formatter({componentType: 'geo', name: '贵州'})""")
    assert tip.startswith("贵州<br>财政援助资金：") and f"{guizhou:,}" in tip
    none = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('map')).getOption()
        .tooltip[0].formatter({componentType: 'geo', name: '台湾'})""")
    assert none.endswith("无数值")
    page.screenshot(path=SHOTS / "map-legend.png", full_page=True)
    context.close()
