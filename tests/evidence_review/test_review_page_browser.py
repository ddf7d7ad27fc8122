"""The report-review page in a real browser (issue 15, "The first hour"): the figures' table and the
text never overlap, the decision buttons and status stay in view, the east/west columns are readable,
units read 元 / 人次 (yuan / person-times in English), numbers carry thousands separators, and the
period box shows no made-up year."""

import re

import pytest

from tests.evidence_review.test_review_flow import ARTICLE
from tests.web.test_web_browser import SHOTS, login, screenshots_published, site  # noqa: F401 (site is a fixture)

_publish_screenshots = screenshots_published(__file__)

pytestmark = pytest.mark.browser


def _document():
    from django.contrib.auth.models import User

    from shanhai.evidence import review
    from shanhai.network.models import Pairing, PairingKind

    pairing = Pairing.objects.get(kind=PairingKind.COUNTY, east_region__code="440115", west_region__code="520425")
    text = ARTICLE.replace("东部省份", "全年培训农村劳动力1234人次。\n东部省份")
    return review.document_ingest(user=User.objects.get(username="admin"), pairing=pairing, data=None,
                                  filename="", text=text, title="", published=None)


def _boxes_overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_the_review_page_lays_out_and_reads_as_written(browser, site) -> None:  # noqa: F811
    document = _document()
    context, page = login(browser, site, "admin")
    page.goto(f"{site.url}/evidence/{document.pk}/")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1440, width  # no page wider than the window
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 3000, height  # was ~5,000 px with one-character columns
    table, text = page.locator("section.facts").bounding_box(), page.locator("section.text").bounding_box()
    assert not _boxes_overlap(table, text)
    for row in page.locator("table.review-table tbody tr").all():
        reject = row.locator("form.reject button")
        status = row.locator(".status")
        assert reject.is_visible() and status.is_visible()
        assert not _boxes_overlap(reject.bounding_box(), text)
    east = page.locator("table.review-table th.c-side").first.bounding_box()
    assert east["width"] >= 100, east  # at least several characters wide
    fiscal = page.locator("tr", has=page.locator("small", has_text="funds.fiscal")).first
    assert fiscal.locator(".value").inner_text() == "120,000,000"
    assert fiscal.locator(".unit").inner_text() == "元"
    assert fiscal.locator("input[name=value]").input_value() == "120000000"
    body = page.locator("table.review-table").inner_text()
    assert "person_time" not in body and "yuan" not in body
    assert "人次" in body
    for box in page.locator("input[name=period]").all():
        assert not re.search(r"\d{4}", box.get_attribute("placeholder") or "")
    page.screenshot(path=SHOTS / "evidence-review.png", full_page=True)

    # English: the catalogue's English names and units, half-width punctuation, same layout.
    with page.expect_navigation():
        page.select_option("header select[name=language]", "en")
    page.goto(f"{site.url}/evidence/{document.pk}/")
    fiscal = page.locator("tr", has=page.locator("small", has_text="funds.fiscal")).first
    assert fiscal.locator(".unit").inner_text() == "yuan"
    head = page.locator("table.review-table thead").inner_text()
    assert not re.search(r"[\u4e00-\u9fff]", head), head
    meta = page.locator("p.meta").inner_text()
    assert "：" not in meta and "Pairing" in meta
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1440
    page.screenshot(path=SHOTS / "evidence-review-en.png", full_page=True)
    context.close()
