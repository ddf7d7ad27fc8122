"""Safe by default: Content-Security-Policy, login throttling with a coordinator's unlock, password rules,
session expiry, no inline script in any template."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2] / "shanhai"


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def test_pages_carry_a_csp_without_inline_script(admin_client):
    for url in ("/", "/admin/", "/admin/login/", "/map/"):
        response = admin_client.get(url)
        assert response.status_code in (200, 302), url
        policy = _csp(response)
        assert policy["script-src"] == "script-src 'self'", url
        assert policy["style-src"] == "style-src 'self'"
        assert "frame-ancestors 'none'" in policy.values() and "object-src 'none'" in policy.values()
        assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in response["Content-Security-Policy"]


def test_api_docs_get_only_their_additions(admin_client):
    response = admin_client.get("/api/docs")
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["script-src"] == "script-src 'self'"  # no inline script there either
    assert "data:" in policy["img-src"]


def test_no_template_has_inline_script_event_handlers_or_style_elements():
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    # The policy blocks <style> elements and javascript: URLs too; style attributes it allows (ECharts).
    style_element = re.compile(r"<style[\s>]", re.I)
    javascript_url = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
    found = []
    for path in ROOT.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (inline, handler, style_element, javascript_url):
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not found


def _login(client, username, password):
    return client.post("/admin/login/?next=/", {"username": username, "password": password})


def test_25_wrong_passwords_then_the_right_one_is_refused(client):
    User.objects.create_user("officer", password="Zhengque-mima-2026", is_staff=True)
    for _ in range(25):
        response = _login(client, "officer", "wrong-password")
        assert response.status_code in (200, 429)
    response = _login(client, "officer", "Zhengque-mima-2026")
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still sent to the login

    out = io.StringIO()
    call_command("login_unlock", "--list", stdout=out)
    assert "officer" in out.getvalue() and "locked" in out.getvalue()
    call_command("login_unlock", "officer", stdout=io.StringIO())
    response = _login(client, "officer", "Zhengque-mima-2026")
    assert response.status_code == 302 and client.session["_auth_user_id"]


def test_a_few_typos_do_not_lock(client):
    User.objects.create_user("typo", password="Zhengque-mima-2026", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "typo", "wrong").status_code == 200
    assert _login(client, "typo", "Zhengque-mima-2026").status_code == 302


def test_password_validators_are_in_force():
    user = User(username="zhangsan", first_name="三", last_name="张")
    for weak in ("12345678901", "password123", "zhangsan2024", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("Qianxinan-xiezuo-7!", user)


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_HTTPONLY
