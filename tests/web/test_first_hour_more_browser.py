"""The first hour, more of it in a real browser (issue 15): a county officer's map opens on their
province with the lines from outside it labelled, the pairing page lists the records behind its counts
and each person's receiving unit, the month view, and the English pages carry no Chinese-only words
outside the data.

Same demo network and logins as test_web_browser.py (its `site` fixture and helpers).
"""

import re

import pytest

from tests.web.test_web_browser import SHOTS, chart_series, login, screenshots_published, site  # noqa: F401 (site is a fixture)

_publish_screenshots = screenshots_published(__file__)

pytestmark = pytest.mark.browser


def test_the_officers_map_opens_on_their_province_with_outside_lines_labelled(browser, site) -> None:  # noqa: F811
    context, page = login(browser, site, "ziyun")
    page.click("nav >> text=结对地图")
    page.wait_for_url(re.compile(r".*/map/520000/.*"))
    drawn, _east, west, outside = chart_series(page, "#map")
    assert [p["name"] for p in west] == ["紫云苗族布依族自治县"]
    assert [p["name"] for p in outside] == ["来自省外：广东省广州市南沙区"]
    assert drawn[0]["outside"] == "east"
    # The outside end is drawn inside the map's box, not off the screen towards 广州.
    x, y = page.evaluate("""p => echarts.getInstanceByDom(document.getElementById('map'))
        .convertToPixel({geoIndex: 0}, p)""", outside[0]["value"])
    box = page.locator("#map").bounding_box()
    assert 0 <= x <= box["width"] and 0 <= y <= box["height"]
    label = page.evaluate("() => echarts.getInstanceByDom(document.getElementById('map')).getOption().series[3].label.show")
    assert label is True
    page.screenshot(path=SHOTS / "map-county-officer-province.png", full_page=True)
    # The country is one click away.
    page.click(".crumbs >> text=全国结对地图")
    page.wait_for_selector("#map[data-drawn='1']")
    assert "/map/?" in page.url and "national=1" in page.url
    context.close()


def test_the_pairing_page_lists_records_people_and_months(browser, site) -> None:  # noqa: F811
    from shanhai.network.models import Pairing, PairingKind

    pairing = Pairing.objects.get(kind=PairingKind.COUNTY, east_region__code="440115", west_region__code="520425")
    context, page = login(browser, site, "admin")
    page.goto(f"{site.url}/pairings/{pairing.id}/?year=2024")
    for name in ("trainings", "sales", "placements", "workshops"):
        assert page.locator(f"section[data-records={name}] table.data").count() == 1
    assert page.locator("#table-sales tbody tr").count() == 36  # the demo's sales of 2024
    assert page.locator("section[data-records=sales] a[data-admin-list]").get_attribute("href").startswith(
        f"/admin/economy/sale/?pairing={pairing.id}&year=2024")
    hosts = page.locator("#table-people td[data-key=host]").all_inner_texts()
    assert hosts and all(hosts)  # every person on post has a receiving unit
    names = page.locator("#table-people td[data-key=name]").all_inner_texts()
    assert len(names) == len(set(names))  # nobody twice
    page.screenshot(path=SHOTS / "pairing-records.png", full_page=True)
    with page.expect_navigation():
        page.select_option("form.filters select[name=month]", "6")
        page.click("form.filters button[type=submit]")
    assert "month=6" in page.url
    assert page.locator("form.filters select[name=quarter]").input_value() == ""
    assert "6月" in page.locator("section.card h2").nth(2).inner_text() or "6月" in page.content()
    months = set(page.locator("#table-sales td[data-key=month]").all_inner_texts())
    assert months <= {"6"}
    context.close()


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # Chinese characters and full-width punctuation
# The page's own words (headings, column heads, labels, buttons, notes), not the data in its cells.
UI_TEXT = """() => {
    const picks = ['header nav a', 'header [data-logout]', 'th', 'label', 'button', 'caption', 'summary', 'h2', 'h3',
                   'dt', '.crumbs', '.legend', '#map-legend', '.kpi .name', '.kpi .counts', '.sub .tag', '.year-note',
                   'p.meta', '.capped', 'option', 'input[placeholder]', '.errorbox h1', '.errorbox p[lang=en]'];
    const out = [];
    for (const sel of picks) {
        for (const el of document.querySelectorAll(sel)) {
            // programme names are data; a language is named in its own language
            if (el.closest('select[name=programme], select[name=metric], select[name=language]')) continue;
            if (el.offsetParent === null && el.tagName !== 'OPTION') continue;
            if (el.closest('#nav-sidebar')) continue;  // the admin's list of every app, each with its own catalogue
            if (el.tagName === 'LABEL') {  // its own words, not the choices inside it
                out.push([...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join(''));
            } else {
                out.push(el.tagName === 'INPUT' ? el.placeholder : el.innerText);
            }
        }
    }
    return out;
}"""


def test_english_pages_carry_no_chinese_outside_the_data(browser, site) -> None:  # noqa: F811
    from django.contrib.auth.models import User

    from shanhai.evidence import review
    from shanhai.network.models import Pairing, PairingKind
    from tests.evidence_review.test_review_flow import ARTICLE

    pairing = Pairing.objects.get(kind=PairingKind.COUNTY, east_region__code="440115", west_region__code="520425")
    document = review.document_ingest(user=User.objects.get(username="admin"), pairing=pairing, data=None,
                                      filename="", text=ARTICLE, title="", published=None)
    context, page = login(browser, site, "admin")
    with page.expect_navigation():
        page.select_option("header select[name=language]", "en")
    pages = {
        "overview": "/?quarter=2",
        "region": "/regions/520425/?side=west&month=5",
        "pairing": f"/pairings/{pairing.id}/",
        "map": "/map/520000/",
        "review": f"/evidence/{document.pk}/",
        "history": f"/admin/network/pairing/{pairing.id}/history/",
        "404": "/regions/999999/",
        # the yearly cycle's and the assessment's pages
        "my work": "/work/",
        "review list": "/work/review/",
        "accounts": "/work/accounts/",
        "entry": f"/work/pairings/{pairing.id}/2023/report/?side=west",
        "plan": f"/work/pairings/{pairing.id}/2023/plan/",
        "year history": f"/work/pairings/{pairing.id}/2023/history/",
        "reconciliation": f"/work/reconcile/?pairing={pairing.id}&year=2023",
        "assessment": "/assessment/",
    }
    from shanhai.workflow.models import Period

    Period.objects.get_or_create(programme=pairing.programme, year=2023, quarter=0,
                                 defaults={"due": "2024-01-31", "plan_due": "2023-03-31"})
    found = {}
    for name, url in pages.items():
        page.goto(f"{site.url}{url}")
        if name == "map":
            page.wait_for_selector("#map[data-drawn='1']")
        texts = page.evaluate(UI_TEXT)
        chinese = sorted({t.strip() for t in texts if CJK.search(t or "")})
        if chinese:
            found[name] = chinese
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1440, name  # tables fit
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
    page.goto(f"{site.url}/regions/520425/?side=west")
    assert page.locator("h1").inner_text().startswith("Ziyun Miao and Buyi Autonomous County")
    page.screenshot(path=SHOTS / "region-en.png", full_page=True)
    page.goto(f"{site.url}/pairings/{pairing.id}/")
    assert page.locator("h1").inner_text() == "Nansha District — Ziyun Miao and Buyi Autonomous County"
    page.screenshot(path=SHOTS / "pairing-en.png", full_page=True)
    context.close()
