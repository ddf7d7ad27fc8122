"""`shanhai report`: write a pairing's, a region's or a programme's report (tables, summary or PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shanhai.core.errors import ShanhaiError
from shanhai.reports.services import FORMATS, report_write


class Command(BaseCommand):
    help = "生成报告：统计表（xlsx）、年度工作总结（docx）或其 PDF / write a report (xlsx tables, docx summary, PDF)"

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--pairing", type=int, help="结对关系 ID")
        scope.add_argument("--region", help="地区代码（6 位），与 --side 一起")
        scope.add_argument("--programme", type=int, help="协作项目 ID")
        parser.add_argument("--side", choices=("east", "west"), default="west")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, choices=(1, 2, 3, 4))
        parser.add_argument("--format", choices=FORMATS, required=True, dest="fmt")
        parser.add_argument("--pdf-of", choices=("docx", "xlsx"), default="docx",
                            help="PDF 的内容：总结（docx，默认）或统计表（xlsx）")
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--user", help="以该用户的数据范围生成（默认：系统，全部数据）")
        parser.add_argument("--money", choices=("yuan", "wan"), default="wan", help="金额单位：元或万元（默认）")
        parser.add_argument("--draft", action="store_true", help="允许未审定的期间，文件标注“草稿”")
        parser.add_argument("--template", type=Path, help="另一份总结措辞模板（Jinja）")

    def handle(self, *args: Any, **o: Any) -> None:
        user = None
        if o["user"]:
            user = User.objects.filter(username=o["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"用户“{o['user']}”不存在或已停用。")
        try:
            data = report_write(user, out=o["out"], fmt=o["fmt"], year=o["year"], pairing=o["pairing"],
                                region=o["region"], side=o["side"], programme=o["programme"], quarter=o["quarter"],
                                draft=o["draft"], money=o["money"], template=o["template"], pdf_of=o["pdf_of"])
        except ShanhaiError as e:
            raise CommandError(e.message) from e
        note = "（草稿）" if data.status == "draft" else ""
        self.stdout.write(f"已生成 {o['out']}：{data.scope_label} {data.period_label}{note}")
