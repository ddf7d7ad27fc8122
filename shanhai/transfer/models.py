"""An upload kept between its check (dry run) and its confirmation, with the last result."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    CHECKED = "checked", _("已检查，待确认")
    REFUSED = "refused", _("已拒绝")
    IMPORTED = "imported", _("已导入")


class ImportRun(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="import_runs")
    type_key = models.CharField(_("导入类型"), max_length=32, blank=True)
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.CHECKED)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
