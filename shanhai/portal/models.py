"""What a programme makes public: one row per programme, written by the national office only.

`Publication` declares no scope, so `accounts.writes.WriteGuard` treats it as reference data (the
national office alone writes it, `portal.services.programme_publish`). Which *years* are public is
not stored: it follows from the workflow (`portal.selectors.published_years`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shanhai.core.models import Timestamped
from shanhai.network.models import Programme


class Publication(Timestamped):
    programme = models.OneToOneField(Programme, verbose_name=_("协作项目"), on_delete=models.CASCADE,
                                     related_name="publication")
    public = models.BooleanField(_("在公开门户发布"), default=False,
                                 help_text=_("只发布已审定（锁定）年度的汇总数据，不含任何个人信息"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公开设置")
        verbose_name_plural = pgettext_lazy("plural", "公开设置")
        ordering = ["programme__name"]

    def __str__(self) -> str:
        return f"{self.programme}：{'公开' if self.public else '不公开'}"
