"""Industrial parks, enterprise investments, consumption-assistance sales, workshops, labour placements."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shanhai.core.constraints import non_negative
from shanhai.core.fields import money_field
from shanhai.core.models import Timestamped
from shanhai.network.models import Organisation, OrgKind, Pairing
from shanhai.people.models import Person
from shanhai.regions.models import Region


def _in_west(pairing: Pairing, region: Region, field: str, label: str) -> dict[str, str]:
    if not pairing.west_region.contains(region):
        return {field: f"「{label}」{region.name}不在受援地区{pairing.west_region.name}内。"}
    return {}


def _valid_year(year: int | None) -> dict[str, str]:
    if year is not None and not 1990 <= year <= 2100:
        return {"year": f"「年度」{year}不是有效年份。"}
    return {}


class IndustrialPark(Timestamped):
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="parks")
    name = models.CharField(_("园区名称"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="+")
    established = models.DateField(_("共建日期"))
    area_mu = models.IntegerField(_("规划面积（亩）"), default=0)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("共建产业园区")
        verbose_name_plural = pgettext_lazy("plural", "共建产业园区")
        ordering = ["name"]
        constraints = [non_negative("industrialpark", "area_mu", "规划面积")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.pairing_id is not None and self.region_id is not None:
            errors = _in_west(self.pairing, self.region, "region", "所在地区")
            if errors:
                raise ValidationError(errors)


class Investment(Timestamped):
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="investments")
    enterprise = models.ForeignKey(
        Organisation, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="investments",
        limit_choices_to={"kind": OrgKind.ENTERPRISE},
    )
    park = models.ForeignKey(
        IndustrialPark, verbose_name=_("入驻园区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="investments"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = money_field(_("实际到位投资（元）"))
    rural_jobs = models.IntegerField(_("吸纳农村劳动力就业（人）"), default=0)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("企业投资")
        verbose_name_plural = pgettext_lazy("plural", "企业投资")
        ordering = ["-year"]
        constraints = [non_negative("investment", "amount", "实际到位投资"), non_negative("investment", "rural_jobs", "吸纳就业")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    def clean(self) -> None:
        errors = _valid_year(self.year)
        if self.enterprise_id is not None and self.enterprise.kind != OrgKind.ENTERPRISE:
            errors["enterprise"] = f"「企业」{self.enterprise.name}不是企业类单位。"
        if self.park_id is not None and self.pairing_id is not None and self.park.pairing_id != self.pairing_id:
            errors["park"] = "「入驻园区」不属于所填的结对关系。"
        if errors:
            raise ValidationError(errors)


class ProductCategory(models.TextChoices):
    AGRICULTURE = "agriculture", _("农产品")
    LIVESTOCK = "livestock", _("畜牧产品")
    HANDICRAFT = "handicraft", _("特色手工艺品")
    PROCESSED = "processed", _("加工食品")
    OTHER = "other", _("其他")


class SaleChannel(models.TextChoices):
    GOVERNMENT = "government", _("预算单位采购")
    CANTEEN = "canteen", _("食堂采购")
    ECOMMERCE = "ecommerce", _("电商平台")
    RETAIL = "retail", _("商超专柜")
    ENTERPRISE = "enterprise", _("企业采购")
    EXHIBITION = "exhibition", _("展销会")


class Sale(models.Model):
    """One consumption-assistance order or monthly total; kept lean: about a million rows a year."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="sales")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), null=True, blank=True)
    category = models.CharField(_("产品类别"), max_length=16, choices=ProductCategory.choices)
    supplier = models.CharField(_("供货方"), max_length=128, blank=True)
    channel = models.CharField(_("销售渠道"), max_length=16, choices=SaleChannel.choices)
    buyer = models.CharField(_("采购方"), max_length=128, blank=True)
    amount = money_field(_("金额（元）"))
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("消费帮扶")
        verbose_name_plural = pgettext_lazy("plural", "消费帮扶")
        constraints = [
            non_negative("sale", "amount", "金额"),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__gte=1, month__lte=12), name="sale_month_valid",
                violation_error_message="「月份」应在1到12之间。",
            ),
        ]
        indexes = [models.Index(fields=["pairing", "year", "month"])]

    def __str__(self) -> str:
        return f"{self.year}-{self.month or ''} {self.get_category_display()} {self.amount}元"

    def clean(self) -> None:
        errors = _valid_year(self.year)
        if errors:
            raise ValidationError(errors)


class Workshop(Timestamped):
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="workshops")
    name = models.CharField(_("车间名称"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="+")
    established = models.DateField(_("建成日期"))
    jobs = models.IntegerField(_("吸纳就业（人）"), default=0)
    at_relocation_site = models.BooleanField(_("位于易地搬迁安置点"), default=False)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("帮扶车间")
        verbose_name_plural = pgettext_lazy("plural", "帮扶车间")
        ordering = ["name"]
        constraints = [non_negative("workshop", "jobs", "吸纳就业")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.pairing_id is not None and self.region_id is not None:
            errors = _in_west(self.pairing, self.region, "region", "所在地区")
            if errors:
                raise ValidationError(errors)


class PlacementKind(models.TextChoices):
    EAST = "east", _("到东部就业")
    LOCAL = "local", _("就地就近就业")
    OTHER = "other", _("其他地区就业")


class Placement(models.Model):
    """Rural workers helped into jobs: an aggregate row (count) or one row per person (count=1)."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="placements")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), null=True, blank=True)
    kind = models.CharField(_("就业去向"), max_length=8, choices=PlacementKind.choices)
    count = models.IntegerField(_("人数"), default=1)
    newly_employed = models.BooleanField(_("新增就业"), default=False)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="placements"
    )
    employer = models.CharField(_("就业单位"), max_length=128, blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("劳务就业")
        verbose_name_plural = pgettext_lazy("plural", "劳务就业")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__gte=1), name="placement_count_positive",
                violation_error_message="「人数」至少为1。",
            ),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__gte=1, month__lte=12),
                name="placement_month_valid", violation_error_message="「月份」应在1到12之间。",
            ),
        ]
        indexes = [models.Index(fields=["pairing", "year", "month"])]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.count}人"

    def clean(self) -> None:
        errors = _valid_year(self.year)
        if self.person_id is not None and self.count != 1:
            errors["count"] = "按人登记时「人数」应为1。"
        if errors:
            raise ValidationError(errors)
