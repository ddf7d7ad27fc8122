"""`shanhai serve`: the production start, the same as `make serve` — honcho runs the Procfile (Redis,
then preflight, migrate, collectstatic and gunicorn) with production settings unless another settings
module was named. Replaces this process, so a supervisor (systemd) sees honcho itself."""

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Start production: honcho runs the Procfile (Redis, preflight, migrate, collectstatic, gunicorn)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--procfile", default=str(Path(settings.PROJECT_DIR) / "Procfile"))

    def handle(self, *args, procfile, **options):
        bin_dir = Path(sys.executable).parent
        honcho = bin_dir / "honcho"
        if not honcho.exists() or not Path(procfile).exists():
            raise CommandError(f"honcho 或 Procfile 不存在 / missing: {honcho}, {procfile}")
        env = dict(os.environ)
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
        if env.get("DJANGO_SETTINGS_MODULE", "shanhai.settings.base") == "shanhai.settings.base":
            env["DJANGO_SETTINGS_MODULE"] = "shanhai.settings.production"
        folder = str(Path(procfile).resolve().parent)
        sys.stdout.flush()
        os.execve(honcho, [str(honcho), "start", "-f", procfile, "-d", folder], env)  # noqa: S606
