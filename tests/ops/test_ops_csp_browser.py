"""Under the Content-Security-Policy, in a real browser: every kind of page loads with no violation and
no script error, charts and the map draw, the language switch (a static script now) still switches, and
the API's Swagger UI still renders."""

import pytest

from tests.conftest import CHROMIUM  # noqa: F401 - the browser fixture lives there

pytestmark = pytest.mark.browser
PASSWORD = "csp-browser-test-pw-1"


@pytest.fixture
def site(live_server, transactional_db):
    from django.contrib.auth.models import User

    from shanhai.demo.fixture import demo_network_load
    from shanhai.indicators.catalogue import catalogue_sync
    from shanhai.indicators.models import Indicator
    from shanhai.indicators.rollups import catalogue_clear
    from shanhai.regions.lookup import clear_index
    from shanhai.regions.models import Region
    from shanhai.regions.services import regions_load
    from tests.factories import SaleFactory, TrainingFactory

    if not Region.objects.exists():
        regions_load()
    if not Indicator.objects.exists():
        catalogue_sync()
    clear_index()
    catalogue_clear()
    pairings = demo_network_load()
    for pairing in pairings[:4]:
        SaleFactory(pairing=pairing)
        TrainingFactory(pairing=pairing)
    User.objects.create_superuser("admin", password=PASSWORD)
    yield live_server, pairings
    clear_index()
    catalogue_clear()


def test_pages_work_under_the_policy(browser, site):
    server, pairings = site
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text} {m.location.get('url')}")
            if m.type == "error" or "Content Security Policy" in m.text else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    page.goto(f"{server.url}/admin/login/?next=/")
    assert "script-src 'self'" in (page.context.request.get(f"{server.url}/healthz").headers
                                   .get("content-security-policy", ""))
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/")

    pairing = pairings[0]
    urls = ["/", "/map/", f"/map/{pairing.west_region.path.split('/')[0]}/",
            f"/regions/{pairing.west_region.code}/?side=west", f"/pairings/{pairing.pk}/",
            "/admin/", "/admin/network/pairing/", f"/admin/network/pairing/{pairing.pk}/change/",
            "/data/", "/evidence/"]
    for url in urls:
        response = page.goto(f"{server.url}{url}")
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
    # Charts and the map are drawn (ECharts from static files, data from json_script blocks).
    page.goto(f"{server.url}/")
    page.wait_for_selector(".chart canvas, .chart svg", timeout=15000)
    page.goto(f"{server.url}/map/")
    page.wait_for_selector("canvas, svg", timeout=15000)
    page.mouse.move(400, 300)  # a tooltip (HTML with style attributes) may appear

    # The language switch is a static script now: changing the select still switches the page.
    page.goto(f"{server.url}/")
    with page.expect_navigation():
        page.select_option("header form.lang select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{server.url}/admin/")
    with page.expect_navigation():
        page.select_option("#language-switch select", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    # Swagger UI renders the operations.
    page.goto(f"{server.url}/api/docs")
    page.wait_for_selector(".opblock", timeout=20000)
    context.close()
    problems = [p for p in problems if "favicon.ico" not in p]  # Swagger's page asks for /favicon.ico
    assert not problems, "\n".join(problems)
