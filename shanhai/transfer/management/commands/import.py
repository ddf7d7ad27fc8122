"""`shanhai import FILE [--type T] [--dry-run] [--user NAME] [--accept-warnings]`: one Excel/CSV file, all or nothing."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from shanhai.core.progress import ConsoleBar
from shanhai.transfer.engine import ImportResult, import_file
from shanhai.transfer.readers import estimate_rows
from shanhai.transfer.specs import TYPES


class Command(BaseCommand):
    help = "导入一个 Excel（.xlsx）或 CSV 文件：先全部检查，有任何错误则一行也不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--type", dest="type_key", choices=sorted(TYPES), help="导入类型；不填则按表头识别")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告将新增、更新和拒绝的行，不写入")
        parser.add_argument("--user", help="以该用户的数据范围导入，并记入修改历史")
        parser.add_argument("--json", dest="as_json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument("--accept-warnings", action="store_true",
                            help="已核对检查提示（如晚于明年的日期）：有提示时仍然导入；不加则有提示的文件不导入")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(**options)

    def _handle(self, *, file: Path, type_key: str | None, dry_run: bool, user: str | None, as_json: bool,
                accept_warnings: bool = False, **_: Any) -> None:
        if not file.exists():
            raise CommandError(f"文件不存在：{file}")
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"用户“{user}”不存在。")
        bar = ConsoleBar("检查" if dry_run else "导入")  # on stderr: rows read of about how many, time left
        bar.start(estimate_rows(file))
        result = import_file(file, type_key=type_key, dry_run=dry_run, user=account, filename=file.name,
                             accept_warnings=accept_warnings, progress=bar)
        bar.finish()
        if as_json:
            self.stdout.write(_json(result))
        else:
            self._print(result)
        if not result.ok:
            raise CommandError(f"文件被拒绝：{result.bad_rows}行有错误，{len(result.file_errors)}处文件级错误；数据库未作任何修改。")
        if result.held and not dry_run:
            raise CommandError(
                f"文件中有{result.warning_count}处日期晚于明年，未导入，数据库未作任何修改；"
                "核对无误后加 --accept-warnings 重新运行。"
            )

    def _print(self, result: ImportResult) -> None:
        out = self.stdout
        title = f"{result.filename} · {result.type_label or '未识别类型'}"
        out.write(self.style.MIGRATE_HEADING(title))
        for note in result.notes:
            out.write(f"  {note}")
        for message in result.file_errors:
            out.write(self.style.ERROR(f"  文件错误：{message}"))
        if result.errors:
            out.write(self.style.ERROR(f"  {result.bad_rows}行有错误（共{result.error_count}处）："))
            for e in result.errors:
                value = f"“{e.value}”" if e.value else "（空）"
                out.write(f"    工作表“{e.sheet}”第{e.row}行 「{e.column}」 {value}：{e.reason}")
            if result.error_count > len(result.errors):
                out.write(f"    另有{result.error_count - len(result.errors)}处错误未列出。")
        if result.warnings:
            how = "已按 --accept-warnings 确认" if result.accept_warnings else "导入须加 --accept-warnings"
            out.write(self.style.WARNING(f"  {result.warning_count}处需要核对（{how}）："))
            for w in result.warnings:
                out.write(f"    工作表“{w.sheet}”第{w.row}行 「{w.column}」 “{w.value}”：{w.reason}")
            if result.warning_count > len(result.warnings):
                out.write(f"    另有{result.warning_count - len(result.warnings)}处未列出。")
        if not result.ok:
            out.write(f"  读取{result.rows}行（跳过{result.skipped}行），拒绝{result.bad_rows}行：整个文件未导入。")
        else:
            verb = "已" if result.committed else "将"
            out.write(
                f"  读取{result.rows}行（跳过空行、合计行{result.skipped}行）：{verb}新增{result.created}条，"
                f"{verb}更新{result.updated}条，无变化{result.unchanged}条。"
            )
        for change in result.changes[:20]:
            if change.action == "update":
                diff = "；".join(f"「{h}」{old or '（空）'} → {new or '（空）'}" for h, old, new in change.fields)
                out.write(f"    更新 工作表“{change.sheet}”第{change.row}行 {change.label}：{diff}")
        if result.dry_run:
            out.write(self.style.WARNING("  试运行：未写入数据库。"))
        elif result.committed:
            out.write(self.style.SUCCESS(f"  导入完成，用时{result.seconds:.1f}秒。"))
            for written in result.records:  # per type: how many, and the admin list of exactly those
                verb = "新增" if written["action"] == "created" else "更新"
                out.write(f"    {written['label']}：{verb}{written['count']}条  {written['url']}")


def _json(result: ImportResult) -> str:
    return json.dumps(result.as_dict(), ensure_ascii=False, indent=2, default=str)
