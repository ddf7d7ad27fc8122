"""An upload kept between its check (dry run) and its confirmation, with the last result.

The stored file is encrypted, and kept only as `transfer/uploads.py` says: a refused upload is never
kept; an imported one is replaced by a masked copy and removed after the retention period.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RunStatus(models.TextChoices):
    CHECKED = "checked", _("已检查，待确认")
    REFUSED = "refused", _("已拒绝")
    IMPORTED = "imported", _("已导入")
    EXPIRED = "expired", _("已过期（未确认导入，文件已删除）")
    UNCHANGED = "unchanged", _("无需导入（每一行都与已有记录相同）")


class ImportRun(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="import_runs")
    type_key = models.CharField(_("导入类型"), max_length=32, blank=True)
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", blank=True)  # encrypted; empty once removed
    file_masked = models.BooleanField(_("保存的是脱敏副本"), default=False)
    file_removed_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.CHECKED)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = pgettext_lazy("plural", "导入记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class ImportBatch(models.Model):
    """The records one fast-path import created: a contiguous id range of one table, and who, when, which file.

    The fast path (placements, sales) does not write a "+" history row per created record: the
    batch is that record's creation entry. When such a record is first changed, its original values
    are written to its history as a "+" row dated and attributed from this batch, then the change
    as a "~" row, so the history of every record still shows what changed.
    """

    model = models.CharField(_("数据类型"), max_length=64, db_index=True)  # "economy.placement"
    first_id = models.BigIntegerField(_("起始编号"))
    last_id = models.BigIntegerField(_("结束编号"))
    rows = models.IntegerField(_("新增条数"))
    filename = models.CharField(_("文件名"), max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("导入时间"))

    class Meta:
        verbose_name = _("批量新增记录")
        verbose_name_plural = pgettext_lazy("plural", "批量新增记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["model", "first_id", "last_id"])]

    def __str__(self) -> str:
        return f"{self.model} {self.first_id}–{self.last_id}（{self.filename}）"
