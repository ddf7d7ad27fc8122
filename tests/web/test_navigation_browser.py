"""The first hour (issue 15) in a real Chromium: the header offers each role the pages it may use and a
logout; region and pairing pages offer import and report reading only where the user may write; wide
tables stay inside their cards; nothing scrolls sideways on a 390 px phone; every page prints without
menu, filters or buttons and with its tables whole; error pages (the admin's refusals too) look like the
site and speak Chinese. Also: `make demo PORT=…` and `shanhai demo --no-serve`.

The demo network and logins come from test_web_browser's `site` fixture; screenshots go to
var/screenshots/ (git-ignored).
"""

import contextlib
import subprocess
from pathlib import Path

import pytest
from test_web_browser import PASSWORD, SHOTS, site  # noqa: F401 - `site` is a fixture used by name

from shanhai.network.models import Pairing, PairingKind

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}

# Tables wider than their card must scroll inside it (a scrolling box between the table and the card).
TABLES_CUT = """() => [...document.querySelectorAll('table.data')].filter(t => t.offsetParent !== null).map(t => {
    const box = t.closest('.card') || document.querySelector('main');
    const outer = box.getBoundingClientRect(), inner = t.getBoundingClientRect();
    if (inner.right <= outer.right + 1) return null;
    for (let el = t.parentElement; el && el !== box.parentElement; el = el.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) return null;
    }
    return t.id || t.className;
}).filter(Boolean)"""


def users():
    """An officer of 紫云 who enters data, and one who only reads, both staff (the login is the admin's)."""
    from django.contrib.auth.models import Group, User

    from shanhai.accounts.models import Scope
    from shanhai.accounts.roles import DATA_ENTRY, VIEWER, roles_sync
    from shanhai.regions.lookup import find_region

    if not Group.objects.filter(name=DATA_ENTRY).exists():
        roles_sync()
    for name, role in (("entry", DATA_ENTRY), ("viewer", VIEWER)):
        user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        Scope.objects.create(user=user, region=find_region("紫云自治县"))


def login(browser, site, username: str, viewport: dict | None = None):  # noqa: F811 - `site` is the fixture
    context = browser.new_context(viewport=viewport or {"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{site.url}/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site.url}/")
    return context, page


def nav_keys(page) -> list[str]:
    return page.locator("header nav a").evaluate_all("links => links.map(a => a.dataset.nav)")


def actions(page) -> dict[str, str]:
    return dict(page.locator(".actions a[data-action]").evaluate_all(
        "links => links.map(a => [a.dataset.action, a.getAttribute('href')])"))


def ziyun_pairing() -> Pairing:
    return Pairing.objects.get(kind=PairingKind.COUNTY, west_region__code="520425")


@pytest.mark.browser
def test_header_offers_what_each_role_may_use_and_logs_out(browser, site) -> None:  # noqa: F811
    users()
    pairing = ziyun_pairing()

    # The national administrator: every page, each one reachable from the header.
    context, page = login(browser, site, "admin")
    assert nav_keys(page) == ["work", "overview", "map", "review", "reconcile", "accounts", "assessment", "matching",
                              "data", "evidence", "api", "admin"]
    for key, heading in (("assessment", "年度考核"), ("data", "数据导入与导出"), ("evidence", "报告解读"), ("map", None), ("overview", None)):
        with page.expect_navigation():
            page.click(f"header nav a[data-nav={key}]")
        assert page.locator(f"header nav a[data-nav={key}]").get_attribute("aria-current") == "page"
        if heading:
            assert page.locator("h1").inner_text() == heading
    with page.expect_navigation() as docs:
        page.click("header nav a[data-nav=api]")
    assert docs.value.status == 200 and page.url.endswith("/api/docs")
    page.goto(f"{site.url}/")
    with page.expect_navigation():
        page.click("header nav a[data-nav=admin]")
    assert page.url.endswith("/admin/")

    # The pairing page's actions: import goes to /data/, the report form opens with the pairing chosen.
    page.goto(f"{site.url}/pairings/{pairing.id}/")
    assert actions(page) == {"import": "/data/", "report": f"/evidence/new/?pairing={pairing.id}"}
    assert page.locator("[data-action=import]").inner_text() == "导入本结对数据"
    page.click("[data-action=report]")
    page.wait_for_url("**/evidence/new/**")
    assert page.locator("#id_pairing").input_value() == str(pairing.id)
    page.goto(f"{site.url}/regions/520000/?side=west")
    assert set(actions(page)) == {"import", "report"}
    page.screenshot(path=SHOTS / "region-actions.png")

    # Logout (a POST from the header) lands on the login form; the pages then ask for a login again.
    page.click("header [data-logout]")
    page.wait_for_url("**/admin/login/**")
    assert page.locator("#id_username").is_visible()
    page.goto(f"{site.url}/")
    assert "/admin/login/" in page.url
    context.close()

    # A data-entry officer of 紫云: imports and reports, and the actions on 紫云's pages only.
    context, page = login(browser, site, "entry")
    assert nav_keys(page) == ["work", "overview", "map", "reconcile", "assessment", "matching", "data", "evidence",
                              "api", "admin"]
    page.goto(f"{site.url}/pairings/{pairing.id}/")
    assert actions(page) == {"import": "/data/", "report": f"/evidence/new/?pairing={pairing.id}"}
    page.goto(f"{site.url}/regions/520425/?side=west")
    assert actions(page) == {"import": "/data/", "report": "/evidence/new/"}
    page.goto(f"{site.url}/regions/520000/?side=west")  # Guizhou as a whole is not theirs to write
    assert actions(page) == {}
    context.close()

    # A viewer of 紫云: reads only, so no import, no report reader, no actions.
    context, page = login(browser, site, "viewer")
    assert nav_keys(page) == ["work", "overview", "map", "assessment", "matching", "api", "admin"]
    page.goto(f"{site.url}/pairings/{pairing.id}/")
    assert "紫云" in page.locator("h1").inner_text()
    assert actions(page) == {}
    assert page.locator(".actions").count() == 0
    context.close()


def _page_urls(site) -> list[str]:  # noqa: F811 - `site` is the fixture's value
    pairing = ziyun_pairing()
    return [f"{site.url}/", f"{site.url}/regions/520000/?side=west", f"{site.url}/pairings/{pairing.id}/",
            f"{site.url}/data/", f"{site.url}/evidence/"]


@pytest.mark.browser
def test_phone_and_narrow_screens_do_not_scroll_sideways_and_tables_stay_in_cards(browser, site) -> None:  # noqa: F811
    context, page = login(browser, site, "admin", viewport=PHONE)
    for url in [*_page_urls(site), f"{site.url}/map/"]:
        page.goto(url)
        page.wait_for_load_state("load")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} scrolls sideways: {width}px"
        # The header wraps by whole words: no menu entry is squeezed to one character per line.
        heights = page.locator("header nav a, header .brand, header [data-logout]").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().height)")
        assert heights and max(heights) < 40, f"{url} header squeezed: {heights}"
        assert page.evaluate(TABLES_CUT) == [], url
    page.goto(f"{site.url}/pairings/{ziyun_pairing().id}/")
    page.screenshot(path=SHOTS / "pairing-phone.png", full_page=True)
    # In English the menu's longer words wrap the same way.
    with page.expect_navigation():
        page.select_option("header select[name=language]", "en")
    assert page.locator("header [data-logout]").inner_text() == "Log out"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    heights = page.locator("header nav a").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert max(heights) < 40, heights
    for width in (800, 1024):  # between phone and desktop the menu wraps inside the header
        page.set_viewport_size({"width": width, "height": 800})
        # the grid re-lays out its cards after a resize: allow it a moment, then it must fit
        fits = "w => document.documentElement.scrollWidth <= w"
        with contextlib.suppress(Exception):  # the assertion below names the width
            page.wait_for_function(fits, arg=width, timeout=3000)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, width
    context.close()

    # A laptop: the wide indicator and import tables fit or scroll inside their cards.
    context, page = login(browser, site, "admin", viewport={"width": 1024, "height": 768})
    for url in _page_urls(site):
        page.goto(url)
        assert page.evaluate(TABLES_CUT) == [], url
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1024, url
    context.close()


@pytest.mark.browser
def test_every_page_prints_without_navigation_and_with_whole_tables(browser, site) -> None:  # noqa: F811
    context, page = login(browser, site, "admin", viewport={"width": 760, "height": 1000})  # about A4 at 96 dpi
    page.emulate_media(media="print")
    for url in [*_page_urls(site), f"{site.url}/map/"]:
        page.goto(url)
        page.wait_for_load_state("load")
        for selector in ("header", "header nav", "form.filters", ".actions", "[data-export]", "button",
                         "a.button", "footer"):
            shown = page.locator(selector).evaluate_all("els => els.filter(e => e.offsetParent !== null).length")
            assert shown == 0, f"{url}: {selector} is printed"
        tables = page.evaluate("""() => [...document.querySelectorAll('table.data')].map(t => {
            let clipped = false;
            for (let el = t.parentElement; el; el = el.parentElement) {
                if (getComputedStyle(el).overflowX !== 'visible') clipped = true;
            }
            const head = t.tHead ? getComputedStyle(t.tHead).display : 'table-header-group';
            const row = t.tBodies[0] && t.tBodies[0].rows[0];
            return {id: t.id || t.className, clipped, head,
                    rowBreak: row ? getComputedStyle(row).breakInside : 'avoid',
                    overflow: t.getBoundingClientRect().right - document.documentElement.clientWidth};
        })""")
        assert tables, url
        for t in tables:
            assert not t["clipped"], f"{url}: {t['id']} is in a clipping box"
            assert t["head"] == "table-header-group" and t["rowBreak"] == "avoid", (url, t)
            assert t["overflow"] <= 1, f"{url}: {t['id']} runs {t['overflow']}px off the page"
    page.goto(_page_urls(site)[2])
    page.pdf(path=str(SHOTS / "pairing-print.pdf"), format="A4")
    context.close()


@pytest.mark.browser
def test_error_pages_and_admin_refusals_look_like_the_site_in_chinese(browser, site) -> None:  # noqa: F811
    users()
    context, page = login(browser, site, "viewer")
    response = page.goto(f"{site.url}/no-such-page/")
    assert response.status == 404
    assert page.locator("header.topbar").is_visible() and page.locator("header [data-logout]").is_visible()
    assert page.locator("link[href$='shanhai/site.css']").count() == 1
    assert page.locator("h1").inner_text() == "页面不存在"
    # A viewer opening the admin's add form: the Chinese refusal, in the site's look.
    response = page.goto(f"{site.url}/admin/network/pairing/add/")
    assert response.status == 403
    text = page.locator("body").inner_text()
    assert "您没有访问此页面的权限" in text and "403 Forbidden" not in text
    assert page.locator("header.topbar").is_visible()
    page.screenshot(path=SHOTS / "error-403.png")
    context.close()


@pytest.mark.django_db
def test_500_and_csrf_pages_use_the_site_stylesheet() -> None:
    from django.contrib.auth.models import User
    from django.template import loader
    from django.test import Client

    page = loader.get_template("500.html").render()  # as Django's server_error renders it: no request
    assert "shanhai/site.css" in page and "服务器出错了" in page and 'class="topbar"' in page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(User.objects.create_user("u", password="pw"))
    response = strict.post("/logout/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "表单已过期" in text and "shanhai/site.css" in text and "CSRF verification failed" not in text


def test_make_demo_takes_a_port() -> None:
    out = subprocess.run(["make", "-n", "demo", "PORT=8301"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "demo --addrport 127.0.0.1:8301" in out.stdout
    assert "make demo PORT=8301" in (ROOT / "README.md").read_text()


def test_demo_without_serving_says_how_to_serve(monkeypatch) -> None:
    from io import StringIO

    from shanhai.demo.management.commands import demo

    calls = []
    monkeypatch.setattr(demo, "demo_setup", lambda stdout: [])
    monkeypatch.setattr(demo, "call_command", lambda *a, **k: calls.append(a))
    out = StringIO()
    demo.Command(stdout=out).handle(addrport="127.0.0.1:8301", no_serve=True)
    text = out.getvalue()
    assert "未启动服务" in text and "shanhai runserver 127.0.0.1:8301" in text
    assert "runserver" not in [a[0] for a in calls]
