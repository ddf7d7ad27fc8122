from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shanhai.network.models import Pairing
from shanhai.regions.models import Region


class Scope(models.Model):
    """What a user may see: a region subtree or a pairing with its sub-pairings (one of the two).

    A user's scopes add up; a user with no scope and no superuser flag sees nothing.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="scopes")
    region = models.ForeignKey(Region, verbose_name=_("地区"), null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("数据范围")
        verbose_name_plural = pgettext_lazy("plural", "数据范围")
        # The national office sees and writes everything, including reference data (accounts.writes).
        permissions = [("national_office", _("全国范围：维护基础数据（协作项目、指标目录、行政区划）并填报全部数据")),
                       ("manage_accounts", _("在本人数据范围内新建、停用账号"))]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(region__isnull=False) & models.Q(pairing__isnull=True))
                | (models.Q(region__isnull=True) & models.Q(pairing__isnull=False)),
                name="scope_region_xor_pairing",
                violation_error_message="「地区」与「结对关系」须且只能填写一项。",
            )
        ]

    def __str__(self) -> str:
        return str(self.region or self.pairing)

    def clean(self) -> None:
        if self.region_id is None and self.pairing_id is None:
            raise ValidationError("「地区」与「结对关系」须且只能填写一项。")
