"""The indicator catalogue, targets, reported values, and the maintained roll-up tables.

Values of the catalogue's units are stored as follows:
- computed values (roll-up tables) are whole numbers in a 64-bit integer: yuan, persons, sessions …
  (no computable indicator has a percent unit);
- reported values and targets are `Decimal(18, 2)`: exact, never a float. Whole-number units
  (yuan, person, …) are refused with a fraction; only `percent` (107.5) and `sqm` may carry decimals.

Roll-up tables (see rollups.py; rebuilt by `shanhai indicators rebuild`):
- `PairingValue`: one pairing's own records, per indicator × year × period;
- `TreeValue`: the sum over a pairing's proper descendants (sub-pairings), same keys;
- `RegionValue`: the sum over all pairings whose east (or west) region lies in a region node
  (province, prefecture, county; node 0 = the whole country), per programme.
`period` 0 is the whole year (including records dated only by year), 1–12 the months.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from shanhai.core.models import Timestamped
from shanhai.network.models import Pairing
from shanhai.regions.models import Region


class Agg(models.TextChoices):
    SUM = "sum", _("累加")
    LAST = "last", _("取最新值（不累加）")


class Indicator(models.Model):
    """One row of the catalogue (indicators/catalogue.csv, loaded by a data migration)."""

    code = models.CharField(_("指标代码"), max_length=64, unique=True)
    zh = models.CharField(_("中文名称"), max_length=128)
    en = models.CharField(_("英文名称"), max_length=128)
    unit = models.CharField(_("计量单位"), max_length=16)
    agg = models.CharField(_("汇总方式"), max_length=8, choices=Agg.choices)
    category = models.CharField(_("类别"), max_length=32)
    records = models.CharField(_("计算依据"), max_length=200, blank=True)
    phrases = models.TextField(_("常见表述"), blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = pgettext_lazy("plural", "指标")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.zh}（{self.code}）"


class Side(models.TextChoices):
    EAST = "east", _("东部（支援方）")
    WEST = "west", _("西部（受援方）")


class Qualifier(models.TextChoices):
    EXACT = "exact", _("确数")
    AT_LEAST = "at_least", _("不少于（余、多、超过）")
    ABOUT = "about", _("约数（约、近、左右）")


class SourceKind(models.TextChoices):
    FORM = "form", _("表单填报")
    SHEET = "sheet", _("表格导入")
    DOCUMENT = "document", _("文档摘录")


VALUE_FIELD = {"max_digits": 18, "decimal_places": 2}
FRACTION_UNITS = {"percent", "sqm"}


def _scope_check(obj: "Target | ReportedValue", errors: dict[str, str]) -> None:
    if (obj.pairing_id is None) == (obj.region_id is None):
        errors["pairing"] = "「结对关系」与「地区」须且只能填写一项。"
    elif obj.region_id is not None and not obj.side:
        errors["side"] = "按地区填写时须选择「地区所在方」（东部或西部）。"
    elif obj.pairing_id is not None and obj.side and isinstance(obj, Target):
        errors["side"] = "按结对关系填写时不填「地区所在方」。"


def _whole_check(obj: "Target | ReportedValue", field: str, label: str, errors: dict[str, str]) -> None:
    value = getattr(obj, field)
    if value is None or obj.indicator_id is None:
        return
    if value < 0:
        errors[field] = f"「{label}」不能为负数。"
    elif obj.indicator.unit not in FRACTION_UNITS and value != value.to_integral_value():
        errors[field] = f"「{label}」{value}应为整数（单位：{obj.indicator.unit}；金额以元为单位）。"


class Target(Timestamped):
    """A yearly target for one pairing (with its sub-pairings) or one region on one side."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="targets")
    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("地区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(_("地区所在方"), max_length=4, choices=Side.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("目标值"), **VALUE_FIELD)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    scope_pairing_field = "pairing"
    scope_region_fields = ("region",)

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = pgettext_lazy("plural", "目标任务")
        ordering = ["-year", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "pairing", "year"], condition=Q(pairing__isnull=False),
                                    name="target_unique_pairing", violation_error_message="该结对关系该年度已有此指标的目标。"),
            models.UniqueConstraint(fields=["indicator", "region", "side", "year"], condition=Q(region__isnull=False),
                                    name="target_unique_region", violation_error_message="该地区该年度已有此指标的目标。"),
            models.CheckConstraint(condition=Q(pairing__isnull=True) ^ Q(region__isnull=True), name="target_pairing_xor_region",
                                   violation_error_message="「结对关系」与「地区」须且只能填写一项。"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.indicator.zh} {self.value}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _scope_check(self, errors)
        _whole_check(self, "value", "目标值", errors)
        if not 1990 <= (self.year or 0) <= 2100:
            errors["year"] = f"「年度」{self.year}不是有效年份。"
        if errors:
            raise ValidationError(errors)


class ReportedValue(Timestamped):
    """A figure entered on a form, imported from a sheet row, or read from a document sentence.

    Natural key (what `reported_value_upsert` matches on, so re-imports are idempotent):
    (indicator, pairing | region + side, year, quarter, month, source_kind, source_ref).
    `quarter`/`month` 0 mean "not narrowed"; `since_year` marks a cumulative figure
    ("2021年以来" → since_year 2021, year 2023), listed but never added to a single year.
    """

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="reported")
    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), null=True, blank=True, on_delete=models.CASCADE, related_name="reported_values"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("地区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(_("地区所在方"), max_length=4, choices=Side.choices, blank=True,
                            help_text=_("按地区填写时为地区所在方；按结对关系填写时为填报方（东西部各自填报，可空）"))
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), default=0, help_text=_("0 表示全年"))
    month = models.PositiveSmallIntegerField(_("月份"), default=0, help_text=_("0 表示不分月"))
    since_year = models.PositiveSmallIntegerField(_("累计起始年度"), null=True, blank=True,
                                                  help_text=_("累计数（如“2021年以来”）填写起始年度"))
    value = models.DecimalField(_("数值"), **VALUE_FIELD, help_text=_("金额以元为单位（整数）；百分比如 107.5"))
    qualifier = models.CharField(_("数值性质"), max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT)
    baseline = models.DecimalField(_("对比基数"), **VALUE_FIELD, null=True, blank=True,
                                   help_text=_("如“与上一年40人相比”中的 40"))
    stated_rate = models.DecimalField(_("文中完成率（%）"), max_digits=9, decimal_places=2, null=True, blank=True)
    source_kind = models.CharField(_("来源类型"), max_length=8, choices=SourceKind.choices)
    source_ref = models.CharField(_("来源"), max_length=500, help_text=_("文件 · 工作表 · 行，或文档标题"))
    source_url = models.CharField(_("来源链接"), max_length=500, blank=True)
    evidence = models.TextField(_("原文语句"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    scope_pairing_field = "pairing"
    scope_region_fields = ("region",)

    class Meta:
        verbose_name = _("上报数值")
        verbose_name_plural = pgettext_lazy("plural", "上报数值")
        ordering = ["-year", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "pairing", "year", "quarter", "month", "source_kind", "source_ref"],
                condition=Q(pairing__isnull=False), name="reported_unique_pairing",
                violation_error_message="同一来源已为该结对关系、该期间上报过此指标。",
            ),
            models.UniqueConstraint(
                fields=["indicator", "region", "side", "year", "quarter", "month", "source_kind", "source_ref"],
                condition=Q(region__isnull=False), name="reported_unique_region",
                violation_error_message="同一来源已为该地区、该期间上报过此指标。",
            ),
            models.CheckConstraint(condition=Q(pairing__isnull=True) ^ Q(region__isnull=True),
                                   name="reported_pairing_xor_region",
                                   violation_error_message="「结对关系」与「地区」须且只能填写一项。"),
            models.CheckConstraint(condition=Q(quarter__lte=4), name="reported_quarter_valid",
                                   violation_error_message="「季度」应在1到4之间（0表示全年）。"),
            models.CheckConstraint(condition=Q(month__lte=12), name="reported_month_valid",
                                   violation_error_message="「月份」应在1到12之间（0表示不分月）。"),
        ]
        indexes = [models.Index(fields=["pairing", "year"]), models.Index(fields=["region", "side", "year"])]

    def __str__(self) -> str:
        return f"{self.period_label} {self.indicator.zh} {self.value}"

    @property
    def period_label(self) -> str:
        if self.since_year and self.since_year != self.year:
            return f"{self.since_year}—{self.year}年累计"
        if self.month:
            return f"{self.year}年{self.month}月"
        if self.quarter:
            return f"{self.year}年第{self.quarter}季度"
        return f"{self.year}年"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _scope_check(self, errors)
        _whole_check(self, "value", "数值", errors)
        _whole_check(self, "baseline", "对比基数", errors)
        if not 1990 <= (self.year or 0) <= 2100:
            errors["year"] = f"「年度」{self.year}不是有效年份。"
        if self.since_year is not None and not 1990 <= self.since_year <= (self.year or 0):
            errors["since_year"] = f"「累计起始年度」{self.since_year}应不晚于「年度」{self.year}。"
        if self.month and self.quarter and (self.month - 1) // 3 + 1 != self.quarter:
            errors["month"] = f"「月份」{self.month}不在第{self.quarter}季度内。"
        if self.stated_rate is not None and self.stated_rate < 0:
            errors["stated_rate"] = "「文中完成率」不能为负数。"
        if errors:
            raise ValidationError(errors)


class PairingValue(models.Model):
    """Computed from one pairing's own records (not its sub-pairings')."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", db_index=False)
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    period = models.PositiveSmallIntegerField()  # 0 = year, 1–12 = month
    value = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pairing", "year", "indicator", "period"], name="pairingvalue_key")]
        indexes = [models.Index(fields=["indicator", "year", "period"], name="pairingvalue_by_indicator")]

    def __str__(self) -> str:
        return f"{self.pairing_id}·{self.indicator_id}·{self.year}/{self.period}={self.value}"


class TreeValue(models.Model):
    """The sum over all proper descendants of a pairing (only `sum` indicators)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", db_index=False)
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    period = models.PositiveSmallIntegerField()
    value = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pairing", "year", "indicator", "period"], name="treevalue_key")]

    def __str__(self) -> str:
        return f"{self.pairing_id}·{self.indicator_id}·{self.year}/{self.period}={self.value}"


class RegionValue(models.Model):
    """The sum over the pairings whose `side` region lies in region `node` (0 = whole country)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", db_index=False)
    side = models.CharField(max_length=4)  # east / west; "all" for node 0
    node = models.BigIntegerField()  # Region id, 0 for the whole country
    programme_id = models.BigIntegerField()
    year = models.PositiveSmallIntegerField()
    period = models.PositiveSmallIntegerField()
    value = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["node", "side", "year", "indicator", "period", "programme_id"], name="regionvalue_key")]
        # Rankings and maps read one indicator across all nodes.
        indexes = [models.Index(fields=["indicator", "year", "period", "side"], name="regionvalue_by_indicator")]

    def __str__(self) -> str:
        return f"{self.side}:{self.node}·{self.indicator_id}·{self.year}/{self.period}={self.value}"


class RebuildState(models.Model):
    """Progress of `indicators rebuild`, so an interrupted run resumes where it stopped."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    last_pairing_id = models.BigIntegerField(default=0)
    phase = models.CharField(max_length=16, default="pairings")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.phase}"
