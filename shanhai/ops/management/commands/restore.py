"""`shanhai restore FILE`: put a backup made by `shanhai backup` back into the configured database.

Refuses a database that already has tables unless `--replace` is given (stop the site first).
Afterwards run `shanhai migrate` if the backup is older than the code.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from shanhai.ops import backup


class Command(BaseCommand):
    help = "Restore a backup made by `shanhai backup` into the configured database."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--replace", action="store_true",
                            help="overwrite a database that already has tables")

    def handle(self, *args, file, replace, **options):
        connection = connections["default"]
        if not replace and not backup.database_empty(connection):
            raise CommandError("数据库不为空；确认覆盖请加 --replace（先停止服务）/ "
                               "the database is not empty: add --replace to overwrite it (stop the site first)")
        try:
            backup.restore(Path(file), connection)
        except Exception as exc:
            raise CommandError(f"恢复失败 / restore failed: {exc}") from exc
        self.stdout.write(f"已恢复 / restored {file} into {connection.settings_dict['NAME']}")
