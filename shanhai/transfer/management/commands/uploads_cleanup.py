"""`shanhai uploads_cleanup`: apply the upload retention policy (run daily from cron; idempotent)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from shanhai.transfer.uploads import cleanup


class Command(BaseCommand):
    help = (
        "按保留规定删除上传的文件：已导入文件的脱敏副本超过保留期（SHANHAI_UPLOAD_RETENTION_DAYS，默认30天）、"
        "检查后超过1天未确认的文件、没有导入记录的文件。可重复运行。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            done = cleanup()
        for item in done:
            self.stdout.write(f"{'删除' if item.removed else '脱敏'}  {item.name}：{item.why}")
        removed = sum(1 for item in done if item.removed)
        masked = len(done) - removed
        if not done:
            self.stdout.write("没有需要处理的上传文件。")
        else:
            self.stdout.write(self.style.SUCCESS(f"共删除{removed}个文件，改为脱敏副本{masked}个。"))
