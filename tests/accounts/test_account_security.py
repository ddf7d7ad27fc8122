"""Safe by default (issue 14): a coordinator unlocks the locked-out accounts of their own scope (reason
logged, nobody outside it); sessions end when idle and after an absolute time; the second factor (TOTP)
for national and provincial accounts — enrolled from one's own page, then asked at every login, and
mandatory by a setting; password rules in Chinese."""

from __future__ import annotations

import logging
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shanhai.accounts.middleware import LOGIN_AT, SEEN_AT
from tests.workflow.conftest import year  # noqa: F401 - the fixture, used by name

LOCKOUTS = "/account/lockouts/"


def _lock(client, username: str) -> None:
    User.objects.filter(username=username).update(is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/?next=/", {"username": username, "password": "wrong-password"})
    assert client.post("/admin/login/?next=/", {"username": username, "password": f"pw-{username}-1"}).status_code == 429


def _login_works(client, username: str) -> bool:
    User.objects.filter(username=username).update(is_staff=True)  # the site's login form is the admin's
    client.logout()
    response = client.post("/admin/login/?next=/work/", {"username": username, "password": f"pw-{username}-1"})
    return response.status_code == 302 and "_auth_user_id" in client.session


# ---- unlock by a coordinator ----------------------------------------------------------------------

def test_a_city_coordinator_sees_and_unlocks_only_their_scope(client, year, caplog):  # noqa: F811
    _lock(client, "ziyun")  # 紫云: inside 安顺
    _lock(client, "nansha")  # 南沙: Guangdong, outside 安顺
    client.force_login(year.users["anshun"])
    page = client.get(LOCKOUTS).content.decode()
    assert 'data-locked="ziyun"' in page and "nansha" not in page

    # nansha is outside the scope: a forged POST is refused and nansha stays locked
    response = client.post(LOCKOUTS, {"user": year.users["nansha"].pk, "reason": "电话核实"})
    assert response.status_code == 403 and "不在您管理的范围内" in response.content.decode()
    # a reason is required
    response = client.post(LOCKOUTS, {"user": year.users["ziyun"].pk, "reason": " "})
    assert response.status_code == 400 and "请填写解除锁定的原因" in response.content.decode()
    with caplog.at_level(logging.WARNING, logger="shanhai.accounts.lockouts"):
        response = client.post(LOCKOUTS, {"user": year.users["ziyun"].pk, "reason": "已电话核实本人"})
    assert response.status_code == 302
    assert any("ziyun" in r.getMessage() and "anshun" in r.getMessage() and "已电话核实本人" in r.getMessage()
               for r in caplog.records)
    assert _login_works(client, "ziyun")
    assert not _login_works(client, "nansha")  # still locked


def test_the_province_office_sees_the_same_lockout_and_others_get_403(client, year):  # noqa: F811
    _lock(client, "ziyun")
    client.force_login(year.users["guangdong"])
    assert "ziyun" not in client.get(LOCKOUTS).content.decode()
    client.force_login(year.users["guizhou"])
    assert 'data-locked="ziyun"' in client.get(LOCKOUTS).content.decode()
    client.force_login(year.users["viewer"])
    assert client.get(LOCKOUTS).status_code == 403
    client.force_login(year.users["nansha"])
    assert client.post(LOCKOUTS, {"user": year.users["ziyun"].pk, "reason": "自己解锁"}).status_code == 403
    client.logout()
    assert not _login_works(client, "ziyun")


# ---- sessions -------------------------------------------------------------------------------------

def _age(client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key  # signed-cookie sessions live here


@pytest.mark.parametrize(("key", "seconds", "why"), [
    (SEEN_AT, settings.SHANHAI_SESSION_IDLE_MINUTES * 60 + 5, "长时间未操作"),
    (LOGIN_AT, settings.SESSION_COOKIE_AGE + 5, "登录时间已满"),
])
def test_a_session_ends_when_idle_and_after_its_absolute_time(client, year, key, seconds, why):  # noqa: F811
    assert _login_works(client, "ziyun")
    assert client.get("/work/").status_code == 200
    _age(client, SEEN_AT, 0)  # both stamps exist after a login
    if key == LOGIN_AT:
        _age(client, SEEN_AT, 0)
    _age(client, key, seconds)
    response = client.get("/work/", follow=True)
    assert response.redirect_chain[0][0].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session
    assert why in response.content.decode()


def test_an_active_user_stays_signed_in(client, year):  # noqa: F811
    assert _login_works(client, "ziyun")
    _age(client, SEEN_AT, settings.SHANHAI_SESSION_IDLE_MINUTES * 60 - 120)
    assert client.get("/work/").status_code == 200
    assert time.time() - client.session[SEEN_AT] < 5  # the visit counted as activity


# ---- second factor --------------------------------------------------------------------------------

def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _enrol(client) -> TOTPDevice:
    client.post("/account/security/", {"action": "start"})
    device = TOTPDevice.objects.get(user__username="guizhou", confirmed=False)
    page = client.get("/account/security/").content.decode()
    assert "<svg" in page and "data-otp-qr" in page and device.key in page  # QR drawn here, key shown
    assert "http" not in page.split("data-otp-qr", 1)[1].split("</div>", 1)[0].replace("http://www.w3.org", "")
    assert client.post("/account/security/", {"action": "confirm", "token": "000000" if _code(device) != "000000"
                                              else "111111"}).status_code == 400
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    assert client.post("/account/security/", {"action": "confirm", "token": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_provincial_account_enrols_and_is_then_asked_at_every_login(client, year):  # noqa: F811
    assert _login_works(client, "guizhou")
    device = _enrol(client)
    assert client.get("/work/").status_code == 200  # this session was verified by the first code

    assert _login_works(client, "guizhou")  # the password alone: the pages wait for the code
    response = client.get("/work/")
    assert response.status_code == 302 and response["Location"].startswith("/account/otp/?next=")
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/regions").status_code in (302, 403)
    response = client.post("/account/otp/?next=/work/", {"token": "12345", "next": "/work/"})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    # the next time step's code: the one used at enrolment may not be used twice
    response = client.post("/account/otp/", {"token": _code(device, 1), "next": "/work/"})
    assert response.status_code == 302 and response["Location"] == "/work/"
    assert client.get("/work/").status_code == 200


def test_wrong_codes_are_throttled(client, year):  # noqa: F811
    assert _login_works(client, "guizhou")
    device = _enrol(client)
    assert _login_works(client, "guizhou")
    client.post("/account/otp/", {"token": "999999" if _code(device) != "999999" else "888888"})
    response = client.post("/account/otp/", {"token": _code(device)})  # right, but within the wait
    assert response.status_code == 400 and "错误次数过多" in response.content.decode()


def test_the_second_factor_is_offered_only_to_national_and_provincial_accounts(client, year):  # noqa: F811
    client.force_login(year.users["ziyun"])
    assert 'data-otp-state="not-offered"' in client.get("/account/security/").content.decode()
    response = client.post("/account/security/", {"action": "start"})
    assert response.status_code == 400 and not TOTPDevice.objects.filter(user=year.users["ziyun"]).exists()
    client.force_login(year.users["national"])
    assert 'data-otp-state="off"' in client.get("/account/security/").content.decode()


def test_a_mandatory_second_factor_holds_those_roles_at_enrolment(client, year, settings):  # noqa: F811
    settings.SHANHAI_OTP_REQUIRED = True
    client.force_login(year.users["guizhou"])
    response = client.get("/work/")
    assert response.status_code == 302 and response["Location"].startswith("/account/otp/enrol/")
    assert "必须" in client.get(response["Location"]).content.decode() or "请先启用" in client.get(
        response["Location"]).content.decode()
    client.force_login(year.users["ziyun"])  # a county officer is not held
    assert client.get("/work/").status_code == 200


# ---- passwords ------------------------------------------------------------------------------------

def test_password_rules_speak_chinese():
    user = User(username="zhangsan")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as e:
        validate_password("1234567", user)
    text = " ".join(e.value.messages)
    assert "密码" in text and "太短" in text and "只包含数字" in text
