"""Dashboards served from the page cache (web/cache.py): a second request is answered from the cache,
and a write shows at once, whichever way it comes in — the one write door, an import, the yearly
cycle's approval and unlock. Keys follow the user's scope and the language, never only the URL."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shanhai.accounts.models import Scope
from shanhai.accounts.roles import DATA_ENTRY, VIEWER
from shanhai.accounts.writes import guarded_save
from shanhai.core import dataversion
from shanhai.projects.models import FundSource
from shanhai.transfer.services import import_run_check, import_run_commit
from tests.factories import FundAllocationFactory, PairingFactory, ProgrammeFactory
from tests.workflow.conftest import year as _year  # noqa: F401 - the `year` fixture: the yearly cycle's people

YEAR = 2023


def card(html: str, code: str) -> str:
    match = re.search(rf'data-code="{re.escape(code)}".*?data-value="([^"]*)"', html, re.S)
    assert match, f"no headline card for {code}"
    return match.group(1)


def main(html: str) -> str:
    return html[html.index("<main>"):html.index("</main>")]


def get(client, url: str) -> tuple[str, int]:
    """The page, and how many queries answering it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:400]
    return response.content.decode(), len(queries)


@pytest.fixture
def world(db, region):
    programme = ProgrammeFactory(name="东西部协作（测试）")
    ziyun = PairingFactory(programme=programme)  # 广州市南沙区 → 紫云自治县
    shuicheng = PairingFactory(programme=programme, east_region=region("大连市中山区"), west_region=region("水城区"))
    fund = FundAllocationFactory(pairing=ziyun, year=YEAR, allocated=1_000_000, disbursed=0,
                                 source=FundSource.FISCAL)
    FundAllocationFactory(pairing=shuicheng, year=YEAR, allocated=700_000, disbursed=0, source=FundSource.FISCAL)
    admin = User.objects.create_superuser("boss", password="pw-boss-1")
    county = User.objects.create_user("ziyun", password="pw-ziyun-1")
    Scope.objects.create(user=county, region=region("紫云"))
    province = User.objects.create_user("guizhou", password="pw-guizhou-1")
    Scope.objects.create(user=province, region=region("贵州省"))
    return {"ziyun": ziyun, "fund": fund, "admin": admin, "county": county, "province": province}


OVERVIEW = reverse("web:overview") + f"?year={YEAR}"


def test_a_second_request_is_served_from_the_cache(client, world) -> None:
    client.force_login(world["admin"])
    first, built = get(client, OVERVIEW)
    again, served = get(client, OVERVIEW)
    assert main(again) == main(first) and card(again, "funds.fiscal") == "1700000"
    assert again != first  # the layout is the request's own: a fresh CSRF token in its forms
    # Session, user, data version (and the user's scope, for a scoped user): none of the page's own reads.
    assert served <= 4 < built, (served, built)


def test_a_write_through_the_one_door_shows_at_once(client, world) -> None:
    client.force_login(world["admin"])
    assert card(get(client, OVERVIEW)[0], "funds.fiscal") == "1700000"
    before = dataversion.current()
    fund = world["fund"]
    fund.allocated = 1_250_000
    guarded_save(world["admin"], fund)
    assert dataversion.current() > before
    assert card(get(client, OVERVIEW)[0], "funds.fiscal") == "1950000"
    region_page = get(client, reverse("web:region", args=["520000"]) + f"?year={YEAR}&side=west")[0]
    assert card(region_page, "funds.fiscal") == "1950000"


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_shows_at_once(client, region) -> None:
    """With real commits (PostgreSQL advances its sequence again after the commit)."""
    programme = ProgrammeFactory(name="东西部协作（测试）")
    fund = FundAllocationFactory(pairing=PairingFactory(programme=programme), year=YEAR, allocated=1_000_000,
                                 disbursed=0, source=FundSource.FISCAL)
    admin = User.objects.create_superuser("boss", password="pw-boss-1")
    client.force_login(admin)
    assert card(get(client, OVERVIEW)[0], "funds.fiscal") == "1000000"
    fund.allocated = 400_000
    guarded_save(admin, fund)
    assert card(get(client, OVERVIEW)[0], "funds.fiscal") == "400000"


def test_an_import_shows_at_once(client, world, settings, tmp_path) -> None:
    client.force_login(world["admin"])
    assert card(get(client, OVERVIEW)[0], "consume.sales") == "0"
    rows = [["东部地区", "西部地区", "年度", "月份", "产品类别", "销售渠道", "供货方", "采购方", "金额"],
            ["广州市南沙区", "紫云自治县", str(YEAR), "6", "农产品", "食堂采购", "紫云红芯薯业", "南沙区机关食堂", "20000"],
            ["广州市南沙区", "紫云自治县", str(YEAR), "7", "农产品", "食堂采购", "紫云红芯薯业", "南沙区机关食堂", "30000"]]
    upload = SimpleUploadedFile("消费帮扶.csv", ("\ufeff" + "\r\n".join(",".join(r) for r in rows)).encode())
    run = import_run_check(user=world["admin"], upload=upload, type_key="sale")
    import_run_commit(run=run, user=world["admin"])
    assert card(get(client, OVERVIEW)[0], "consume.sales") == "50000"


def test_an_approval_and_an_unlock_show_at_once(client, _year) -> None:  # noqa: F811 - the fixture
    from shanhai.workflow import grid, services
    from shanhai.workflow.models import Kind, State
    from tests.workflow.conftest import FULL

    year = _year
    u = year.users
    west = services.submission_for(year.county, year.period, Kind.REPORT, "west")
    url = reverse("web:pairing", args=[year.county.pk]) + "?year=2023"
    client.force_login(u["national"])
    grid.grid_save(u["ziyun"], west, FULL)
    services.move(u["ziyun"], west, "submit")
    services.move(u["anshun"], west, "review")
    assert "3,000" in get(client, url)[0]  # the report's figure, cached now
    services.move(u["guizhou"], west, "approve")
    west.refresh_from_db()
    assert west.state == State.APPROVED
    page = get(client, url)[0]
    assert "3,000" in page
    services.move(u["guizhou"], west, "unlock", comment="国家抽查发现就业人数有误")
    west.refresh_from_db()
    grid.grid_save(u["ziyun"], west, {"labor.employed": "3100"})
    page = get(client, url)[0]
    assert "3,100" in page and "3,000" not in page


def test_a_county_officer_never_gets_a_province_page(client, world) -> None:
    client.force_login(world["province"])
    province_page = get(client, OVERVIEW)[0]
    assert card(province_page, "funds.fiscal") == "1700000"  # 紫云 and 水城, both in 贵州
    client.force_login(world["county"])
    county_page = get(client, OVERVIEW)[0]
    assert card(county_page, "funds.fiscal") == "1000000"  # 紫云 only
    # A new scope is a new key at once.
    Scope.objects.create(user=world["county"], region=world["ziyun"].west_region.parent.parent)  # 贵州省
    assert card(get(client, OVERVIEW)[0], "funds.fiscal") == "1700000"


def test_the_language_is_part_of_the_key(client, world) -> None:
    client.force_login(world["admin"])
    chinese = get(client, OVERVIEW)[0]
    client.cookies["django_language"] = "en"
    english = get(client, OVERVIEW)[0]
    assert "总览" in chinese and "Overview" in english and "协作帮扶总览" not in english


def test_the_map_data_follow_the_version(client, world) -> None:
    client.force_login(world["admin"])
    url = reverse("web:map_data") + f"?year={YEAR}"
    before = client.get(url).json()
    assert {r["code"]: r["value"] for r in before["regions"]}.get("520000") == 1_700_000
    fund = world["fund"]
    fund.allocated = 2_000_000
    guarded_save(world["admin"], fund)
    after = client.get(url).json()
    assert {r["code"]: r["value"] for r in after["regions"]}.get("520000") == 2_700_000


def test_write_buttons_are_the_users_own_not_the_cached_pages(client, world, region) -> None:
    """Two users of the same scope share the cached page body, each with their own buttons."""
    url = reverse("web:region", args=["520425"]) + f"?year={YEAR}&side=west"  # 紫云
    clerk = User.objects.create_user("clerk", password="pw-clerk-1")
    clerk.groups.add(Group.objects.get(name=DATA_ENTRY))
    viewer = User.objects.create_user("viewer", password="pw-viewer-1")
    viewer.groups.add(Group.objects.get(name=VIEWER))
    for user in (clerk, viewer):
        Scope.objects.create(user=user, region=region("紫云"))
    client.force_login(clerk)
    clerk_page, built = get(client, url)
    client.force_login(viewer)
    viewer_page, served = get(client, url)
    assert served < built  # the viewer got the clerk's cached body …
    assert 'data-action="import"' in clerk_page and 'data-action="import"' not in viewer_page  # … not their buttons
    assert card(viewer_page, "funds.fiscal") == card(clerk_page, "funds.fiscal")
