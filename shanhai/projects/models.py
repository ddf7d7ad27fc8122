"""Assistance projects, fund allocations and disbursements, donations. Money is whole yuan."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shanhai.core.constraints import non_negative, ordered_dates
from shanhai.core.fields import Domain, money_field
from shanhai.core.models import Timestamped
from shanhai.network.models import Organisation, Pairing
from shanhai.regions.models import Region


class ProjectKind(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    KINDERGARTEN = "kindergarten", _("幼儿园")
    SCHOOL = "school", _("学校建设")
    HOSPITAL = "hospital", _("医疗机构建设")
    INDUSTRY = "industry", _("产业发展")
    AGRICULTURE = "agriculture", _("农业")
    HOUSING = "housing", _("安置住房")
    TRAINING = "training", _("培训")
    OTHER = "other", _("其他")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    UNDERWAY = "underway", _("在建")
    COMPLETED = "completed", _("已完工")
    CANCELLED = "cancelled", _("已取消")


class Project(Timestamped):
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类型"), max_length=16, choices=ProjectKind.choices, default=ProjectKind.OTHER)
    sector = models.CharField(_("行业领域"), max_length=16, choices=Domain.choices)
    location = models.ForeignKey(Region, verbose_name=_("实施地点"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    budget = money_field(_("总投资（元）"))
    start_date = models.DateField(_("开工日期"), null=True, blank=True)
    end_date = models.DateField(_("完工日期"), null=True, blank=True)
    new_seats = models.IntegerField(_("新增学位"), default=0)
    beneficiaries = models.IntegerField(_("受益人数"), default=0)
    outputs = models.TextField(_("建设内容及产出"), blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("帮扶项目")
        verbose_name_plural = pgettext_lazy("plural", "帮扶项目")
        ordering = ["-start_date", "name"]
        constraints = [
            ordered_dates("project", "start_date", "end_date", "开工日期", "完工日期"),
            non_negative("project", "budget", "总投资"),
            non_negative("project", "new_seats", "新增学位"),
            non_negative("project", "beneficiaries", "受益人数"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.pairing_id is not None and self.location_id is not None:
            west = self.pairing.west_region
            if not west.contains(self.location):
                raise ValidationError({"location": f"「实施地点」{self.location.name}不在受援地区{west.name}内。"})


class FundSource(models.TextChoices):
    FISCAL = "fiscal", _("财政援助资金")
    SOCIAL = "social", _("社会帮扶资金")
    LOCAL = "local", _("地方配套资金")


class FundAllocation(Timestamped):
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="funds")
    project = models.ForeignKey(
        Project, verbose_name=_("帮扶项目"), null=True, blank=True, on_delete=models.PROTECT, related_name="funds"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("资金来源"), max_length=8, choices=FundSource.choices, default=FundSource.FISCAL)
    sector = models.CharField(_("行业领域"), max_length=16, choices=Domain.choices, blank=True)
    allocated = money_field(_("安排资金（元）"))
    disbursed = money_field(_("已拨付（元）"))
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("资金安排")
        verbose_name_plural = pgettext_lazy("plural", "资金安排")
        ordering = ["-year"]
        constraints = [
            non_negative("fundallocation", "allocated", "安排资金"),
            non_negative("fundallocation", "disbursed", "已拨付"),
            models.CheckConstraint(
                condition=models.Q(disbursed__lte=models.F("allocated")), name="fundallocation_disbursed_lte_allocated",
                violation_error_message="「已拨付」不能超过「安排资金」。",
            ),
        ]
        indexes = [models.Index(fields=["pairing", "year", "source"])]

    def __str__(self) -> str:
        return f"{self.year} {self.get_source_display()} {self.allocated}元"

    def clean(self) -> None:
        if not (1990 <= (self.year or 0) <= 2100):
            raise ValidationError({"year": f"「年度」{self.year}不是有效年份。"})
        if self.project_id is not None:
            if self.pairing_id is not None and self.project.pairing_id != self.pairing_id:
                raise ValidationError({"project": "「帮扶项目」不属于所填的结对关系。"})
            if not self.sector:
                self.sector = self.project.sector


class DonationKind(models.TextChoices):
    MONEY = "money", _("资金")
    GOODS = "goods", _("物资")
    EQUIPMENT = "equipment", _("设备")
    SCHOLARSHIP = "scholarship", _("助学金")


class Donation(Timestamped):
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="donations")
    donor = models.CharField(_("捐赠方"), max_length=128)
    donor_org = models.ForeignKey(
        Organisation, verbose_name=_("捐赠单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.CharField(_("受赠方"), max_length=128)
    kind = models.CharField(_("捐赠类型"), max_length=16, choices=DonationKind.choices)
    sector = models.CharField(_("行业领域"), max_length=16, choices=Domain.choices, blank=True)
    value = money_field(_("价值（元）"))
    quantity = models.IntegerField(_("数量（台/套/件）"), default=0)
    date = models.DateField(_("捐赠日期"))
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("捐赠")
        verbose_name_plural = pgettext_lazy("plural", "捐赠")
        ordering = ["-date"]
        constraints = [non_negative("donation", "value", "价值"), non_negative("donation", "quantity", "数量")]

    def __str__(self) -> str:
        return f"{self.donor} → {self.recipient}"
