"""Shared scenes for the indicator tests: two county pairs in two provinces, with sub-pairings."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from shanhai.accounts.models import Scope
from shanhai.network.models import Pairing, PairingKind
from tests.factories import PairingFactory, ProgrammeFactory


@dataclass
class Scene:
    nansha_ziyun: Pairing  # 广州市南沙区 — 紫云自治县 (Guangdong → Guizhou)
    school: Pairing  # a school pair below it
    village: Pairing  # a village pair below it
    zhongshan_shuicheng: Pairing  # 大连市中山区 — 水城区 (Liaoning → Guizhou)
    haidian_chayouhouqi: Pairing  # 北京市海淀区 — 察哈尔右翼后旗 (Beijing → Inner Mongolia), another programme


@pytest.fixture
def scene(db, region) -> Scene:
    programme = ProgrammeFactory(name="东西部协作（测试）")
    other = ProgrammeFactory(name="对口支援（测试）")
    county = PairingFactory(programme=programme)
    school = PairingFactory(programme=programme, parent=county, kind=PairingKind.SCHOOL)
    village = PairingFactory(programme=programme, parent=county, kind=PairingKind.VILLAGE)
    zs = PairingFactory(programme=programme, east_region=region("大连市中山区"), west_region=region("水城区"))
    hd = PairingFactory(programme=other, east_region=region("北京市海淀区"), west_region=region("察哈尔右翼后旗"))
    for p in (county, school, village, zs, hd):
        p.refresh_from_db()
    return Scene(county, school, village, zs, hd)


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("root", password="x")


@pytest.fixture
def ziyun_officer(db, region) -> User:
    user = User.objects.create_user("ziyun_officer", password="x", is_staff=True)
    Scope.objects.create(user=user, region=region("紫云自治县"))
    return user


def row(rows, code):
    """The IndicatorRow of `code` in an indicator table."""
    return next(r for r in rows if r.code == code)
