"""Needs (需求清单), offers (资源清单) and the matches proposed between them (issue 12).

A need is posted by a western unit or county, an offer by an eastern one; both name what (`kind`),
a subject or speciality, a quantity with its unit, a date window, where (`region`, optionally the
unit), the domain, who may see it and when it expires. They are scoped like the other records: by
their region and, when posted through a pairing (a school pair's reporter), by that pairing.
A `Match` is a proposal between one need and one offer; once both sides accept it becomes the
records it implies (`records` lists them) through the write door (`matching.services`).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shanhai.core.constraints import non_negative, ordered_dates
from shanhai.core.fields import Domain, money_field
from shanhai.core.models import Timestamped
from shanhai.network.models import Organisation, Pairing, Programme
from shanhai.regions.models import Region


class Kind(models.TextChoices):
    TEACHER = "teacher", _("教师")
    DOCTOR = "doctor", _("医生/医疗队")
    TRAINING = "training", _("培训")
    EQUIPMENT = "equipment", _("设备")
    PURCHASE = "purchase", _("产品采购")
    JOBS = "jobs", _("就业岗位")
    FUNDING = "funding", _("项目资金")


class Visibility(models.TextChoices):
    PAIRING = "pairing", _("仅结对双方")
    PROGRAMME = "programme", _("同一协作项目")
    PUBLIC = "public", _("全部单位")


class ListingState(models.TextChoices):
    OPEN = "open", _("征集中")
    WITHDRAWN = "withdrawn", _("已撤回")


class Listing(Timestamped):
    """What a need and an offer share: the same vocabulary, so they can be compared field by field."""

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    subject = models.CharField(_("学科/专业"), max_length=64, blank=True, help_text=_("如：数学、骨科、茶叶"))
    level = models.CharField(_("学段/层级"), max_length=32, blank=True, help_text=_("如：初中、三级医院"))
    quantity = models.IntegerField(_("数量"), default=1)
    unit = models.CharField(_("计量单位"), max_length=16, default="人", help_text=_("如：人、人次、吨、台、万元"))
    amount = money_field(_("金额（元）"))
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, verbose_name=_("单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    pairing = models.ForeignKey(Pairing, verbose_name=_("所属结对关系"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                help_text=_("学校、医院等结对的填报员通过本结对发布时填写"))
    programme = models.ForeignKey(Programme, verbose_name=_("协作项目"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(_("领域"), max_length=16, choices=Domain.choices)
    visibility = models.CharField(_("可见范围"), max_length=16, choices=Visibility.choices, default=Visibility.PROGRAMME)
    expires_on = models.DateField(_("有效期至"))
    state = models.CharField(_("状态"), max_length=16, choices=ListingState.choices, default=ListingState.OPEN)
    description = models.TextField(_("说明"), blank=True)

    scope_pairing_field = "pairing"
    scope_region_fields = ("region",)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def available(self, today: datetime.date | None = None) -> bool:
        return self.state == ListingState.OPEN and self.expires_on >= (today or localdate())

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.organisation_id is not None and self.region_id is not None \
                and not self.region.contains(self.organisation.region):
            errors["organisation"] = f"「单位」{self.organisation.name}不在所填地区{self.region.name}内。"
        if self.pairing_id is not None and self.region_id is not None:
            side = getattr(self.pairing, f"{self.SIDE}_region")
            if not side.contains(self.region):
                errors["pairing"] = (f"「所在地区」{self.region.name}不在所属结对的"
                                     f"{'西部' if self.SIDE == 'west' else '东部'}地区{side.name}内。")
        if self.programme_id is None and self.region_id is not None:
            self.programme_id = self.default_programme()
        if self.quantity is not None and self.quantity < 1:
            errors["quantity"] = "「数量」至少为1。"
        if errors:
            raise ValidationError(errors)

    SIDE = ""

    def default_programme(self) -> int | None:
        """The pairing's programme; without a pairing, that of the newest pairing on the listing's side of
        its region (紫云's needs belong to 东西部协作), so 同一协作项目 means something."""
        if self.pairing_id is not None:
            return self.pairing.programme_id  # type: ignore[union-attr]
        codes = [c for c in self.region.path.strip("/").split("/") if c]
        return (Pairing.objects.filter(**{f"{self.SIDE}_region__code__in": codes})
                .exclude(status="ended").order_by("-start_date", "-pk").values_list("programme_id", flat=True).first())


def _listing_constraints(model: str) -> list[models.BaseConstraint]:
    return [ordered_dates(model, "start_date", "end_date", "开始日期", "结束日期"),
            non_negative(model, "quantity", "数量"), non_negative(model, "amount", "金额")]


class Need(Listing):
    """需求清单: what a western unit or county asks for."""

    history = HistoricalRecords()
    SIDE = "west"

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = pgettext_lazy("plural", "需求")
        ordering = ["-created_at"]
        constraints = _listing_constraints("need")
        indexes = [models.Index(fields=["kind", "state", "expires_on"])]


class Offer(Listing):
    """资源清单: what an eastern unit or district can give; `quantity` is its capacity."""

    history = HistoricalRecords()
    SIDE = "east"

    class Meta:
        verbose_name = _("资源")
        verbose_name_plural = pgettext_lazy("plural", "资源")
        ordering = ["-created_at"]
        constraints = _listing_constraints("offer")
        indexes = [models.Index(fields=["kind", "state", "expires_on"])]


class MatchState(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    NEED_ACCEPTED = "need_accepted", _("需求方已接受")
    OFFER_ACCEPTED = "offer_accepted", _("资源方已接受")
    ACCEPTED = "accepted", _("双方已接受")
    DECLINED = "declined", _("已谢绝")


OPEN_MATCH_STATES = (MatchState.PROPOSED, MatchState.NEED_ACCEPTED, MatchState.OFFER_ACCEPTED)


class Match(Timestamped):
    """A proposal: this offer for this need, how much, with the score and the reasons behind it."""

    need = models.ForeignKey(Need, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="matches")
    offer = models.ForeignKey(Offer, verbose_name=_("资源"), on_delete=models.CASCADE, related_name="matches")
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text=_("接受后生成的记录挂在此结对下"))
    quantity = models.IntegerField(_("数量"), default=1)
    score = models.FloatField(_("匹配得分"), default=0)
    reasons = models.JSONField(_("匹配理由"), default=list, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=MatchState.choices, default=MatchState.PROPOSED)
    need_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("需求方确认人"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    offer_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("资源方确认人"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")
    records = models.JSONField(_("生成的记录"), default=list, blank=True,
                               help_text=_("双方接受后生成的记录：[{\"model\": \"people.dispatch\", \"id\": 1}]"))
    history = HistoricalRecords()

    scope_pairing_field = "pairing"
    scope_region_fields = ("need__region", "offer__region")

    class Meta:
        verbose_name = _("对接匹配")
        verbose_name_plural = pgettext_lazy("plural", "对接匹配")
        ordering = ["-score", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gte=1), name="match_quantity_positive",
                                              violation_error_message="「数量」至少为1。")]

    def __str__(self) -> str:
        return f"{self.offer} → {self.need}"
