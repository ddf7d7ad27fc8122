"""`shanhai api_token USER [--name N] [--days D]`: create an API token; it is printed once and never stored."""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from shanhai.api.models import ApiToken


class Command(BaseCommand):
    help = "为用户创建接口令牌（只显示一次；数据库只保存其摘要）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="", help="令牌用途，便于日后辨认")
        parser.add_argument("--days", type=int, default=0, help="有效天数；0 表示不过期")

    def handle(self, *args: Any, username: str, name: str, days: int, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在。")
        row, token = ApiToken.issue(user, name)
        if days > 0:
            row.expires_at = timezone.now() + dt.timedelta(days=days)
            row.save(update_fields=["expires_at"])
        self.stderr.write(f"已为“{username}”创建接口令牌（请立即保存，之后无法再次查看）：")
        self.stdout.write(token)
