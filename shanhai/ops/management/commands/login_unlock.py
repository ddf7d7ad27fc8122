"""`shanhai login_unlock USER`: lift a login lockout (django-axes) for a user; `--list` shows locked logins.

A coordinator runs it after confirming by phone who is locked out; the admin's 访问尝试 (Access
attempts) list does the same through the web for superusers (delete the user's rows).
"""

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Unlock a login locked out after too many wrong passwords (or --list the locked ones)."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*")
        parser.add_argument("--list", action="store_true", help="list usernames with failed attempts")

    def handle(self, *args, usernames, **options):
        if options["list"] or not usernames:
            limit = settings.AXES_FAILURE_LIMIT
            rows = AccessAttempt.objects.order_by("username", "ip_address")
            for a in rows:
                state = "已锁定 locked" if a.failures_since_start >= limit else "未锁定"
                self.stdout.write(f"{a.username}\t{a.ip_address}\t{a.failures_since_start}\t{state}\t"
                                  f"{a.attempt_time:%Y-%m-%d %H:%M}")
            if not rows:
                self.stdout.write("没有失败的登录记录 / no failed logins recorded")
            if not usernames:
                return
        if not usernames:
            raise CommandError("请指定用户名 / name the user to unlock")
        for username in usernames:
            count = reset(username=username)
            self.stdout.write(f"{username}: 已解除锁定（清除 {count} 条失败记录）/ unlocked ({count} cleared)")
