"""Persons (identity numbers and phones never stored in clear), dispatches, teams, mentorships."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shanhai.core.constraints import ordered_dates
from shanhai.core.fields import Domain
from shanhai.core.models import Timestamped
from shanhai.core.validation import within_pairing_dates
from shanhai.network.models import Organisation, Pairing


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Profession(models.TextChoices):
    CADRE = "cadre", _("党政干部")
    TEACHER = "teacher", _("教师")
    MEDICAL = "medical", _("医疗卫生")
    AGRICULTURE = "agriculture", _("农业技术")
    ENGINEERING = "engineering", _("工程技术")
    SOCIAL_WORK = "social_work", _("社会工作")
    OTHER = "other", _("其他")


class Person(Timestamped):
    name = models.CharField(_("姓名"), max_length=64, db_index=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    profession = models.CharField(_("专业类别"), max_length=16, choices=Profession.choices, default=Profession.OTHER)
    title = models.CharField(_("职务/职称"), max_length=64, blank=True)
    # Only a keyed hash (to match the same person again) and a masked form (to show) are kept.
    id_number_hash = models.CharField(_("身份证号（密文）"), max_length=64, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    phone_hash = models.CharField(_("手机号（密文）"), max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True, editable=False)
    history = HistoricalRecords()

    scope_region_fields = ("organisation__region",)
    scope_through = (("people.Dispatch", "person_id"),)
    # Also written by the reporters of the pairings this person serves (employer on one of their sides,
    # dispatched only within them): accounts.writes.
    scope_write_org = "organisation"

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = pgettext_lazy("plural", "人员")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~models.Q(id_number_hash=""), name="person_unique_id_number",
                violation_error_message="已有相同身份证号的人员。",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    E2W = "e2w", _("东部→西部")
    W2E = "w2e", _("西部→东部")


class DispatchCategory(models.TextChoices):
    CADRE = "cadre", _("挂职干部")
    TALENT = "talent", _("专业技术人才")
    TRAINEE = "trainee", _("跟岗学习")


class Dispatch(Timestamped):
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="dispatches")
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="dispatches")
    direction = models.CharField(_("方向"), max_length=4, choices=Direction.choices)
    category = models.CharField(_("类别"), max_length=8, choices=DispatchCategory.choices)
    profession = models.CharField(_("专业类别"), max_length=16, choices=Profession.choices, default=Profession.OTHER)
    host = models.ForeignKey(
        Organisation, verbose_name=_("接收单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("挂职/工作岗位"), max_length=128, blank=True)
    planned_start = models.DateField(_("计划开始日期"))
    planned_end = models.DateField(_("计划结束日期"), null=True, blank=True)
    actual_start = models.DateField(_("实际到岗日期"), null=True, blank=True)
    actual_end = models.DateField(_("实际离岗日期"), null=True, blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("选派")
        verbose_name_plural = pgettext_lazy("plural", "选派")
        ordering = ["-planned_start"]
        constraints = [
            ordered_dates("dispatch", "planned_start", "planned_end", "计划开始日期", "计划结束日期"),
            ordered_dates("dispatch", "actual_start", "actual_end", "实际到岗日期", "实际离岗日期"),
        ]
        indexes = [models.Index(fields=["pairing", "category", "direction"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_category_display()}"

    def clean(self) -> None:
        if self.pairing_id is None:
            return
        errors = within_pairing_dates(
            self.pairing,
            {
                "planned_start": ("计划开始日期", self.planned_start),
                "planned_end": ("计划结束日期", self.planned_end),
                "actual_start": ("实际到岗日期", self.actual_start),
                "actual_end": ("实际离岗日期", self.actual_end),
            },
        )
        if self.host_id is not None:
            side = self.pairing.west_region if self.direction == Direction.E2W else self.pairing.east_region
            if not side.contains(self.host.region):
                errors["host"] = f"「接收单位」{self.host.name}不在接收方地区{side.name}内。"
        if errors:
            raise ValidationError(errors)


class Team(Timestamped):
    """组团式帮扶: a team of professionals sent together to one host organisation."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("团队名称"), max_length=128)
    domain = models.CharField(_("领域"), max_length=16, choices=Domain.choices)
    host = models.ForeignKey(Organisation, verbose_name=_("受援单位"), on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        Person, verbose_name=_("团队负责人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(Person, verbose_name=_("成员"), blank=True, related_name="teams")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("组团式帮扶团队")
        verbose_name_plural = pgettext_lazy("plural", "组团式帮扶团队")
        constraints = [ordered_dates("team", "start_date", "end_date", "开始日期", "结束日期")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.pairing_id is not None:
            errors = within_pairing_dates(
                self.pairing, {"start_date": ("开始日期", self.start_date), "end_date": ("结束日期", self.end_date)}
            )
            if errors:
                raise ValidationError(errors)


class Mentorship(Timestamped):
    """师带徒: an eastern mentor and a western apprentice."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="mentorships")
    mentor = models.ForeignKey(Person, verbose_name=_("师傅"), on_delete=models.PROTECT, related_name="+")
    apprentice = models.ForeignKey(Person, verbose_name=_("徒弟"), on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(_("领域"), max_length=16, choices=Domain.choices, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("师带徒")
        verbose_name_plural = pgettext_lazy("plural", "师带徒")
        constraints = [
            ordered_dates("mentorship", "start_date", "end_date", "开始日期", "结束日期"),
            models.CheckConstraint(
                condition=~models.Q(mentor=models.F("apprentice")), name="mentorship_two_people",
                violation_error_message="「师傅」与「徒弟」不能是同一人。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.apprentice}"
