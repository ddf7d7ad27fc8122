"""Test setup shared by every test.

The region table (≈3,200 rows) is loaded once per test database, so every test can resolve real
counties. `DATABASE_URL` picks the database (SQLite by default; .ci/run sets PostgreSQL).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: F811 - extends pytest-django's fixture
    from shanhai.regions.services import regions_load

    with django_db_blocker.unblock():
        regions_load()


@pytest.fixture
def region():
    """Find a region by name through the production lookup."""
    from shanhai.regions.lookup import find_region

    return find_region


@pytest.fixture(autouse=True)
def _site_language_after_each_test():
    """A request switched to English (the language menu) leaves its thread in English; the next test
    starts in the site's language again, as a new request would."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _page_cache_per_test():
    """Dashboards are cached under the data version (web/cache.py); on SQLite a test's rollback takes
    the version back, so a page cached by one test could answer the next: each test starts empty."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests flush every table, the division table, the indicator catalogue and the
    default check rules with them (loaded once per test database, not per test): put them back before
    such a test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from shanhai.assessment.defaults import default_scheme_load
    from shanhai.assessment.models import CapRule, GradeBand, Item, Scheme
    from shanhai.indicators.catalogue import catalogue_sync
    from shanhai.indicators.models import Indicator
    from shanhai.indicators.rollups import catalogue_clear
    from shanhai.regions.lookup import clear_index
    from shanhai.regions.models import Region
    from shanhai.regions.services import regions_load
    from shanhai.workflow.defaults import default_rules_load
    from shanhai.workflow.models import CheckRule

    if not Region.objects.exists():
        regions_load()
        clear_index()
    if not Indicator.objects.exists():
        catalogue_sync()
        catalogue_clear()
    if not CheckRule.objects.exists():
        default_rules_load(Indicator, CheckRule)
    if not Scheme.objects.filter(programme__isnull=True).exists():
        default_scheme_load(Indicator, Scheme, Item, GradeBand, CapRule)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright. Missing: a skip on a workstation, a failure under CI=true
    (`make browser` installs it there)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI 下缺少 /usr/bin/chromium：浏览器测试不能跳过，请先运行 make browser。")
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium, or `CI=true make browser`)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still
    # plain synchronous calls, so Django's async-safety guard is lifted for this test process only.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
