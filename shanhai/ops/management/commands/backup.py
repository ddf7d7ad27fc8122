"""`shanhai backup [FILE]`: a consistent copy of the whole database (SQLite online backup API, or
`pg_dump -Fc` on PostgreSQL), by default var/backups/shanhai-<time>.sqlite3|.pgdump, mode 600."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from shanhai.core.progress import ConsoleBar
from shanhai.ops import backup


class Command(BaseCommand):
    help = "Back up the database to a file (SQLite online backup, or pg_dump -Fc)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="where to write (default var/backups/shanhai-<time>…)")
        parser.add_argument("--keep", type=int, default=0,
                            help="after writing to the default folder, keep only the newest N backups")

    def handle(self, *args, file, keep, **options):
        connection = connections["default"]
        folder = Path(settings.VAR_DIR) / "backups"
        if file:
            path = Path(file)
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = folder / f"shanhai-{stamp}{backup.suffix(connection)}"
        try:
            backup.backup(path, connection, progress=ConsoleBar("备份数据库"))
        except Exception as exc:
            raise CommandError(f"备份失败 / backup failed: {exc}") from exc
        self.stdout.write(f"{path}\t{path.stat().st_size} bytes")
        if keep and not file:
            old = sorted(folder.glob("shanhai-*" + backup.suffix(connection)))[:-keep]
            for p in old:
                p.unlink()
                self.stdout.write(f"removed {p}")
