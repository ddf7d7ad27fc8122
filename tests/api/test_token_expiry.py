"""API tokens expire by default (issue 17): issue, command, admin, the 401 an expired token gets, and
the migration that gives existing tokens an expiry."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from shanhai.api.models import ApiToken, token_digest

DAY = dt.timedelta(days=1)


def near(value, expected, slack=dt.timedelta(minutes=5)):
    return value is not None and abs(value - expected) < slack


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_new_token_expires_after_the_configured_days(network, settings):
    user = User.objects.create_superuser("root", password="pw")
    row, _ = ApiToken.issue(user)
    assert near(row.expires_at, timezone.now() + 90 * DAY)
    settings.SHANHAI_API_TOKEN_DAYS = 7
    row, _ = ApiToken.issue(user, "ci")
    assert near(row.expires_at, timezone.now() + 7 * DAY)
    row, _ = ApiToken.issue(user, "ci", days=1)
    assert near(row.expires_at, timezone.now() + DAY)


def test_an_expired_token_answers_401_saying_it_expired(client, network):
    user = User.objects.create_superuser("root", password="pw")
    row, token = ApiToken.issue(user, days=30)
    assert client.get("/api/network/pairings", **bearer(token)).status_code == 200
    row.expires_at = timezone.now() - dt.timedelta(minutes=1)
    row.save()
    response = client.get("/api/network/pairings", **bearer(token))
    assert response.status_code == 401
    message = response.json()["errors"][0]["message"]
    assert "已于" in message and "过期" in message and row.prefix in message
    # An unknown token still gets the general message, not "expired".
    body = client.get("/api/network/pairings", **bearer("shanhai_unknown")).json()
    assert "过期" not in body["errors"][0]["message"] and "Authorization: Bearer" in body["errors"][0]["message"]


def test_command_issues_expiring_tokens_and_refuses_zero_days(client, network):
    User.objects.create_superuser("root", password="pw")
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "root", "--name", "ci", stdout=out, stderr=err)
    token = out.getvalue().strip()
    row = ApiToken.objects.get(digest=token_digest(token))
    assert near(row.expires_at, timezone.now() + 90 * DAY)
    assert "有效期至" in err.getvalue()
    assert client.get("/api/network/pairings", **bearer(token)).status_code == 200

    out = io.StringIO()
    call_command("api_token", "root", "--days", "5", stdout=out, stderr=io.StringIO())
    assert near(ApiToken.objects.get(digest=token_digest(out.getvalue().strip())).expires_at, timezone.now() + 5 * DAY)

    with pytest.raises(CommandError, match="至少为1天"):
        call_command("api_token", "root", "--days", "0", stdout=io.StringIO(), stderr=io.StringIO())
    assert ApiToken.objects.count() == 2


def test_admin_creates_an_expiring_token(client, network):
    admin = User.objects.create_superuser("root", password="pw")
    client.force_login(admin)
    form = client.get("/admin/api/apitoken/add/")
    assert form.status_code == 200
    assert near(form.context["adminform"].form.initial["expires_at"], timezone.now() + 90 * DAY)
    assert (timezone.localtime() + 90 * DAY).strftime("%Y/%m/%d") in form.content.decode()  # shown, zh-hans format
    response = client.post(
        "/admin/api/apitoken/add/",
        {"user": admin.pk, "name": "报表系统", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    row = ApiToken.objects.get(name="报表系统")
    assert near(row.expires_at, timezone.now() + 90 * DAY)
    shown = next(str(m) for m in response.context["messages"] if "新令牌" in str(m))
    assert "有效期至" in shown
    token = shown.rsplit("：", 1)[1]
    assert token_digest(token) == row.digest


@pytest.mark.django_db(transaction=True)
def test_migration_gives_tokens_without_expiry_ninety_days():
    executor = MigrationExecutor(connection)
    executor.migrate([("api", "0001_initial")])
    old_apps = executor.loader.project_state([("api", "0001_initial")]).apps
    user = User.objects.create_user("old-client")
    OldToken = old_apps.get_model("api", "ApiToken")
    never = OldToken.objects.create(user_id=user.pk, digest="a" * 64, prefix="shanhai_aaaaaa")
    dated = timezone.now() + 3 * DAY
    OldToken.objects.create(user_id=user.pk, digest="b" * 64, prefix="shanhai_bbbbbb", expires_at=dated)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert near(ApiToken.objects.get(pk=never.pk).expires_at, timezone.now() + 90 * DAY)
    assert near(ApiToken.objects.get(digest="b" * 64).expires_at, dated, slack=dt.timedelta(seconds=1))
