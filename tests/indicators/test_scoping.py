"""Every read goes through the user's scope; the table costs a fixed number of queries."""

import pytest
from django.contrib.auth.models import AnonymousUser

from shanhai.core.errors import ShanhaiError
from shanhai.indicators.selectors import (
    indicator_table,
    map_data,
    pairing_profile,
    ranking,
    region_summary,
    trend,
)
from shanhai.indicators.services import reported_value_upsert, target_set
from tests.factories import ActivityFactory, DispatchFactory, SaleFactory

from .conftest import row

pytestmark = pytest.mark.django_db


def fill(scene):
    SaleFactory(pairing=scene.nansha_ziyun, amount=100)
    SaleFactory(pairing=scene.school, amount=10)
    SaleFactory(pairing=scene.zhongshan_shuicheng, amount=20)
    SaleFactory(pairing=scene.haidian_chayouhouqi, amount=3)
    reported_value_upsert(indicator="consume.sales", pairing=scene.zhongshan_shuicheng, value=999, year=2023,
                          source_kind="form", source_ref="水城填报")
    reported_value_upsert(indicator="consume.sales", region="水城区", side="west", value=998, year=2023,
                          source_kind="form", source_ref="水城区填报")
    target_set(indicator="consume.sales", region="贵州省", side="west", year=2023, value=5000)


def test_county_officer_never_sees_another_countys_values(scene, ziyun_officer, admin_user):
    fill(scene)
    for kw in ({}, {"region": "520000"}, {"region": "520000", "side": "east"}):
        sales = row(indicator_table(ziyun_officer, year=2023, **kw), "consume.sales")
        assert sales.computed in (110, 0) and sales.reported is None
    assert row(indicator_table(ziyun_officer, year=2023, region="520000"), "consume.sales").computed == 110
    assert row(indicator_table(admin_user, year=2023, region="520000"), "consume.sales").computed == 130
    # Another county's region-level report and the province target stay hidden.
    shuicheng = row(indicator_table(ziyun_officer, year=2023, region="520204"), "consume.sales")
    assert (shuicheng.computed, shuicheng.reported, shuicheng.reported_sources) == (0, None, [])
    assert row(indicator_table(ziyun_officer, year=2023, region="520000"), "consume.sales").target is None
    with pytest.raises(ShanhaiError) as e:
        indicator_table(ziyun_officer, pairing=scene.zhongshan_shuicheng.pk, year=2023)
    assert e.value.code == "not_found"
    with pytest.raises(ShanhaiError):
        pairing_profile(ziyun_officer, scene.zhongshan_shuicheng.pk)
    assert [r.name for r in ranking(ziyun_officer, code="consume.sales", year=2023, level="county")] == ["紫云苗族布依族自治县"]
    assert trend(ziyun_officer, code="consume.sales", years=[2023]) == [(2023, 110)]
    lines = map_data(ziyun_officer, year=2023)["lines"]
    assert {line["west"]["code"] for line in lines} == {"520425"}
    summary = region_summary(ziyun_officer, code="520000", year=2023)
    assert [p.west_name for p in summary.pairings] == ["紫云苗族布依族自治县"]
    assert {c.name: c.values["consume.sales"] for c in summary.children}["六盘水市"] == 0
    assert all(row(indicator_table(AnonymousUser(), year=2023), c).computed in (0, None) for c in ("consume.sales",))


def test_region_page_pieces_for_an_admin(scene, admin_user):
    fill(scene)
    summary = region_summary(admin_user, code="520000", side="west", year=2023)
    assert summary.headline["consume.sales"] == 130
    children = {c.name: c.values["consume.sales"] for c in summary.children}
    assert children["安顺市"] == 110 and children["六盘水市"] == 20
    assert {p.west_name for p in summary.pairings} == {"紫云苗族布依族自治县", "水城区"}
    data = map_data(admin_user, year=2023, code="consume.sales")
    assert {r["name"]: r["value"] for r in data["regions"]} == {"贵州省": 130, "内蒙古自治区": 3}
    assert len(data["lines"]) == 3 and data["lines"][0]["east"]["lng"]
    profile = pairing_profile(admin_user, scene.nansha_ziyun.pk)
    assert sorted(s.kind for s in profile.sub_pairings) == ["school", "village"]


@pytest.mark.parametrize("user_fixture", ["admin_user", "ziyun_officer"])
def test_indicator_table_query_count_does_not_grow_with_data(scene, request, django_assert_max_num_queries, user_fixture):
    user = request.getfixturevalue(user_fixture)
    fill(scene)
    scopes = [{"pairing": scene.nansha_ziyun.pk}, {"region": "520000"}, {}]
    counts = {}
    for size in (1, 12):
        for _ in range(size):
            ActivityFactory(pairing=scene.school, kind="visit")
            DispatchFactory(pairing=scene.village)
            SaleFactory(pairing=scene.nansha_ziyun, month=size % 12 + 1)
        for i, kw in enumerate(scopes):
            with django_assert_max_num_queries(10) as captured:
                indicator_table(user, year=2023, quarter=2, **kw)
            counts[(size, i)] = len(captured)
    # the first round also loads the user's permissions once (the national-office check): never more later
    assert all(counts[(12, i)] <= counts[(1, i)] for i in range(len(scopes)))


@pytest.mark.parametrize(("scopes", "expected"), [
    (["广东省"], {None: 110, "520000": 110, "440000": 0, "520425": 110, "150000": 0}),
    (["紫云自治县", "水城区"], {None: 130, "520000": 130, "520400": 110, "440000": 0}),
    (["贵州省", "紫云自治县"], {None: 130, "520000": 130, "150000": 0}),  # nested scopes are not counted twice
    (["北京市"], {None: 3, "150000": 3, "520000": 0}),
])
def test_partly_visible_scopes_add_up_to_the_visible_pairings(scene, region, scopes, expected):
    from django.contrib.auth.models import User

    from shanhai.accounts.models import Scope

    fill(scene)
    user = User.objects.create_user("officer", password="x")
    for name in scopes:
        Scope.objects.create(user=user, region=region(name))
    for code, value in expected.items():
        assert row(indicator_table(user, year=2023, region=code, side="west"), "consume.sales").computed == value, code
    by_county = {r.name: r.value for r in ranking(user, code="consume.sales", year=2023, level="county")}
    assert sum(by_county.values()) == expected[None]


def test_admin_lists_of_targets_and_reported_values_are_scoped(scene, ziyun_officer, admin_user, client):
    from django.contrib.auth.models import Permission

    fill(scene)
    reported_value_upsert(indicator="consume.sales", pairing=scene.nansha_ziyun, value=5, year=2023,
                          source_kind="form", source_ref="紫云填报")
    ziyun_officer.user_permissions.add(*Permission.objects.filter(codename__in=["view_reportedvalue", "view_target"]))
    client.force_login(ziyun_officer)
    response = client.get("/admin/indicators/reportedvalue/")
    assert response.status_code == 200
    assert [r.source_ref for r in response.context["cl"].result_list] == ["紫云填报"]
    assert client.get("/admin/indicators/target/").context["cl"].result_count == 0
    client.force_login(admin_user)
    assert client.get("/admin/indicators/reportedvalue/?year=2023").context["cl"].result_count == 3
