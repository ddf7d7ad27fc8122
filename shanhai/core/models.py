"""Base classes for the domain models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class DataVersion(models.Model):
    """One row: a counter bumped by every write that can change what a dashboard shows (`core.dataversion`).

    PostgreSQL counts with the sequence `core_dataversion_seq` instead (no row lock between writers)."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return str(self.value)
