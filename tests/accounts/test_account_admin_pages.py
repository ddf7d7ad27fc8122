"""Accounts for coordinators (/work/accounts/ and `accounts.services`): a coordinator lists, creates and
disables the accounts of their own scope; nobody grants a role above their own or a scope wider than
theirs — a forged POST is refused in Chinese and creates nothing."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from shanhai.accounts import services
from shanhai.accounts.models import Scope
from shanhai.accounts.roles import CITY, DATA_ENTRY, NATIONAL, PROVINCE, VIEWER
from shanhai.accounts.writes import WriteRefused
from shanhai.core.errors import ShanhaiError
from shanhai.regions.lookup import find_region
from tests.workflow.conftest import year  # noqa: F401 - the fixture, used by name

URL = "/work/accounts/"


def post(client, manager, **data):
    client.force_login(manager)
    form = {"username": "newbie", "name": "王小明", "email": "wang@example.cn", "role": DATA_ENTRY,
            "region": "", "pairing": "", "password": ""}
    form.update({k: str(v) for k, v in data.items()})
    return client.post(URL, form)


# ---- the service ------------------------------------------------------------------------------


def test_roles_not_above_ones_own(year):  # noqa: F811
    u = year.users
    assert services.grantable_roles(u["anshun"]) == [VIEWER, DATA_ENTRY, CITY]
    assert services.grantable_roles(u["guizhou"]) == [VIEWER, DATA_ENTRY, CITY, PROVINCE]
    assert services.grantable_roles(u["national"]) == [VIEWER, DATA_ENTRY, CITY, PROVINCE, NATIONAL]
    assert services.grantable_roles(u["ziyun"]) == [] and services.grantable_roles(u["viewer"]) == []


def test_a_city_coordinator_creates_a_county_officer_who_can_log_in(year):  # noqa: F811
    user, password = services.account_create(year.users["anshun"], username="ziyun2", name="李四", role=DATA_ENTRY,
                                             region=find_region("紫云自治县"))
    assert user.is_staff and user.is_active and user.first_name == "李四"
    assert list(user.groups.values_list("name", flat=True)) == [DATA_ENTRY]
    assert Scope.objects.get(user=user).region.code == "520425"
    assert len(password) == 14 and authenticate(username="ziyun2", password=password) == user


@pytest.mark.parametrize(("who", "role", "region", "message"), [
    ("anshun", PROVINCE, "520425", "不能授予高于本人的角色"),
    ("anshun", NATIONAL, "520425", "只有全国管理员可以新建全国管理员账号"),
    ("guizhou", NATIONAL, "", "只有全国管理员可以新建全国管理员账号"),
    ("anshun", DATA_ENTRY, "520000", "不在您的数据范围内"),  # 贵州省: wider than 安顺
    ("anshun", DATA_ENTRY, "520200", "不在您的数据范围内"),  # 六盘水: beside 安顺
    ("guizhou", DATA_ENTRY, "440115", "不在您的数据范围内"),  # 南沙: another province
])
def test_more_than_one_holds_is_refused(year, who, role, region, message):  # noqa: F811
    with pytest.raises(WriteRefused, match=message):
        services.account_create(year.users[who], username="x1", role=role, region=region or None)
    assert not User.objects.filter(username="x1").exists()


def test_pairing_scopes_inside_ones_own(year):  # noqa: F811
    u = year.users
    user, _ = services.account_create(u["anshun"], username="school2", role=DATA_ENTRY, pairing=year.school.pk)
    assert Scope.objects.get(user=user).pairing == year.school
    with pytest.raises(WriteRefused, match="该结对关系不在您的数据范围内"):
        services.account_create(u["anshun"], username="x2", role=DATA_ENTRY, pairing=year.other.pk)  # 中山→水城
    with pytest.raises(ShanhaiError, match="须且只能填写一项"):
        services.account_create(u["anshun"], username="x2", role=DATA_ENTRY, region="520425", pairing=year.school.pk)
    with pytest.raises(ShanhaiError, match="请为账号选择数据范围"):
        services.account_create(u["anshun"], username="x2", role=DATA_ENTRY)
    assert not User.objects.filter(username="x2").exists()


def test_only_managers_manage(year):  # noqa: F811
    for who in ("ziyun", "viewer", "school"):
        with pytest.raises(WriteRefused, match="没有管理账号的权限"):
            services.account_create(year.users[who], username="x3", role=VIEWER, region="520425")
        with pytest.raises(WriteRefused):
            services.accounts_list(year.users[who])
    assert not User.objects.filter(username="x3").exists()


def test_the_national_office_creates_a_national_administrator_without_scope(year):  # noqa: F811
    user, _ = services.account_create(year.users["national"], username="office2", role=NATIONAL)
    assert user.has_perm("accounts.national_office") and not user.scopes.exists()


def test_passwords_and_usernames(year):  # noqa: F811
    anshun = year.users["anshun"]
    with pytest.raises(ShanhaiError) as e:
        services.account_create(anshun, username="x4", role=VIEWER, region="520425", password="12345678")
    assert e.value.field == "password" and "密码" in e.value.message
    with pytest.raises(ShanhaiError, match="已被使用"):
        services.account_create(anshun, username="ZIYUN", role=VIEWER, region="520425")
    with pytest.raises(ShanhaiError, match="用户名只能包含"):
        services.account_create(anshun, username="紫 云", role=VIEWER, region="520425")
    with pytest.raises(ShanhaiError, match="电子邮箱格式不正确"):
        services.account_create(anshun, username="x4", role=VIEWER, region="520425", email="not-an-address")
    user, password = services.account_create(anshun, username="x4", role=VIEWER, region="520425",
                                             password="Anshun-Ziyun-2026!")
    assert password == "Anshun-Ziyun-2026!" and user.check_password(password)


def test_the_list_holds_the_scope_and_roles_below(year):  # noqa: F811
    u = year.users
    names = {a.user.username for a in services.accounts_list(u["anshun"])}
    assert names == {"ziyun", "viewer", "school"}  # not 贵州 (above), 南沙 / 广东 (outside), not oneself
    names = {a.user.username for a in services.accounts_list(u["guizhou"])}
    assert names == {"ziyun", "viewer", "school", "anshun"}
    assert {a.user.username for a in services.accounts_list(u["national"])} >= {"guizhou", "guangdong", "nansha"}
    [found] = services.accounts_list(u["anshun"], search="vie")
    assert found.role == VIEWER and "紫云" in found.scope_label


def test_disable_and_enable_within_ones_scope(year):  # noqa: F811
    u = year.users
    services.account_set_active(u["anshun"], u["ziyun"].pk, False)
    u["ziyun"].refresh_from_db()
    assert not u["ziyun"].is_active
    assert authenticate(username="ziyun", password="pw-ziyun-1") is None
    services.account_set_active(u["anshun"], u["ziyun"].pk, True)
    for target in ("guizhou", "nansha", "national"):
        with pytest.raises(WriteRefused, match="不在您管理的范围内"):
            services.account_set_active(u["anshun"], u[target].pk, False)
    with pytest.raises(WriteRefused, match="本人"):
        services.account_set_active(u["anshun"], u["anshun"].pk, False)
    assert User.objects.filter(is_active=False).count() == 0


# ---- the pages --------------------------------------------------------------------------------


def test_the_page_lists_and_creates_with_a_password_shown_once(client, year):  # noqa: F811
    client.force_login(year.users["anshun"])
    body = client.get(URL).content.decode()
    assert "账号管理" in body and 'data-user="ziyun"' in body and 'data-user="guizhou"' not in body
    assert f'<option value="{PROVINCE}"' not in body and f'<option value="{CITY}"' in body
    response = post(client, year.users["anshun"], region="520425")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-created="newbie"' in body
    password = body.split("data-password>")[1].split("<")[0]
    assert authenticate(username="newbie", password=password).first_name == "王小明"
    assert password not in client.get(URL).content.decode()  # shown once
    response = post(client, year.users["anshun"], username="typed", region_code="520425", password="Anshun-Ziyun-2026!")
    assert response.status_code == 200 and "data-password>" not in response.content.decode()
    assert Scope.objects.get(user__username="typed").region.code == "520425"


@pytest.mark.parametrize(("who", "data", "message"), [
    ("anshun", {"role": PROVINCE, "region": "520425"}, "不能授予高于本人的角色"),
    ("anshun", {"role": NATIONAL}, "只有全国管理员可以新建全国管理员账号"),
    ("guizhou", {"role": NATIONAL}, "只有全国管理员可以新建全国管理员账号"),
    ("anshun", {"region": "520000"}, "“贵州省”不在您的数据范围内"),
    ("anshun", {"region_code": "440115"}, "不在您的数据范围内"),
    ("guizhou", {"region": "440000"}, "“广东省”不在您的数据范围内"),
])
def test_a_forged_post_is_refused_in_chinese_and_creates_nothing(client, year, who, data, message):  # noqa: F811
    if "pairing" in data:
        data["pairing"] = year.other.pk
    response = post(client, year.users[who], **data)
    assert response.status_code == 403 and message in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_a_forged_pairing_is_refused(client, year):  # noqa: F811
    response = post(client, year.users["anshun"], pairing=year.other.pk)
    assert response.status_code == 403 and "该结对关系不在您的数据范围内" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_invalid_input_is_answered_with_the_form_kept(client, year):  # noqa: F811
    response = post(client, year.users["anshun"], region="520425", password="123")
    body = response.content.decode()
    assert response.status_code == 400 and "密码" in body and 'value="王小明"' in body
    response = post(client, year.users["anshun"], username="ziyun", region="520425")
    assert response.status_code == 400 and "已被使用" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize("who", ["ziyun", "viewer", "school", "nansha"])
def test_the_page_is_refused_to_those_who_do_not_manage(client, year, who):  # noqa: F811
    client.force_login(year.users[who])
    response = client.get(URL)
    assert response.status_code == 403 and "您没有管理账号的权限" in response.content.decode()
    response = post(client, year.users[who], region="520425")
    assert response.status_code == 403 and not User.objects.filter(username="newbie").exists()
    response = client.post(f"/work/accounts/{year.users['viewer'].pk}/active/", {"active": "0"})
    assert response.status_code == 403 and User.objects.get(username="viewer").is_active


def test_disable_from_the_page_and_refusals(client, year):  # noqa: F811
    u = year.users
    client.force_login(u["anshun"])
    response = client.post(f"/work/accounts/{u['ziyun'].pk}/active/", {"active": "0"}, follow=True)
    assert "账号“ziyun”已停用" in response.content.decode()
    assert not User.objects.get(username="ziyun").is_active
    response = client.post(f"/work/accounts/{u['guizhou'].pk}/active/", {"active": "0"})
    assert response.status_code == 403 and "不在您管理的范围内" in response.content.decode()
    assert User.objects.get(username="guizhou").is_active
    assert client.post("/work/accounts/999999/active/", {"active": "0"}).status_code == 404
    assert client.get(f"/work/accounts/{u['ziyun'].pk}/active/").status_code == 405
