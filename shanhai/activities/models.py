"""Visits, meetings and other exchanges; trainings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shanhai.core.constraints import non_negative, ordered_dates
from shanhai.core.models import Timestamped
from shanhai.core.validation import within_pairing_dates
from shanhai.network.models import Pairing


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("调研对接")
    MEETING = "meeting", _("联席会议")
    TEACHING_RESEARCH = "teaching_research", _("教研活动")
    STUDY_TOUR = "study_tour", _("研学交流")
    JOB_FAIR = "job_fair", _("专场招聘会")
    REMOTE_CONSULTATION = "remote_consultation", _("远程会诊")
    EXHIBITION = "exhibition", _("展销会")


class Activity(Timestamped):
    kind = models.CharField(_("活动类型"), max_length=24, choices=ActivityKind.choices)
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(_("活动名称"), max_length=200)
    date = models.DateField(_("日期"))
    participants = models.IntegerField(_("参加人数"), default=0)
    online = models.BooleanField(_("线上开展"), default=False)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("交流活动")
        verbose_name_plural = pgettext_lazy("plural", "交流活动")
        ordering = ["-date"]
        constraints = [non_negative("activity", "participants", "参加人数")]
        indexes = [models.Index(fields=["pairing", "kind", "date"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.pairing_id is not None:
            errors = within_pairing_dates(self.pairing, {"date": ("日期", self.date)})
            if errors:
                raise ValidationError(errors)


class TrainingCategory(models.TextChoices):
    CADRE = "cadre", _("党政干部培训")
    TALENT = "talent", _("专业技术人才培训")
    LABOR = "labor", _("农村劳动力培训")
    LEADER = "leader", _("致富带头人培训")
    SCHOOL_MANAGEMENT = "school_management", _("校长及学校管理人员培训")


class Training(Timestamped):
    category = models.CharField(_("培训类别"), max_length=24, choices=TrainingCategory.choices)
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="trainings")
    title = models.CharField(_("培训名称"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    sessions = models.IntegerField(_("期数"), default=1)
    participants = models.IntegerField(_("培训人次"), default=0)
    online = models.BooleanField(_("线上开展"), default=False)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = pgettext_lazy("plural", "培训")
        ordering = ["-start_date"]
        constraints = [
            ordered_dates("training", "start_date", "end_date", "开始日期", "结束日期"),
            non_negative("training", "sessions", "期数"),
            non_negative("training", "participants", "培训人次"),
        ]
        indexes = [models.Index(fields=["pairing", "category", "start_date"])]

    def __str__(self) -> str:
        return self.title
