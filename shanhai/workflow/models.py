"""The programme's year: reporting periods, submissions and their approval steps, the paired side's
confirmations, and the validation rules (data, not code).

A **submission** (填报) is one pairing's plan (its yearly targets) or report (its reported figures and
the records behind them) for one period, from one side for reports (each side reports what it sent or
received) and from the pairing as a whole for plans. It moves

    填报中 draft → 已报送 submitted → 市（州）已审核 reviewed → 省级已审定 approved → 国家已确认 accepted

and any level may return it (已退回 returned) with a comment. Approved and accepted submissions are
**locked**: the records, reported values or targets they cover refuse every write until the approving
level unlocks with a reason (`workflow.locks`, asked by `accounts.writes.WriteGuard`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shanhai.core.models import Timestamped
from shanhai.indicators.models import Indicator
from shanhai.network.models import Pairing, Programme


class Period(Timestamped):
    """A reporting period of a programme: a year, or one quarter of it, with its due date."""

    programme = models.ForeignKey(Programme, verbose_name=_("协作项目"), on_delete=models.PROTECT,
                                  related_name="periods")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), default=0, help_text=_("0 表示全年"))
    plan_due = models.DateField(_("协议目标报送截止"), null=True, blank=True)
    due = models.DateField(_("报告报送截止"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("填报期间")
        verbose_name_plural = pgettext_lazy("plural", "填报期间")
        ordering = ["-year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "quarter"], name="period_unique",
                                    violation_error_message="该协作项目该期间已设置。"),
            models.CheckConstraint(condition=Q(quarter__lte=4), name="period_quarter_valid",
                                   violation_error_message="「季度」应在1到4之间（0表示全年）。"),
        ]

    def __str__(self) -> str:
        if self.quarter:
            return gettext("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": self.quarter}
        return gettext("%(year)s年") % {"year": self.year}

    @property
    def months(self) -> range:
        return range(1, 13) if not self.quarter else range(self.quarter * 3 - 2, self.quarter * 3 + 1)


class Kind(models.TextChoices):
    PLAN = "plan", _("年度协议目标")
    REPORT = "report", _("工作报告")


class State(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已报送")
    REVIEWED = "reviewed", _("市（州）已审核")
    APPROVED = "approved", _("省级已审定")
    ACCEPTED = "accepted", _("国家已确认")
    RETURNED = "returned", _("已退回")


LOCKED_STATES = (State.APPROVED, State.ACCEPTED)


class Submission(Timestamped):
    """One pairing's plan or one side's report for one period; see the module docstring."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.CASCADE,
                                related_name="submissions")
    period = models.ForeignKey(Period, verbose_name=_("填报期间"), on_delete=models.PROTECT,
                               related_name="submissions")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    side = models.CharField(_("填报方"), max_length=4, blank=True,
                            choices=[("east", _("东部（支援方）")), ("west", _("西部（受援方）"))],
                            help_text=_("工作报告由东西部各自填报；协议目标不分方"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    # raised on every state change: a stale page's action is refused instead of acting twice
    version = models.PositiveIntegerField(_("版本"), default=0)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("填报")
        verbose_name_plural = pgettext_lazy("plural", "填报")
        ordering = ["-period__year", "pairing__path", "kind", "side"]
        permissions = [
            ("review_submission", _("审核下级报送的填报（市州）")),
            ("approve_submission", _("审定并锁定填报（省级），解除锁定")),
            ("accept_submission", _("确认省级审定的填报（全国）")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "period", "kind", "side"], name="submission_unique",
                                    violation_error_message="该结对关系该期间已有此填报。"),
            models.CheckConstraint(condition=Q(kind="plan", side="") | (Q(kind="report") & ~Q(side="")),
                                   name="submission_side_valid",
                                   violation_error_message="工作报告须注明填报方（东部或西部）；协议目标不分方。"),
        ]

    def __str__(self) -> str:
        side = {"east": gettext("（东部）"), "west": gettext("（西部）")}.get(self.side, "")
        return f"{self.pairing} · {self.period} · {self.get_kind_display()}{side}"

    @property
    def locked(self) -> bool:
        return self.state in LOCKED_STATES

    @property
    def year(self) -> int:
        return self.period.year


class Action(models.TextChoices):
    SUBMIT = "submit", _("报送")
    REVIEW = "review", _("审核通过")
    APPROVE = "approve", _("审定（锁定）")
    ACCEPT = "accept", _("确认")
    RETURN = "return", _("退回")
    UNLOCK = "unlock", _("解除锁定")


class Step(models.Model):
    """One step of a submission's way up (or back): who, when, from which state to which, and why."""

    submission = models.ForeignKey(Submission, verbose_name=_("填报"), on_delete=models.CASCADE,
                                   related_name="steps")
    action = models.CharField(_("操作"), max_length=8, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=10, choices=State.choices)
    to_state = models.CharField(_("新状态"), max_length=10, choices=State.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    scope_pairing_field = "submission__pairing"

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = pgettext_lazy("plural", "审核记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class ConfirmState(models.TextChoices):
    CONFIRMED = "confirmed", _("已确认")
    DISPUTED = "disputed", _("有异议")


class Confirmation(Timestamped):
    """The paired side's answer to the other side's figure for one indicator of one pairing and period:
    confirmed, or disputed with a comment. A dispute blocks approval until the figure is changed
    (the confirmation then lapses: `values` no longer match) or confirmed."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("结对关系"), on_delete=models.CASCADE,
                                related_name="confirmations")
    period = models.ForeignKey(Period, verbose_name=_("填报期间"), on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("确认方"), max_length=4, choices=[("east", _("东部")), ("west", _("西部"))])
    state = models.CharField(_("结论"), max_length=10, choices=ConfirmState.choices)
    # the two figures as they were when answered: a later change to either reopens the question
    east_value = models.DecimalField(_("东部填报数"), max_digits=18, decimal_places=2, null=True, blank=True)
    west_value = models.DecimalField(_("西部填报数"), max_digits=18, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    scope_pairing_field = "pairing"

    class Meta:
        verbose_name = _("对账确认")
        verbose_name_plural = pgettext_lazy("plural", "对账确认")
        constraints = [
            models.UniqueConstraint(fields=["pairing", "period", "indicator", "side"], name="confirmation_unique",
                                    violation_error_message="该指标已有本方的确认意见。"),
        ]

    def __str__(self) -> str:
        return f"{self.pairing} · {self.period} · {self.indicator.zh} · {self.get_state_display()}"


class RuleKind(models.TextChoices):
    REQUIRED = "required", _("必填")
    MIN = "min", _("不低于")
    MAX = "max", _("不高于")
    NOT_ABOVE = "not_above", _("不大于另一指标")
    COMPLETION = "completion", _("完成率超过（%）须说明")
    GROWTH = "growth", _("超过上年倍数须说明")
    RECONCILE = "reconcile", _("东西部对账（允许差异 %）")


class CheckRule(Timestamped):
    """A validation rule of the data-entry screen: data the national office edits, not code.

    `programme` empty applies to every programme. `applies_to` plan or report."""

    programme = models.ForeignKey(Programme, verbose_name=_("协作项目"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+", help_text=_("空表示全部协作项目"))
    applies_to = models.CharField(_("适用于"), max_length=8, choices=Kind.choices, default=Kind.REPORT)
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+", help_text=_("空表示全部指标（用于完成率、增幅提示）"))
    kind = models.CharField(_("规则"), max_length=12, choices=RuleKind.choices)
    other = models.ForeignKey(Indicator, verbose_name=_("比较指标"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    number = models.DecimalField(_("阈值"), max_digits=18, decimal_places=2, null=True, blank=True)
    message = models.CharField(_("提示"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = pgettext_lazy("plural", "校验规则")
        ordering = ["indicator__position", "kind"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="not_above") | Q(other__isnull=False), name="checkrule_other",
                                   violation_error_message="「不大于另一指标」须选择比较指标。"),
            models.CheckConstraint(condition=Q(kind__in=["required", "not_above"]) | Q(number__isnull=False),
                                   name="checkrule_number", violation_error_message="此规则须填写阈值。"),
            models.CheckConstraint(condition=Q(kind__in=["completion", "growth"]) | Q(indicator__isnull=False),
                                   name="checkrule_indicator", violation_error_message="此规则须选择指标。"),
        ]

    def __str__(self) -> str:
        what = self.indicator.zh if self.indicator else "全部指标"
        return f"{what} {self.get_kind_display()} {self.number or self.other or ''}".strip()


class Explanation(Timestamped):
    """Why a figure is far from expectation (completion above the rule's bar, a jump over last year):
    the written explanation the validation rules ask for before a submission goes up."""

    submission = models.ForeignKey(Submission, verbose_name=_("填报"), on_delete=models.CASCADE,
                                   related_name="explanations")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("说明"))
    history = HistoricalRecords()

    scope_pairing_field = "submission__pairing"

    class Meta:
        verbose_name = _("情况说明")
        verbose_name_plural = pgettext_lazy("plural", "情况说明")
        constraints = [
            models.UniqueConstraint(fields=["submission", "indicator"], name="explanation_unique",
                                    violation_error_message="该指标已有情况说明。"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.zh}：{self.text[:30]}"
