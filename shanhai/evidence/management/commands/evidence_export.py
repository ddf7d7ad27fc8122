"""`shanhai evidence_export DIR`: reviewed reports as training examples (docs/ and gold/ in DIR)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shanhai.evidence.training import export_reviewed


class Command(BaseCommand):
    help = "导出已审核的报告及其确认的事实（金标准 JSON Lines），作为读取器的训练与评测样本"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="输出目录（写入 docs/ 与 gold/）")

    def handle(self, *args: Any, **options: Any) -> None:
        written = export_reviewed(options["folder"])
        self.stdout.write(f"已导出 {len(written)} 篇已审核报告到 {options['folder']}")
