"""`shanhai publish --out DIR`: the public portal as static files (see shanhai/portal/publish.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shanhai.core.progress import ConsoleBar
from shanhai.portal.publish import publish


class Command(BaseCommand):
    help = "把公开门户导出为静态网站（写入临时目录后整体替换 DIR）。 Export the public portal as static files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="输出目录 / output directory")

    def handle(self, *args: Any, **options: Any) -> None:
        done = publish(options["out"], ConsoleBar("导出公开门户", unit="个文件") if options["verbosity"] >= 1 else None)
        self.stdout.write(f"已导出 {done.files} 个文件（{done.bytes / 1e6:.1f} MB），用时 {done.seconds:.1f} 秒：{done.out}")
