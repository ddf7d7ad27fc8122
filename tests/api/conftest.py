"""API fixtures: two pairings in two counties, a superuser token and a county officer's token."""

import pytest
from django.contrib.auth.models import Group, User

from shanhai.accounts.models import Scope
from shanhai.api.models import ApiToken
from shanhai.regions.lookup import find_region
from tests.factories import PairingFactory, ProgrammeFactory


@pytest.fixture
def network(db):
    programme = ProgrammeFactory(name="东西部协作（2021—2025年）")
    ziyun = PairingFactory(programme=programme)
    shuicheng = PairingFactory(programme=programme, east_region=find_region("大连市中山区"),
                               west_region=find_region("水城区"))
    return {"programme": programme, "ziyun": ziyun, "shuicheng": shuicheng}


def _client(client, token):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.fixture
def admin_api(client, network):
    user = User.objects.create_superuser("root", password="pw")
    _, token = ApiToken.issue(user, "tests")
    return _client(client, token)


@pytest.fixture
def officer(network):
    user = User.objects.create_user("ziyun", password="pw")
    user.groups.add(Group.objects.get(name="数据填报员"))
    Scope.objects.create(user=user, region=find_region("紫云自治县"))
    return user


@pytest.fixture
def officer_api(client, officer):
    _, token = ApiToken.issue(officer, "tests")
    return _client(client, token)
