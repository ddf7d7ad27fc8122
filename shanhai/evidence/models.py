"""The Django side of the report reader: uploaded documents and the facts proposed from them.

The reader itself (`shanhai.evidence` package modules other than this one, `services_review`, `views`
and `admin`) imports no Django.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shanhai.core.models import Timestamped
from shanhai.network.models import Pairing
from shanhai.regions.models import Region


class SourceDocument(Timestamped):
    """A report or article uploaded (or pasted) against a pairing, with its cleaned text."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("标题"), max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    file = models.FileField(_("原文件"), upload_to="documents/%Y/", blank=True)
    sha256 = models.CharField(_("内容摘要"), max_length=64, db_index=True)
    format = models.CharField(_("格式"), max_length=8)
    encoding = models.CharField(_("编码"), max_length=32, blank=True)
    published = models.DateField(_("发布日期"), null=True, blank=True)
    text = models.TextField(_("清洗后正文"))
    dropped = models.JSONField(_("清洗时删除的内容"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("报告文档")
        verbose_name_plural = pgettext_lazy("plural", "报告文档")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class FactStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("已驳回")


class ProposedFact(models.Model):
    """One figure the reader proposes; a person accepts (possibly edited), or rejects it."""

    document = models.ForeignKey(SourceDocument, verbose_name=_("报告文档"), on_delete=models.CASCADE, related_name="facts")
    metric = models.CharField(_("指标代码"), max_length=64)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=2)
    qualifier = models.CharField(_("数值性质"), max_length=8, default="exact")
    period = models.CharField(_("时期"), max_length=16, blank=True, help_text=_("如 2023 或 2021-2023"))
    east = models.CharField(_("东部（原文）"), max_length=100, blank=True)
    west = models.CharField(_("西部（原文）"), max_length=100, blank=True)
    east_region = models.ForeignKey(Region, verbose_name=_("东部地区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    west_region = models.ForeignKey(Region, verbose_name=_("西部地区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    east_note = models.CharField(_("东部地区识别说明"), max_length=300, blank=True)
    west_note = models.CharField(_("西部地区识别说明"), max_length=300, blank=True)
    baseline = models.DecimalField(_("对比基数"), max_digits=20, decimal_places=2, null=True, blank=True)
    stated_rate = models.DecimalField(_("文中完成率（%）"), max_digits=9, decimal_places=2, null=True, blank=True)
    rate_ok = models.BooleanField(_("完成率与数值相符"), null=True, blank=True)
    evidence = models.TextField(_("原文语句"))
    why = models.JSONField(_("识别依据"), default=dict, blank=True,
                           help_text=_("东部、西部和时期各取自哪里：本句、本段或导语"))
    start = models.PositiveIntegerField(_("起始位置"))
    end = models.PositiveIntegerField(_("结束位置"))
    status = models.CharField(_("状态"), max_length=16, choices=FactStatus.choices, default=FactStatus.PROPOSED)
    reported_value = models.ForeignKey(
        "indicators.ReportedValue", verbose_name=_("上报值"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "document__pairing"

    class Meta:
        verbose_name = _("待审核数字")
        verbose_name_plural = pgettext_lazy("plural", "待审核数字")
        ordering = ["document", "start"]

    def __str__(self) -> str:
        return f"{self.metric} = {self.value}"
