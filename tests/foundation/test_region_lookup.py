"""The region lookup, on the real division table: official, short and former names, and ambiguity."""

import pytest

from shanhai.core.errors import ShanhaiError
from shanhai.regions.lookup import find_region, resolve_region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("紫云苗族布依族自治县", "520425"),
        ("紫云", "520425"),
        ("紫云县", "520425"),
        ("紫云自治县", "520425"),
        ("贵州省安顺市紫云苗族布依族自治县", "520425"),
        ("水城区", "520204"),
        ("水城县", "520204"),  # renamed in 2020
        ("520221", "520204"),  # its former code
        ("延庆县", "110119"),  # renamed in 2015
        ("北京市延庆区", "110119"),
        ("广州市南沙区", "440115"),
        ("大连市中山区", "210202"),
        ("内乡", "411325"),
        ("河南省内乡县", "411325"),
        ("内蒙古", "150000"),
        ("ＢＪ", None),
    ],
)
def test_lookup_finds_the_county_by_any_name(name: str, code: str | None) -> None:
    resolution = resolve_region(name)
    if code is None:
        assert resolution.region is None and not resolution.ambiguous
    else:
        assert resolution.region is not None, resolution.error()
        assert resolution.region.code == code


def test_a_name_that_fits_two_counties_is_reported_not_guessed() -> None:
    resolution = resolve_region("南沙")  # 广州市南沙区 and 三沙市南沙区
    assert resolution.ambiguous
    assert resolution.region is None
    assert {r.code for r in resolution.candidates} >= {"440115", "460303"}
    message = resolution.error("东部地区")
    assert "东部地区" in message and "多个" in message and "440115" in message
    with pytest.raises(ShanhaiError) as exc:
        find_region("朝阳区")  # 北京市朝阳区, 长春市朝阳区 …
    assert exc.value.code == "ambiguous"


def test_an_unknown_name_says_so_in_chinese() -> None:
    with pytest.raises(ShanhaiError) as exc:
        find_region("不存在县", label="西部地区")
    assert "西部地区" in exc.value.message and "未找到" in exc.value.message


def test_every_county_has_a_parent_and_a_point() -> None:
    from shanhai.regions.models import Region

    counties = Region.objects.filter(level="county")
    assert counties.count() > 2800
    assert not counties.filter(parent__isnull=True).exists()
    assert Region.objects.filter(level="province").count() == 31
    # The path makes a subtree one prefix query.
    ziyun = find_region("紫云")
    guizhou = find_region("贵州省")
    assert guizhou.contains(ziyun) and not ziyun.contains(guizhou)
    assert ziyun.full_name == "贵州省安顺市紫云苗族布依族自治县"
