"""`shanhai api_token USER [--name N] [--days D]`: create an API token; it is printed once and never stored.

The token expires after D days (default `SHANHAI_API_TOKEN_DAYS`, 90).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from shanhai.api.models import ApiToken, default_days
from shanhai.core.errors import ShanhaiError


class Command(BaseCommand):
    help = "为用户创建接口令牌（只显示一次；数据库只保存其摘要）。令牌到期后失效。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="", help="令牌用途，便于日后辨认")
        parser.add_argument("--days", type=int, default=None,
                            help=f"有效天数（至少1天；默认 SHANHAI_API_TOKEN_DAYS，当前为{default_days()}天）")

    def handle(self, *args: Any, username: str, name: str, days: int | None, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在。")
        try:
            row, token = ApiToken.issue(user, name, days=days)
        except ShanhaiError as e:
            raise CommandError(e.message) from e
        expires = timezone.localtime(row.expires_at).strftime("%Y-%m-%d %H:%M")
        self.stderr.write(f"已为“{username}”创建接口令牌，有效期至{expires}（请立即保存，之后无法再次查看）：")
        self.stdout.write(token)
