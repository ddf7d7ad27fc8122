"""Programmes, organisations, pairings at every level, and agreements."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shanhai.core.constraints import ordered_dates
from shanhai.core.fields import DomainsField
from shanhai.core.models import Timestamped
from shanhai.regions.models import Region


class ProgrammeKind(models.TextChoices):
    EAST_WEST = "east_west", _("东西部协作")
    COUNTERPART = "counterpart", _("对口支援")
    JJJ = "jingjinji", _("京津冀协同")
    DESIGNATED = "designated", _("定点帮扶")
    OTHER = "other", _("其他")


class Programme(Timestamped):
    name = models.CharField(_("名称"), max_length=128, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ProgrammeKind.choices)
    description = models.TextField(_("说明"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("起始年度"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("截止年度"), null=True, blank=True)
    east_provinces = models.ManyToManyField(
        Region, verbose_name=_("东部（支援方）省份"), blank=True, related_name="+",
        limit_choices_to={"level": "province"}, help_text=_("留空表示不限"),
    )
    west_provinces = models.ManyToManyField(
        Region, verbose_name=_("西部（受援方）省份"), blank=True, related_name="+",
        limit_choices_to={"level": "province"}, help_text=_("留空表示不限"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("协作项目（计划）")
        verbose_name_plural = pgettext_lazy("plural", "协作项目（计划）")
        ordering = ["name"]
        constraints = [ordered_dates("programme", "start_year", "end_year", "起始年度", "截止年度")]

    def __str__(self) -> str:
        return self.name


class OrgKind(models.TextChoices):
    GOVERNMENT = "government", _("政府部门")
    KINDERGARTEN = "kindergarten", _("幼儿园")
    PRIMARY = "primary", _("小学")
    SECONDARY = "secondary", _("初级中学")
    HIGH_SCHOOL = "high_school", _("高级中学")
    VOCATIONAL = "vocational", _("职业院校")
    UNIVERSITY = "university", _("高等院校")
    HOSPITAL = "hospital", _("医院")
    HEALTH_CENTRE = "health_centre", _("卫生院")
    ENTERPRISE = "enterprise", _("企业")
    SOCIAL = "social", _("社会组织")
    VILLAGE = "village", _("村（居）委会")


SCHOOL_KINDS = {OrgKind.KINDERGARTEN, OrgKind.PRIMARY, OrgKind.SECONDARY, OrgKind.HIGH_SCHOOL}


class Organisation(Timestamped):
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类别"), max_length=16, choices=OrgKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="organisations")
    history = HistoricalRecords()

    scope_region_fields = ("region",)
    scope_through = (("network.Pairing", "east_org_id"), ("network.Pairing", "west_org_id"))

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = pgettext_lazy("plural", "单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "region"], name="organisation_unique_name_region",
                violation_error_message="同一地区已有同名单位。",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PairingKind(models.TextChoices):
    PROVINCE = "province", _("省际结对")
    PREFECTURE = "prefecture", _("市（州）结对")
    COUNTY = "county", _("县（区、旗）结对")
    TOWNSHIP = "township", _("乡镇（街道）结对")
    VILLAGE = "village", _("村（社区）结对")
    ENTERPRISE_VILLAGE = "enterprise_village", _("村企结对")
    SOCIAL_VILLAGE = "social_village", _("社会组织结对")
    SCHOOL = "school", _("学校结对")
    HOSPITAL = "hospital", _("医院结对")
    UNIVERSITY = "university", _("高校结对")
    VOCATIONAL = "vocational", _("职业院校结对")


class PairingStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    ACTIVE = "active", _("进行中")
    SUSPENDED = "suspended", _("暂停")
    ENDED = "ended", _("已结束")


# The level both sides' regions must have, for the kinds that are about whole regions.
KIND_LEVEL = {PairingKind.PROVINCE: "province", PairingKind.PREFECTURE: "prefecture", PairingKind.COUNTY: "county"}
# Which organisation kinds each pairing kind admits on each side (None: no constraint).
KIND_ORGS: dict[str, tuple[set[str] | None, set[str] | None]] = {
    PairingKind.SCHOOL: (SCHOOL_KINDS, SCHOOL_KINDS),
    PairingKind.HOSPITAL: ({OrgKind.HOSPITAL, OrgKind.HEALTH_CENTRE}, {OrgKind.HOSPITAL, OrgKind.HEALTH_CENTRE}),
    PairingKind.UNIVERSITY: ({OrgKind.UNIVERSITY}, {OrgKind.UNIVERSITY}),
    PairingKind.VOCATIONAL: ({OrgKind.VOCATIONAL, OrgKind.UNIVERSITY}, {OrgKind.VOCATIONAL}),
    PairingKind.ENTERPRISE_VILLAGE: ({OrgKind.ENTERPRISE}, {OrgKind.VILLAGE}),
    PairingKind.SOCIAL_VILLAGE: ({OrgKind.SOCIAL}, {OrgKind.VILLAGE}),
}


class Pairing(Timestamped):
    """One pair, from two provinces down to two schools; sub-pairs point to their parent.

    `path` lists the ids from the top pairing down ("12/340/"), so a pairing with all its
    sub-pairings is one prefix query (scoping, roll-ups over the tree).
    """

    kind = models.CharField(_("结对类型"), max_length=24, choices=PairingKind.choices)
    programme = models.ForeignKey(Programme, verbose_name=_("协作项目"), on_delete=models.PROTECT, related_name="pairings")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级结对"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    east_region = models.ForeignKey(Region, verbose_name=_("东部地区"), on_delete=models.PROTECT, related_name="+")
    west_region = models.ForeignKey(Region, verbose_name=_("西部地区"), on_delete=models.PROTECT, related_name="+")
    east_org = models.ForeignKey(
        Organisation, verbose_name=_("东部单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    west_org = models.ForeignKey(
        Organisation, verbose_name=_("西部单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    east_place = models.CharField(_("东部乡镇/村"), max_length=64, blank=True, help_text=_("县级以下结对时填写"))
    west_place = models.CharField(_("西部乡镇/村"), max_length=64, blank=True, help_text=_("县级以下结对时填写"))
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=PairingStatus.choices, default=PairingStatus.ACTIVE)
    domains = DomainsField(_("重点领域"))
    path = models.CharField(_("层级路径"), max_length=255, db_index=True, editable=False, default="")
    history = HistoricalRecords(excluded_fields=["path"])

    scope_pairing_field = ""

    class Meta:
        verbose_name = _("结对关系")
        verbose_name_plural = pgettext_lazy("plural", "结对关系")
        ordering = ["programme", "kind", "id"]
        constraints = [ordered_dates("pairing", "start_date", "end_date", "开始日期", "结束日期")]
        indexes = [models.Index(fields=["kind", "programme"])]

    def __str__(self) -> str:
        return f"{self.east_label} — {self.west_label}"

    @property
    def east_label(self) -> str:
        return self._side_label(self.east_org, self.east_place, self.east_region)

    @property
    def west_label(self) -> str:
        return self._side_label(self.west_org, self.west_place, self.west_region)

    def _side_label(self, org: Organisation | None, place: str, region: Region | None) -> str:
        if org is not None:
            return org.name
        if place:
            return place
        return region.name if region is not None else "?"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        east, west = self._region_or_none("east_region"), self._region_or_none("west_region")
        if east is not None and west is not None:
            if east.contains(west) or west.contains(east):
                errors["west_region"] = "「西部地区」与「东部地区」相同或互相包含：结对双方应在不同地区。"
            level = KIND_LEVEL.get(self.kind)
            if level is not None:
                if east.level != level:
                    errors["east_region"] = f"「东部地区」应为{_level_label(level)}行政区（{self.get_kind_display()}）。"
                if west.level != level:
                    errors["west_region"] = f"「西部地区」应为{_level_label(level)}行政区（{self.get_kind_display()}）。"
            if self.programme_id is not None:
                errors.update(self._programme_coverage(east, west))
        errors.update(self._org_checks(east, west))
        if self.parent_id is not None:
            errors.update(self._parent_checks(east, west))
        if errors:
            raise ValidationError(errors)

    def _region_or_none(self, field: str) -> Region | None:
        return getattr(self, field) if getattr(self, f"{field}_id") is not None else None

    def _programme_coverage(self, east: Region, west: Region) -> dict[str, str]:
        errors = {}
        for side, region, label in (("east", east, "东部地区"), ("west", west, "西部地区")):
            allowed = {p.path for p in getattr(self.programme, f"{side}_provinces").all()}
            if allowed and not any(region.path.startswith(p) for p in allowed):
                errors[f"{side}_region"] = f"「{label}」{region.name}不在协作项目“{self.programme}”覆盖的省份内。"
        return errors

    def _org_checks(self, east: Region | None, west: Region | None) -> dict[str, str]:
        errors = {}
        allowed = KIND_ORGS.get(self.kind, (None, None))
        for i, (side, region, label) in enumerate((("east", east, "东部单位"), ("west", west, "西部单位"))):
            org = getattr(self, f"{side}_org") if getattr(self, f"{side}_org_id") else None
            if org is None:
                if allowed[i] is not None and self.kind not in (PairingKind.ENTERPRISE_VILLAGE, PairingKind.SOCIAL_VILLAGE):
                    errors[f"{side}_org"] = f"{self.get_kind_display()}须填写「{label}」。"
                continue
            if allowed[i] is not None and org.kind not in allowed[i]:
                errors[f"{side}_org"] = f"「{label}」{org.name}是{org.get_kind_display()}，不适用于{self.get_kind_display()}。"
            elif region is not None and not region.contains(org.region):
                errors[f"{side}_org"] = f"「{label}」{org.name}位于{org.region.name}，不在所填地区{region.name}内。"
        return errors

    def _parent_checks(self, east: Region | None, west: Region | None) -> dict[str, str]:
        parent = self.parent
        assert parent is not None
        if self.pk is not None and (parent.pk == self.pk or parent.path.startswith(self.path or "\0")):
            return {"parent": "「上级结对」不能是本结对或其下级结对。"}
        errors = {}
        if self.programme_id is not None and parent.programme_id != self.programme_id:
            errors["parent"] = "「上级结对」须属于同一协作项目。"
        if east is not None and not parent.east_region.contains(east):
            errors["east_region"] = f"「东部地区」{east.name}不在上级结对的东部地区{parent.east_region.name}内。"
        if west is not None and not parent.west_region.contains(west):
            errors["west_region"] = f"「西部地区」{west.name}不在上级结对的西部地区{parent.west_region.name}内。"
        return errors

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        old_path = self.path
        new_path = f"{self.parent.path if self.parent_id else ''}{self.pk}/"
        if new_path != old_path:
            Pairing.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                # Moving a subtree: rewrite the descendants' paths under the new prefix.
                for child in Pairing.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    Pairing.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path):])
            self.path = new_path


def _level_label(level: str) -> str:
    return {"province": "省级", "prefecture": "地级", "county": "县级"}[level]


class Agreement(Timestamped):
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("协议名称"), max_length=200)
    signed_on = models.DateField(_("签订日期"))
    domains = DomainsField(_("涉及领域"))
    file = models.FileField(_("协议文件"), upload_to="agreements/%Y/", blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("协议")
        verbose_name_plural = pgettext_lazy("plural", "协议")
        ordering = ["-signed_on"]

    def __str__(self) -> str:
        return self.title
