"""The annual assessment (考核): schemes as data, the assessed units' drafts, scores, objections.

A **scheme** (考核方案) belongs to one programme and year and assesses one subject: the eastern side,
the western side or the pair of every county-level pairing. Its **items** are indicator items (weight =
full points; completion against target, else against last year, mapped to points by bands or linearly,
with a minimum and a cap), qualitative items (a reviewer scores within a range) and deductions (late or
returned reports, unresolved reconciliation differences); its **grade bands** map total points to
好/较好/一般/差 and its **cap rules** limit the grade ("a 差 on a required item caps the grade at 一般").
Provinces may add items of their own (`Item.province`). A scheme is edited while `draft` and frozen
when the assessment opens; the default scheme (`programme` empty) is loaded from `default_scheme.csv`.

An **assessment** (考核结果) is one county pairing's result under one scheme; its **scores** hold each
item's computed points with the trace (indicator, target, actual, sources, band, lock and dispute state),
the reviewer's adjustment with a reason, and the unit's one **objection** per item with its decision.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shanhai.core.models import Timestamped
from shanhai.indicators.models import Indicator
from shanhai.network.models import Pairing, Programme
from shanhai.regions.models import Region

POINTS = {"max_digits": 7, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 4}


class Subject(models.TextChoices):
    WEST = "west", _("西部（受援方）")
    EAST = "east", _("东部（支援方）")
    PAIR = "pair", _("结对双方")


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("编辑中")
    OPEN = "open", _("考核中（方案已冻结）")
    PUBLISHED = "published", _("结果已发布")


class Grade(models.TextChoices):
    GOOD = "好", _("好")
    FAIR_GOOD = "较好", _("较好")
    FAIR = "一般", _("一般")
    POOR = "差", _("差")


GRADE_ORDER = [Grade.GOOD, Grade.FAIR_GOOD, Grade.FAIR, Grade.POOR]  # best first


class Scheme(Timestamped):
    """One programme's assessment rules for one year and subject; see the module docstring."""

    programme = models.ForeignKey(Programme, verbose_name=_("协作项目"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+", help_text=_("空表示默认方案（模板）"))
    year = models.PositiveSmallIntegerField(_("考核年度"), null=True, blank=True)
    subject = models.CharField(_("考核对象"), max_length=4, choices=Subject.choices, default=Subject.WEST)
    name = models.CharField(_("方案名称"), max_length=100)
    state = models.CharField(_("状态"), max_length=10, choices=SchemeState.choices, default=SchemeState.DRAFT)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    copied_from = models.ForeignKey("self", verbose_name=_("复制自"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = pgettext_lazy("plural", "考核方案")
        ordering = ["-year", "subject"]
        permissions = [
            ("review_assessment", _("评审下级的考核（评分、调整、裁定异议）")),
            ("publish_assessment", _("开启考核、发布考核结果（全国）")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "subject"], condition=Q(programme__isnull=False),
                                    name="scheme_unique", violation_error_message="该协作项目该年度已有此考核对象的方案。"),
            models.CheckConstraint(condition=Q(programme__isnull=True) | Q(year__isnull=False), name="scheme_year",
                                   violation_error_message="考核方案须填写「考核年度」。"),
        ]

    def __str__(self) -> str:
        year = f"{self.year}年" if self.year else "默认"
        return f"{year}{self.name}（{self.get_subject_display()}）"

    @property
    def frozen(self) -> bool:
        return self.state != SchemeState.DRAFT


class ItemKind(models.TextChoices):
    INDICATOR = "indicator", _("指标完成情况")
    QUALITATIVE = "qualitative", _("定性评价")
    DEDUCTION = "deduction", _("扣分项")


class Mode(models.TextChoices):
    BANDS = "bands", _("分档计分")
    LINEAR = "linear", _("按完成率折算")


class DeductionRule(models.TextChoices):
    LATE = "late", _("报告逾期报送（每份）")
    RETURNED = "returned", _("报告被退回（每次）")
    DISPUTE = "dispute", _("东西部对账差异未解决（每项）")


class Item(Timestamped):
    """One line of a scheme. Indicator items: `weight` points at full marks; `bands` "1=100;0.8=80;0.6=60"
    (completion ratio at or above → percent of the weight; the highest band reached counts), or `linear`
    (weight × completion); below `min_rate` nothing; never above `cap` percent of the weight.
    Qualitative: a reviewer's score between `min_points` and `weight`. Deduction: `weight` points off per
    occurrence of `rule`, at most `cap` points in all."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="items")
    province = models.ForeignKey(Region, verbose_name=_("省级增设"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text=_("省级在全国方案内增设的项目，只考核本省"))
    kind = models.CharField(_("类型"), max_length=12, choices=ItemKind.choices)
    code = models.CharField(_("代码"), max_length=64)
    label = models.CharField(_("名称"), max_length=100)
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    weight = models.DecimalField(_("分值"), **POINTS, help_text=_("满分；扣分项为每次扣分"))
    mode = models.CharField(_("计分方式"), max_length=8, choices=Mode.choices, default=Mode.BANDS, blank=True)
    bands = models.CharField(_("分档"), max_length=200, blank=True,
                             help_text=_("完成率=得分比例(%)，以分号分隔，如 1=100;0.8=80;0.6=60"))
    min_rate = models.DecimalField(_("最低完成率"), **RATE, null=True, blank=True,
                                   help_text=_("低于此完成率不得分，如 0.5"))
    cap = models.DecimalField(_("封顶"), **POINTS, null=True, blank=True,
                              help_text=_("指标项：得分不超过分值的百分比（默认100）；扣分项：最多扣分"))
    min_points = models.DecimalField(_("最低分"), **POINTS, null=True, blank=True, help_text=_("定性评价的最低分"))
    rule = models.CharField(_("扣分规则"), max_length=10, choices=DeductionRule.choices, blank=True)
    required = models.BooleanField(_("必考项"), default=False, help_text=_("封顶规则所指的必考项"))
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    scope_region_fields = ("province",)

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = pgettext_lazy("plural", "考核项目")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="assessment_item_unique",
                                    violation_error_message="本方案已有此代码的考核项目。"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="assessment_item_weight",
                                   violation_error_message="「分值」不能为负数。"),
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.weight}分）"

    def band_list(self) -> list[tuple[Decimal, Decimal]]:
        """[(threshold ratio, percent of weight)], highest threshold first; raises ValueError on bad text."""
        return parse_bands(self.bands)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == ItemKind.INDICATOR:
            if self.indicator_id is None:
                errors["indicator"] = "指标完成情况项须选择「指标」。"
            if self.mode == Mode.BANDS:
                try:
                    if not parse_bands(self.bands):
                        errors["bands"] = "分档计分须填写「分档」，如 1=100;0.8=80;0.6=60。"
                except ValueError as e:
                    errors["bands"] = str(e)
        elif self.kind == ItemKind.QUALITATIVE:
            if self.min_points is not None and self.min_points > self.weight:
                errors["min_points"] = f"「最低分」{self.min_points}不能高于「分值」{self.weight}。"
        elif self.kind == ItemKind.DEDUCTION and not self.rule:
            errors["rule"] = "扣分项须选择「扣分规则」。"
        if self.min_rate is not None and self.min_rate < 0:
            errors["min_rate"] = "「最低完成率」不能为负数。"
        if errors:
            raise ValidationError(errors)


def parse_bands(text: str) -> list[tuple[Decimal, Decimal]]:
    """"1=100;0.8=80" → [(1, 100), (0.8, 80)] sorted highest first; a Chinese ValueError on bad text."""
    return list(_parse_bands(text or ""))


@lru_cache(maxsize=256)
def _parse_bands(text: str) -> tuple[tuple[Decimal, Decimal], ...]:
    """Parsed once per text: a national computation scores every unit's items with the same few texts."""
    out: list[tuple[Decimal, Decimal]] = []
    for part in (text or "").replace("；", ";").replace("，", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        rate, sep, pct = part.partition("=")
        try:
            if not sep:
                raise ArithmeticError
            r, p = Decimal(rate.strip()), Decimal(pct.strip())
        except (ArithmeticError, ValueError):
            raise ValueError(f"分档“{part}”格式不对，应为 完成率=得分比例，如 0.8=80。") from None
        if r < 0 or p < 0:
            raise ValueError(f"分档“{part}”不能为负数。")
        out.append((r, p))
    if len({r for r, _p in out}) != len(out):
        raise ValueError("分档的完成率有重复。")
    return tuple(sorted(out, reverse=True))


class GradeBand(models.Model):
    """Total points at or above `min_points` earn `grade` (the best band reached counts)."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="grade_bands")
    grade = models.CharField(_("等次"), max_length=4, choices=Grade.choices)
    min_points = models.DecimalField(_("最低总分"), **POINTS)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("等次分档")
        verbose_name_plural = pgettext_lazy("plural", "等次分档")
        ordering = ["-min_points"]
        constraints = [models.UniqueConstraint(fields=["scheme", "grade"], name="gradeband_unique",
                                               violation_error_message="本方案已设置该等次。")]

    def __str__(self) -> str:
        return f"{self.grade} ≥ {self.min_points}"


class CapRule(models.Model):
    """When an item (a required one, or any) is graded `when_grade`, the total grade is at best `cap_grade`."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="cap_rules")
    when_grade = models.CharField(_("单项等次"), max_length=4, choices=Grade.choices, default=Grade.POOR)
    required_only = models.BooleanField(_("仅必考项"), default=True)
    cap_grade = models.CharField(_("总等次最高为"), max_length=4, choices=Grade.choices, default=Grade.FAIR)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("等次封顶规则")
        verbose_name_plural = pgettext_lazy("plural", "等次封顶规则")

    def __str__(self) -> str:
        what = "必考项" if self.required_only else "任一项"
        return f"{what}为“{self.when_grade}”时总等次最高为“{self.cap_grade}”"


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("评审中")
    FINAL = "final", _("已定稿")
    PUBLISHED = "published", _("已发布")


class Assessment(Timestamped):
    """One county pairing's assessment under a frozen scheme (its subject side, or the pair)."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="assessments")
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=AssessmentState.choices, default=AssessmentState.DRAFT)
    computed = models.DecimalField(_("计算得分"), **POINTS, default=Decimal(0))
    total = models.DecimalField(_("总分"), **POINTS, default=Decimal(0))
    grade = models.CharField(_("等次"), max_length=4, choices=Grade.choices, blank=True)
    grade_note = models.CharField(_("等次说明"), max_length=200, blank=True)
    blocked = models.PositiveSmallIntegerField(_("阻止定稿的项目数"), default=0)
    self_evaluation = models.TextField(_("自评"), blank=True)
    self_points = models.DecimalField(_("自评总分"), **POINTS, null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("定稿人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(_("版本"), default=0)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = pgettext_lazy("plural", "考核结果")
        ordering = ["-total", "pairing_id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "pairing"], name="assessment_unique",
                                               violation_error_message="该结对关系已有本方案的考核。")]

    def __str__(self) -> str:
        return f"{self.scheme.year}年考核 · {self.pairing}"


class Score(Timestamped):
    """One item of one assessment: computed points with their trace, and the reviewer's judgement."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("考核结果"), on_delete=models.CASCADE,
                                   related_name="scores")
    item = models.ForeignKey(Item, verbose_name=_("考核项目"), on_delete=models.PROTECT, related_name="+")
    computed = models.DecimalField(_("计算得分"), **POINTS, null=True, blank=True)
    adjusted = models.DecimalField(_("评审得分"), **POINTS, null=True, blank=True,
                                   help_text=_("定性评分或对计算得分的调整"))
    reason = models.TextField(_("评审理由"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评审人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    level = models.CharField(_("评审层级"), max_length=16, blank=True)
    self_points = models.DecimalField(_("自评得分"), **POINTS, null=True, blank=True)
    trace = models.JSONField(_("计分依据"), default=dict, blank=True)
    block = models.CharField(_("阻止定稿的原因"), max_length=300, blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "assessment__pairing"

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = pgettext_lazy("plural", "考核得分")
        ordering = ["item__position", "item_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="score_unique",
                                               violation_error_message="该考核已有此项目的得分。")]

    def __str__(self) -> str:
        return f"{self.item.label}：{self.points}"

    @property
    def points(self) -> Decimal | None:
        return self.adjusted if self.adjusted is not None else self.computed


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待裁定")
    UPHELD = "upheld", _("异议成立")
    REJECTED = "rejected", _("异议不成立")


class Objection(Timestamped):
    """The assessed unit's one objection to one item, with its evidence, and the level above's decision."""

    score = models.OneToOneField(Score, verbose_name=_("考核得分"), on_delete=models.CASCADE, related_name="objection")
    text = models.TextField(_("异议理由"))
    evidence = models.TextField(_("佐证材料"), blank=True)
    asked_points = models.DecimalField(_("申请得分"), **POINTS, null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN)
    decision = models.TextField(_("裁定意见"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("裁定人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "score__assessment__pairing"

    class Meta:
        verbose_name = _("考核异议")
        verbose_name_plural = pgettext_lazy("plural", "考核异议")

    def __str__(self) -> str:
        return f"{self.score.item.label}：{self.get_state_display()}"
