"""`shanhai preflight`: refuse to start when the settings are unsafe or the database is unreachable.

Runs Django's `check --deploy` (its own security checks and ours in `ops/checks.py`) and fails on any
warning, then opens a database connection. The Procfile runs it before gunicorn; exit status 1 stops
the start.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


class Command(BaseCommand):
    help = "Check the production settings (check --deploy, warnings fail) and the database; exit 1 if unsafe."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--no-database", action="store_true", help="skip the database connection test")

    def handle(self, *args, **options):
        # SystemCheckError (a CommandError) carries every message; the exit status is 1.
        call_command("check", deploy=True, fail_level="WARNING", stdout=self.stdout, stderr=self.stderr)
        if not options["no_database"]:
            try:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT 1")
            except Exception as exc:
                raise CommandError(f"数据库无法连接 / the database does not answer: {exc}") from exc
        self.stdout.write("preflight: 生产设置检查通过 / production settings pass")
