"""Provinces adding their own items within the national scheme, and the scheme frozen (and versioned) when
the assessment opens: 贵州's office adds an item for 贵州's units; nobody else may, and not after opening."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from shanhai.accounts.writes import WriteRefused
from shanhai.assessment import services
from shanhai.assessment.models import Assessment, Item, ItemKind, Score
from shanhai.core.errors import ShanhaiError
from shanhai.regions.lookup import find_region


def _item(scheme, province, code="gz.relocation", label="易地扶贫搬迁后续扶持"):
    return Item(scheme=scheme, province=province, kind=ItemKind.QUALITATIVE, code=code, label=label,
                weight=D(5), min_points=D(0), position=90)


def test_a_province_adds_its_own_items_and_only_those(assessed):
    users = assessed.year.users
    scheme = services.scheme_for(assessed.year.programme, 2023)
    guizhou, guangdong = find_region("贵州省"), find_region("广东省")
    item = services.scheme_item_save(users["guizhou"], _item(scheme, guizhou), reason="贵州增设")
    assert item.pk and item.province == guizhou
    with pytest.raises(WriteRefused, match="只有贵州省协作部门可以增设或修改该省的考核项目"):
        services.scheme_item_save(users["anshun"], _item(scheme, guizhou, code="gz.other"))  # a city office
    with pytest.raises(WriteRefused, match="只有贵州省协作部门"):
        services.scheme_item_save(users["guangdong"], _item(scheme, guizhou, code="gz.other"))
    with pytest.raises(WriteRefused, match="全国统一的考核项目只能由全国管理员修改"):
        services.scheme_item_save(users["guizhou"], _item(scheme, None, code="national.other"))
    item.province = guangdong
    with pytest.raises(WriteRefused, match="不能更改考核项目所属的省份"):
        services.scheme_item_save(users["guizhou"], item)
    item.refresh_from_db()
    with pytest.raises(WriteRefused, match="只有贵州省协作部门"):
        services.scheme_item_delete(users["guangdong"], item)
    # 广东's own item: allowed to 广东, but a west-side scheme assesses no unit of 广东
    services.scheme_item_save(users["guangdong"], _item(scheme, guangdong, code="gd.own", label="广东特色项目"))
    assert scheme.items.filter(province__isnull=False).count() == 2
    assert item.history.first().history_user == users["guizhou"]  # every edit of the scheme is versioned

    # opened: the scheme is frozen — no province item added, no band moved; 贵州's item assesses 紫云
    services.scheme_open(users["national"], scheme)
    with pytest.raises(ShanhaiError, match="已冻结"):
        services.scheme_item_save(users["guizhou"], _item(scheme, guizhou, code="gz.late"))
    band = scheme.grade_bands.get(grade="好")
    band.min_points = D(85)
    with pytest.raises(ShanhaiError, match="已冻结"):
        services.grade_band_save(users["national"], band)
    a = Assessment.objects.get(scheme=scheme, pairing=assessed.year.county)
    codes = set(Score.objects.filter(assessment=a).values_list("item__code", flat=True))
    assert "gz.relocation" in codes and "gd.own" not in codes
    relocation = Score.objects.get(assessment=a, item__code="gz.relocation")
    assert relocation.block == "定性项目尚未评分"
    services.score_adjust(users["anshun"], relocation, 4, "搬迁安置点产业配套到位")
    a.refresh_from_db()
    assert a.total == D("31.70") + 4
    # copied to the next year, the province's items come along, editable again by that province
    nxt = services.scheme_copy(users["national"], scheme, programme=assessed.year.programme, year=2024)
    copy = nxt.items.get(code="gz.relocation")
    assert copy.province == guizhou
    copy.weight = D(6)
    services.scheme_item_save(users["guizhou"], copy)


def test_the_province_office_adds_its_item_on_the_scheme_page(client, assessed):
    scheme = services.scheme_for(assessed.year.programme, 2023)
    client.force_login(assessed.year.users["guizhou"])
    url = reverse("assessment:scheme", args=[scheme.pk])
    page = client.get(url).content.decode()
    assert "增设本省考核项目" in page and f'<option value="{find_region("贵州省").code}">贵州省</option>' in page
    r = client.post(reverse("assessment:item_add", args=[scheme.pk]), {
        "kind": "qualitative", "code": "gz.relocation", "label": "易地扶贫搬迁后续扶持", "weight": "5",
        "min_points": "0", "mode": "bands", "province": find_region("贵州省").code, "back": url})
    assert r.status_code == 302
    item = scheme.items.get(code="gz.relocation")
    assert item.province.name == "贵州省" and item.weight == 5
    page = client.get(url).content.decode()
    assert "贵州省增设" in page
    versions = page.split("as-versions")[1]  # the scheme's versions name the item and who added it
    assert "guizhou 编辑考核项目 · 易地扶贫搬迁后续扶持（5.00分）" in versions
    client.force_login(assessed.year.users["anshun"])  # a city office: no such form, and refused if posted
    assert "增设本省考核项目" not in client.get(url).content.decode()
    r = client.post(reverse("assessment:item_add", args=[scheme.pk]), {
        "kind": "qualitative", "code": "as.own", "label": "安顺项目", "weight": "5",
        "province": find_region("贵州省").code})
    assert r.status_code == 403 and "只有贵州省协作部门" in r.content.decode()
