"""Every API token expires: tokens issued before expiry was the default get one, 90 days
(SHANHAI_API_TOKEN_DAYS) from when this migration runs."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def expire_open_tokens(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    days = int(getattr(settings, "SHANHAI_API_TOKEN_DAYS", 90))
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + dt.timedelta(days=days))


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(
                blank=True,
                help_text="过期后令牌不能再使用；新建时留空则按系统设置在若干天后过期（默认90天）。",
                null=True,
                verbose_name="过期时间",
            ),
        ),
        migrations.RunPython(expire_open_tokens, migrations.RunPython.noop),
    ]
