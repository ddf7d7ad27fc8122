"""The dashboard pages through Django's test client: login, scoping, numbers, errors, exports, language.

The data are built with factories (signals keep the roll-ups up to date), and the expected figures
are summed straight from the records here, so a page that showed a wrong number would fail.
"""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from shanhai.accounts.models import Scope
from shanhai.network.models import OrgKind, PairingKind
from shanhai.projects.models import FundAllocation, FundSource
from tests.factories import (
    DispatchFactory,
    FundAllocationFactory,
    OrganisationFactory,
    PairingFactory,
    PersonFactory,
    ProgrammeFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db
YEAR = 2023


@pytest.fixture
def world(region):
    programme = ProgrammeFactory(name="东西部协作（测试）")
    ziyun = PairingFactory(programme=programme)  # 广州市南沙区 → 紫云自治县
    school_e = OrganisationFactory(name="东涌中学", kind=OrgKind.HIGH_SCHOOL, region=region("广州市南沙区"))
    school_w = OrganisationFactory(name="紫云民族高级中学", kind=OrgKind.HIGH_SCHOOL, region=region("紫云"))
    school = PairingFactory(programme=programme, parent=ziyun, kind=PairingKind.SCHOOL,
                            east_org=school_e, west_org=school_w)
    shuicheng = PairingFactory(programme=programme, east_region=region("大连市中山区"), west_region=region("水城区"))
    project = ProjectFactory(pairing=ziyun, name="紫云民族中学教学楼", budget=3_000_000,
                             start_date=dt.date(YEAR, 3, 1))
    FundAllocationFactory(pairing=ziyun, project=project, year=YEAR, allocated=1_200_000, disbursed=800_000,
                          sector="education")
    FundAllocationFactory(pairing=school, year=YEAR, allocated=250_000, disbursed=100_000, sector="education")
    FundAllocationFactory(pairing=shuicheng, year=YEAR, allocated=700_000, disbursed=700_000)
    FundAllocationFactory(pairing=shuicheng, year=YEAR - 1, allocated=400_000, disbursed=400_000)
    DispatchFactory(pairing=ziyun, person=PersonFactory(name="李挂职"), post="挂职副县长",
                    planned_start=dt.date(YEAR, 3, 1), actual_start=dt.date(YEAR, 3, 1),
                    planned_end=dt.date.today() + dt.timedelta(days=365))  # on post today
    admin = User.objects.create_superuser("boss", password="pw-boss-1")
    officer = User.objects.create_user("ziyun", password="pw-ziyun-1", is_staff=True)
    Scope.objects.create(user=officer, region=region("紫云"))
    return {"programme": programme, "ziyun": ziyun, "school": school, "shuicheng": shuicheng, "admin": admin,
            "officer": officer, "project": project}


def fiscal(year: int, **filters) -> int:
    qs = FundAllocation.objects.filter(year=year, source=FundSource.FISCAL, **filters)
    return qs.aggregate(total=Sum("allocated"))["total"] or 0


def card_value(html: str, code: str) -> str:
    match = re.search(rf'data-code="{re.escape(code)}".*?data-value="([^"]*)"', html, re.S)
    assert match, f"no headline card for {code}"
    return match.group(1)


def cell_sort(html: str, code: str, key: str) -> str:
    row = re.search(rf'<tr id="ind-{re.escape(code)}".*?</tr>', html, re.S)
    assert row, f"no indicator row for {code}"
    match = re.search(rf'data-sort="([^"]*)" data-key="{key}"', row.group(0))
    assert match, f"no {key} cell for {code}"
    return match.group(1)


@pytest.mark.parametrize("url", [
    "/", "/map/", "/map/data/", "/map/520000/", "/regions/520000/", "/pairings/1/",
])
def test_anonymous_is_sent_to_the_login(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_overview_numbers_equal_the_records(client, world) -> None:
    client.force_login(world["admin"])
    response = client.get("/", {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert "全国 · 2023年协作帮扶总览" in html
    # The headline card and the table show what the fund allocations add up to, sub-pairings included.
    total = fiscal(YEAR)
    assert total == 2_150_000
    assert card_value(html, "funds.fiscal") == str(total)
    assert cell_sort(html, "funds.fiscal", "computed") == str(total)
    assert cell_sort(html, "funds.fiscal", "last_year") == str(fiscal(YEAR - 1))
    assert f"{total:,}" in html  # shown with thousands separators


def test_overview_defaults_to_the_latest_year_with_data(client, world) -> None:
    client.force_login(world["admin"])
    response = client.get("/")
    assert response.context["page"].year == YEAR


def test_ranking_and_trend_charts_carry_the_values(client, world) -> None:
    client.force_login(world["admin"])
    page = client.get("/", {"year": YEAR, "level": "county"}).context["page"]
    ranking = page.charts["ranking"]
    by_name = dict(zip(ranking["categories"], ranking["series"][0]["data"], strict=True))
    # West side by default: 紫云 gets its county pair and its school pair, 水城 its own.
    assert by_name == {"紫云苗族布依族自治县": fiscal(YEAR, pairing__west_region__code="520425"),
                       "水城区": fiscal(YEAR, pairing__west_region__code="520204")}
    assert ranking["title"] and ranking["unit"] == "元"
    trend = dict(zip(page.charts["trend"]["categories"], page.charts["trend"]["series"][0]["data"], strict=True))
    assert trend[str(YEAR)] == fiscal(YEAR) and trend[str(YEAR - 1)] == fiscal(YEAR - 1)


def test_county_officer_sees_only_their_pairings(client, world) -> None:
    client.force_login(world["officer"])
    html = client.get("/", {"year": YEAR}).content.decode()
    assert card_value(html, "funds.fiscal") == str(fiscal(YEAR, pairing__west_region__code="520425"))
    data = client.get("/map/data/", {"year": YEAR}).json()
    assert [line["id"] for line in data["lines"]] == [world["ziyun"].id]
    assert client.get(f"/pairings/{world['shuicheng'].id}/").status_code == 404
    assert client.get(f"/pairings/{world['ziyun'].id}/").status_code == 200


def test_map_data_draws_one_line_per_visible_county_pair(client, world) -> None:
    client.force_login(world["admin"])
    data = client.get("/map/data/", {"year": YEAR}).json()
    assert sorted(line["id"] for line in data["lines"]) == sorted([world["ziyun"].id, world["shuicheng"].id])
    line = next(line for line in data["lines"] if line["id"] == world["ziyun"].id)
    assert line["east"]["code"] == "440115" and line["west"]["code"] == "520425"
    assert line["url"].startswith(f"/pairings/{world['ziyun'].id}/")
    assert line["west"]["url"].startswith("/regions/520425/")
    # One province: pairs with either side in it.
    assert len(client.get("/map/data/", {"year": YEAR, "province": "520000"}).json()["lines"]) == 2
    assert client.get("/map/data/", {"year": YEAR, "province": "110000"}).json()["lines"] == []
    wrong = client.get("/map/data/", {"province": "520400"})
    assert wrong.status_code == 404 and "不是省级行政区" in wrong.json()["error"]


def test_map_pages_load_the_right_outline(client, world) -> None:
    client.force_login(world["admin"])
    china = client.get("/map/").content.decode()
    assert "shanhai/vendor/maps/china.js" in china
    assert 'href="/map/520000/' in china  # the drill link for 贵州
    province = client.get("/map/520000/").content.decode()
    assert "shanhai/vendor/maps/province/520000.js" in province
    assert "贵州省2023年结对关系图" in province
    assert client.get("/map/520400/").status_code == 404


def test_region_page_lists_children_and_pairings(client, world) -> None:
    client.force_login(world["admin"])
    response = client.get("/regions/520000/", {"side": "west", "year": YEAR})
    assert response.status_code == 200
    page = response.context["page"]
    children = {row["name"]: row for row in page.tables["children"].rows}
    assert children["安顺市"]["funds.fiscal"] == fiscal(YEAR, pairing__west_region__code="520425")
    assert children["六盘水市"]["funds.fiscal"] == fiscal(YEAR, pairing__west_region__code="520204")
    labels = {row["west"] for row in page.tables["pairings"].rows}
    assert {"紫云苗族布依族自治县", "水城区"} <= labels
    html = response.content.decode()
    assert cell_sort(html, "funds.fiscal", "computed") == str(fiscal(YEAR))


def test_pairing_page_shows_profile_tree_people_and_money(client, world) -> None:
    client.force_login(world["admin"])
    ziyun = world["ziyun"]
    response = client.get(f"/pairings/{ziyun.id}/", {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/pairings/{world["school"].id}/' in html  # the sub-pairing tree links down
    assert "李挂职" in html and "挂职副县长" in html
    assert "紫云民族中学教学楼" in html
    projects = response.context["page"].tables["projects"].rows
    assert projects[0]["allocated"] == 1_200_000 and projects[0]["disbursed"] == 800_000
    # County pair with its school pair below it.
    assert cell_sort(html, "funds.fiscal", "computed") == str(1_200_000 + 250_000)


@pytest.mark.parametrize(("query", "words"), [
    ({"year": "abc"}, "参数「年度」（year）应为整数"),
    ({"year": "1800"}, "参数「年度」（year）应在1990到2100之间"),
    ({"side": "north"}, "参数「地区所在方」（side）应为 east（东部）或 west（西部）"),
    ({"level": "village"}, "参数「排名层级」（level）"),
    ({"code": "no.such"}, "没有代码为“no.such”的指标"),
    ({"export": "nothing"}, "本页没有名为“nothing”的表格"),
    ({"export": "indicators", "fmt": "pdf"}, "参数「导出格式」（fmt）应为 xlsx 或 csv"),
])
def test_bad_parameters_are_answered_in_chinese(client, world, query, words) -> None:
    client.force_login(world["admin"])
    response = client.get("/", query)
    assert response.status_code == 400
    assert words in response.content.decode()


def test_region_pages_know_former_names_and_codes(client, world) -> None:
    """水城县 became 水城区 in 2020 (520221 → 520204): the page says so, and the old code still leads there."""
    client.force_login(world["admin"])
    response = client.get("/regions/520221/", {"side": "west", "year": YEAR})
    assert response.status_code == 302 and response["Location"] == f"/regions/520204/?side=west&year={YEAR}"
    page = client.get(response["Location"]).content.decode()
    assert "曾用名：水城县" in page


def test_unknown_region_and_pairing_are_404_in_chinese(client, world) -> None:
    client.force_login(world["admin"])
    response = client.get("/regions/999999/")
    assert response.status_code == 404 and "没有代码为“999999”的行政区划" in response.content.decode()
    assert client.get("/pairings/987654/").status_code == 404


def test_indicator_table_exports_to_xlsx_with_the_shown_numbers(client, world) -> None:
    client.force_login(world["admin"])
    response = client.get("/", {"year": YEAR, "export": "indicators", "fmt": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "指标" and "实际（记录计算）" in header and "完成率（%）" in header
    fiscal_row = next(r for r in rows[1:] if r[1] == "funds.fiscal")
    assert fiscal_row[header.index("实际（记录计算）")] == fiscal(YEAR)
    assert fiscal_row[header.index("上年同期")] == fiscal(YEAR - 1)


def test_every_table_of_every_page_exports_to_csv(client, world) -> None:
    client.force_login(world["admin"])
    pages = {
        "/": ["indicators", "ranking", "trend"],
        "/regions/520000/": ["indicators", "children", "pairings", "trend"],
        f"/pairings/{world['ziyun'].id}/": ["indicators", "subpairings", "people", "projects", "agreements", "trend"],
        "/map/data/": ["pairs", "regions"],
    }
    for url, tables in pages.items():
        for table in tables:
            response = client.get(url, {"year": YEAR, "export": table, "fmt": "csv"})
            assert response.status_code == 200, (url, table)
            text = response.content.decode("utf-8")
            assert text.startswith("\ufeff"), (url, table)
            assert next(csv.reader(io.StringIO(text[1:]))), (url, table)
    people = client.get(f"/pairings/{world['ziyun'].id}/", {"year": YEAR, "export": "people", "fmt": "csv"})
    assert "李挂职" in people.content.decode("utf-8")


def test_tables_carry_raw_sort_keys(client, world) -> None:
    client.force_login(world["admin"])
    html = client.get("/", {"year": YEAR, "level": "county"}).content.decode()
    assert 'data-sortable' in html and "shanhai/sortable.js" in html
    # The sorter compares the raw number, not the text with separators.
    assert f'data-sort="{fiscal(YEAR)}"' in html


def test_language_switch_turns_the_page_to_english(client, world) -> None:
    client.force_login(world["admin"])
    chinese = client.get("/", {"year": YEAR}).content.decode()
    assert '<html lang="zh-hans">' in chinese and "总览" in chinese
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/?year=2023"}, follow=True)
    english = response.content.decode()
    assert '<html lang="en">' in english
    assert ">Overview<" in english and "Pairing map" in english
    assert "fiscal assistance funds" in english  # indicator names come from the catalogue's English column
    assert "Nationwide · paired assistance in 2023" in english


def test_pages_load_nothing_from_outside(client, world) -> None:
    client.force_login(world["admin"])
    for url in ("/", "/map/", "/map/520000/", "/regions/520425/", f"/pairings/{world['ziyun'].id}/"):
        html = client.get(url, {"year": YEAR}).content.decode()
        for ref in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
            assert ref.startswith("/"), (url, ref)


def test_page_queries_do_not_grow_with_the_data(client, world, region) -> None:
    client.force_login(world["admin"])

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"year": YEAR}).status_code == 200
        return len(ctx)

    urls = ["/", "/regions/520000/", f"/pairings/{world['ziyun'].id}/", "/map/data/"]
    before = {url: count(url) for url in urls}
    for name in ("镇宁布依族苗族自治县", "关岭布依族苗族自治县", "普定县", "平坝区"):
        pairing = PairingFactory(programme=world["programme"], east_region=region("广州市南沙区"),
                                 west_region=region(name))
        FundAllocationFactory(pairing=pairing, year=YEAR, allocated=10_000, disbursed=0)
        DispatchFactory(pairing=pairing)
    after = {url: count(url) for url in urls}
    assert after == before


def test_each_number_links_to_the_records_target_or_source_behind_it(client, world) -> None:
    from shanhai.indicators.services import reported_value_upsert, target_set

    ziyun = world["ziyun"]
    target_set(indicator="funds.fiscal", year=YEAR, value=1_000_000, pairing=ziyun)
    reported_value_upsert(indicator="funds.fiscal", value=1_500_000, year=YEAR, source_kind="document",
                          source_ref="南沙区对口帮扶紫云县工作总结", pairing=ziyun,
                          evidence="全年投入财政帮扶资金150万元。")
    client.force_login(world["admin"])
    html = client.get(f"/pairings/{ziyun.id}/", {"year": YEAR}).content.decode()
    row = re.search(r'<tr id="ind-funds\.fiscal".*?</tr>', html, re.S).group(0)
    # Target, computed and reported side by side, never added; completion against the target.
    assert cell_sort(html, "funds.fiscal", "target") == "1000000"
    assert cell_sort(html, "funds.fiscal", "reported") == "1500000"
    assert Decimal(cell_sort(html, "funds.fiscal", "completion")) == Decimal("1.45")  # 1,450,000 ÷ 1,000,000
    assert "145.0%" in row
    assert 'data-flag="differs"' in row
    # The reported figure links to its source, listed with the sentence it was read from.
    assert 'href="#src-funds.fiscal"' in row
    assert 'id="src-funds.fiscal"' in html and "全年投入财政帮扶资金150万元。" in html
    # The computed figure opens the admin list of exactly the fund allocations behind it.
    records = re.search(r'data-key="computed"><a href="([^"]+)"', row).group(1).replace("&amp;", "&")
    listing = client.get(records).content.decode()
    shown = {int(i) for i in re.findall(r"/admin/projects/fundallocation/(\d+)/change/", listing)}
    expected = set(FundAllocation.objects.filter(pairing__path__startswith=ziyun.path, year=YEAR,
                                                 source=FundSource.FISCAL).values_list("id", flat=True))
    assert shown == expected and len(expected) == 2
    # Last year's figure opens the same list for the year before; the target opens its target record.
    last = re.search(r'data-key="last_year"><a href="([^"]+)"', row).group(1).replace("&amp;", "&")
    assert f"year={YEAR - 1}" in last and client.get(last).status_code == 200
    target = re.search(r'data-key="target"><a href="([^"]+)"', row).group(1).replace("&amp;", "&")
    assert "1000000" in client.get(target).content.decode().replace(",", "").replace(".00", "")


def test_picking_the_default_year_costs_one_query(client, world) -> None:
    # The years with data are read once (`years_with_data`), whatever the data.
    client.force_login(world["admin"])
    for url in ("/", "/regions/520000/", f"/pairings/{world['ziyun'].id}/"):
        cache.clear()  # each page built from scratch (web/cache.py keeps pages and figures per data version)
        with CaptureQueriesContext(connection) as given:
            client.get(url, {"year": YEAR})
        cache.clear()
        with CaptureQueriesContext(connection) as picked:
            assert client.get(url).context["page"].year == YEAR
        assert len(picked) == len(given) + 1, url


def test_default_year_is_the_latest_year_with_data_across_the_board(client, world) -> None:
    # A few rows in a later year (one dispatch, next calendar year's imports) do not turn every figure
    # into zero: the page stays on the last year with data across the board, and says so.
    DispatchFactory(pairing=world["ziyun"], planned_start=dt.date(YEAR + 1, 3, 1),
                    planned_end=dt.date(YEAR + 2, 3, 1))
    next_year = dt.date.today().year + 1
    for amount in (100, 200, 300):
        FundAllocationFactory(pairing=world["shuicheng"], year=next_year, allocated=amount, disbursed=0)
    client.force_login(world["admin"])
    for url in ("/", "/regions/520000/", f"/pairings/{world['ziyun'].id}/", "/map/"):
        response = client.get(url)
        page = response.context["page"]
        assert page.year == YEAR, url
        assert next_year not in page.years, url  # never a future year
        html = response.content.decode()
        assert f"显示 {YEAR} 年（最近一个数据较完整的年度；{YEAR + 1} 年目前只有少量指标有数据" in html, url
    html = client.get("/").content.decode()
    assert card_value(html, "funds.fiscal") == str(fiscal(YEAR)) != "0"
    assert f"{next_year} 年的记录晚于可选的年度，默认不显示" in html
    # Chosen by hand: no note.
    assert "year-note" not in client.get("/", {"year": YEAR + 1}).content.decode()
    # A later year with data across the board is the default; 水城 has money in YEAR and the year before only.
    FundAllocationFactory(pairing=world["ziyun"], year=YEAR + 1, allocated=5, disbursed=0, sector="education")
    ProjectFactory(pairing=world["ziyun"], start_date=dt.date(YEAR + 1, 5, 1))
    assert client.get("/").context["page"].year == YEAR + 1
    assert f"显示 {YEAR + 1} 年（最近一个有数据的年度）" in client.get("/").content.decode()
    assert client.get(f"/pairings/{world['shuicheng'].id}/").context["page"].year == YEAR


def test_pairing_page_lists_the_people_on_post_at_the_end_of_the_year(client, world) -> None:
    ziyun = world["ziyun"]
    DispatchFactory(pairing=world["school"], person=PersonFactory(name="王支教"), post="支教教师",
                    planned_start=dt.date(YEAR - 1, 9, 1), planned_end=dt.date(YEAR, 7, 15))
    client.force_login(world["admin"])

    def people(year: int) -> list[str]:
        page = client.get(f"/pairings/{ziyun.id}/", {"year": year}).context["page"]
        return [row["name"] for row in page.tables["people"].rows]

    assert people(YEAR - 1) == ["王支教"]  # on post on 31 December of that year, in the school pair below
    assert people(YEAR) == ["李挂职"]  # 王支教 left in July
    assert people(dt.date.today().year) == ["李挂职"]  # the current year: on post today


def test_pairing_card_counts_the_pairings_in_force_and_links_to_them(client, world) -> None:
    # Both county pairs started in 2021 and run on: in force in YEAR, none of them new that year.
    client.force_login(world["admin"])
    html = client.get("/", {"year": YEAR}).content.decode()
    card = re.search(r'<div class="kpi" data-code="pair\.county">.*?</div>\s*</div>', html, re.S).group(0)
    assert card_value(html, "pair.county") == "2"
    assert 'data-key="new" data-value="0"' in card and "其中新增" in card
    assert "年内在结对的对数" in card
    link = re.search(r'data-key="value"[^>]*><a href="([^"]+)"', card).group(1).replace("&amp;", "&")
    assert f"in_force={YEAR}" in link
    listing = client.get(link).content.decode()
    shown = {int(i) for i in re.findall(r"/admin/network/pairing/(\d+)/change/", listing)}
    assert shown == {world["ziyun"].id, world["shuicheng"].id}
    # The table row says what it counts; the new ones have their own row.
    assert "县（区、旗）结对（年内在结对）" in html
    assert cell_sort(html, "pair.county.new", "computed") == "0"


def test_a_region_outside_the_scope_says_so_instead_of_showing_zeros(client, world, region) -> None:
    client.force_login(world["officer"])  # 紫云 only
    response = client.get("/regions/520204/", {"side": "west", "year": YEAR})  # 水城区
    assert response.status_code == 403
    html = response.content.decode()
    assert "“水城区”（西部（受援方））不在您的数据范围内" in html and "紫云苗族布依族自治县" in html
    assert "data-sort" not in html and "kpi" not in html  # no figures at all
    assert client.get("/regions/520204/", {"export": "indicators", "fmt": "csv"}).status_code == 403
    # The province holding the officer's county, the county itself, and the east side of its pairing show.
    for url, side in (("/regions/520000/", "west"), ("/regions/520425/", "west"), ("/regions/440115/", "east")):
        assert client.get(url, {"side": side, "year": YEAR}).status_code == 200, url
    client.force_login(world["admin"])
    assert client.get("/regions/520204/", {"side": "west", "year": YEAR}).status_code == 200


def test_the_parent_pairing_is_linked_only_when_the_user_may_open_it(client, world, region) -> None:
    prefecture = PairingFactory(programme=world["programme"], kind=PairingKind.PREFECTURE,
                                east_region=region("广州市"), west_region=region("安顺市"))
    county = PairingFactory(programme=world["programme"], parent=prefecture, east_region=region("广州市南沙区"),
                            west_region=region("紫云"))
    client.force_login(world["officer"])
    assert client.get(f"/pairings/{prefecture.id}/").status_code == 404  # not theirs
    html = client.get(f"/pairings/{county.id}/", {"year": YEAR}).content.decode()
    assert f'href="/pairings/{prefecture.id}/' not in html
    assert "上级结对（不在您的数据范围内）" in html
    school = client.get(f"/pairings/{world['school'].id}/", {"year": YEAR}).content.decode()
    assert f'href="/pairings/{world["ziyun"].id}/?year={YEAR}">上级结对</a>' in school
    client.force_login(world["admin"])
    assert f'href="/pairings/{prefecture.id}/' in client.get(f"/pairings/{county.id}/").content.decode()


def test_region_page_shows_its_pairings_reports_and_targets_apart(client, world) -> None:
    from shanhai.indicators.services import reported_value_upsert, target_set

    ziyun = world["ziyun"]
    target_set(indicator="funds.fiscal", year=YEAR, value=2_000_000, pairing=ziyun)
    reported_value_upsert(indicator="funds.fiscal", value=1_500_000, year=YEAR, source_kind="document",
                          source_ref="南沙区对口帮扶紫云县工作总结", pairing=ziyun)
    client.force_login(world["admin"])
    html = client.get("/regions/520425/", {"side": "west", "year": YEAR}).content.decode()
    row = re.search(r'<tr id="ind-funds\.fiscal".*?</tr>', html, re.S).group(0)
    computed = fiscal(YEAR, pairing__west_region__code="520425")
    assert cell_sort(html, "funds.fiscal", "computed") == str(computed)  # never added in
    assert 'data-key="reported_pairings" data-value="1500000"' in row and "各结对上报合计" in row
    assert 'data-key="target_pairings" data-value="2000000"' in row and "各结对目标合计" in row
    assert Decimal(cell_sort(html, "funds.fiscal", "completion")) == Decimal(computed) / 2_000_000
    assert "对比各结对目标合计" in row
    overview = client.get("/", {"year": YEAR}).content.decode()
    card = re.search(r'<div class="kpi" data-code="funds\.fiscal">.*?</div>\s*</div>', overview, re.S).group(0)
    assert 'data-key="reported_pairings" data-value="1500000"' in card
    exported = client.get("/regions/520425/", {"year": YEAR, "export": "indicators", "fmt": "csv"})
    header, *rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8")[1:])))
    fiscal_row = next(r for r in rows if r[1] == "funds.fiscal")
    assert fiscal_row[header.index("各结对上报合计")] == "1500000"


def test_region_pairings_are_ranked_by_completion_rate(client, world) -> None:
    from shanhai.indicators.services import target_set

    # 紫云 is far larger in money but short of its target; 水城 beat its own.
    target_set(indicator="funds.fiscal", year=YEAR, value=10_000_000, pairing=world["ziyun"])
    target_set(indicator="funds.fiscal", year=YEAR, value=350_000, pairing=world["shuicheng"])
    client.force_login(world["admin"])
    page = client.get("/regions/520000/", {"side": "west", "year": YEAR}).context["page"]
    rows = page.tables["pairings"].rows
    assert [r["west"] for r in rows[:2]] == ["水城区", "紫云苗族布依族自治县"]
    assert [r["rate_rank"] for r in rows[:2]] == [1, 2]
    assert rows[0]["completion"] == Decimal(700_000) / 350_000
    assert rows[1]["completion"] == Decimal(fiscal(YEAR, pairing__path__startswith=world["ziyun"].path)) / 10_000_000
    assert rows[0]["basis"] == "对比目标"
    assert "按财政援助资金完成率排名" in page.tables["pairings"].title


def test_quarter_view_of_the_indicator_table(client, world) -> None:
    from tests.factories import SaleFactory

    SaleFactory(pairing=world["ziyun"], year=YEAR, month=5, amount=8_000)
    SaleFactory(pairing=world["ziyun"], year=YEAR, month=11, amount=1_000)
    client.force_login(world["admin"])
    response = client.get("/", {"year": YEAR, "quarter": 2})
    html = response.content.decode()
    assert cell_sort(html, "consume.sales", "computed") == "8000"  # May only
    # Fund allocations carry a year only and pairings in force are a year count: no quarter figure, not 0.
    rows = {r["code"]: r for r in response.context["page"].tables["indicators"].rows}
    assert rows["funds.fiscal"]["computed"] is None and rows["pair.county"]["computed"] is None
    assert "第2季度" in response.context["page"].tables["indicators"].title
    assert '<option value="2" selected>' in html
    assert cell_sort(client.get("/", {"year": YEAR}).content.decode(), "consume.sales", "computed") == "9000"
    region = client.get("/regions/520425/", {"year": YEAR, "quarter": 4}).content.decode()
    assert cell_sort(region, "consume.sales", "computed") == "1000"
    bad = client.get("/", {"quarter": 5})
    assert bad.status_code == 400 and "参数「季度」（quarter）应为1到4" in bad.content.decode()


def test_the_new_notes_read_in_english_too(client, world) -> None:
    client.force_login(world["admin"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert f"Showing {YEAR} (the latest year with data)" in html
    assert "of which new" in html and "pairings in force during the year" in html
    client.force_login(world["officer"])
    denied = client.get("/regions/520204/", {"side": "west"}).content.decode()
    assert "is outside your data scope" in denied
