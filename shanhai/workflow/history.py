"""Who changed what of one pairing's year, from what to what, and when: the history tab of the entry pages.

Read from django-simple-history's tables (every model keeps one) and the submissions' `Step` rows, for
the pairing and its sub-pairings as the user sees them (`accounts.scoping.visible` on the pairings and
submissions: history tables declare no scope of their own, so they are narrowed by those ids):
reported values and targets of the year, explanations and state changes of the year's submissions, and
the records placed in the year by the indicators' own date rule (`indicators.rules`).

`history_page` returns a light, newest-first list of (when, source, id) that a Paginator slices;
`describe` reads the rows of one page only and diffs each against its previous version (`diff_against`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanhai.accounts.scoping import visible
from shanhai.indicators.models import Indicator, ReportedValue, Target
from shanhai.indicators.rules import rules_by_model
from shanhai.network.models import Pairing
from shanhai.web.formatting import number, side_label
from shanhai.workflow.grid import SIDES
from shanhai.workflow.models import Explanation, State, Step, Submission

SKIP = {"id", "created_at", "updated_at"}
STEP = "step"
TYPES = {"+": gettext_lazy("新增"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryRow:
    at: Any
    who: str
    kind: str  # 新增 / 修改 / 删除 / 报送 …
    what: str  # 培训 / 填报数 / 目标 / 填报状态 …
    label: str  # the record: an indicator name, a training's title
    pairing: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""  # a step's comment, a change reason


def _record_models() -> list[tuple[type[Model], Any]]:
    """Record models counted by the indicators, each with its year filter builder."""
    out = []
    for model, rules in rules_by_model().items():
        rule = rules[0]
        if rule.pairing != "pairing" or not hasattr(model, "history"):
            continue
        out.append((model, rule))
    return out


class History:
    """The entries of one pairing-year, newest first; a sequence for Django's Paginator."""

    def __init__(self, user: Any, pairing: Pairing, year: int) -> None:
        self.user, self.pairing, self.year = user, pairing, year
        self.pairing_ids = list(visible(user, Pairing.objects.filter(Q(pk=pairing.pk) | Q(
            path__startswith=pairing.path))).values_list("pk", flat=True))
        self.sub_ids = list(visible(user, Submission.objects.filter(
            pairing_id__in=self.pairing_ids, period__year=year)).values_list("pk", flat=True))
        self.sources: dict[str, QuerySet] = {
            "reportedvalue": ReportedValue.history.filter(pairing_id__in=self.pairing_ids, year=year),
            "target": Target.history.filter(pairing_id__in=self.pairing_ids, year=year),
            "explanation": Explanation.history.filter(submission_id__in=self.sub_ids),
        }
        for model, rule in _record_models():
            when = {rule.year: year} if rule.year else {f"{rule.date}__year": year}
            self.sources[model._meta.model_name] = model.history.filter(  # type: ignore[attr-defined]
                pairing_id__in=self.pairing_ids, **when)
        keys: list[tuple[Any, int, str]] = []
        for source, qs in self.sources.items():
            keys += [(at, hid, source) for hid, at in qs.order_by().values_list("history_id", "history_date")]
        keys += [(at, pk, STEP) for pk, at in Step.objects.filter(submission_id__in=self.sub_ids)
                 .order_by().values_list("pk", "at")]
        keys.sort(key=lambda k: (k[0], k[1]), reverse=True)
        self.keys = keys

    def __len__(self) -> int:
        return len(self.keys)

    def count(self) -> int:
        return len(self.keys)

    def __getitem__(self, index: Any) -> Any:
        return self.keys[index]

    def describe(self, keys: Iterable[tuple[Any, int, str]]) -> list[HistoryRow]:
        """The rows of one page, each with its changes from the previous version."""
        keys = list(keys)
        wanted: dict[str, list[int]] = {}
        for _at, hid, source in keys:
            wanted.setdefault(source, []).append(hid)
        loaded: dict[tuple[str, int], Any] = {}
        for source, ids in wanted.items():
            if source == STEP:
                for s in Step.objects.filter(pk__in=ids).select_related("user", "submission"):
                    loaded[(STEP, s.pk)] = s
                continue
            for rec in self.sources[source].filter(history_id__in=ids).select_related("history_user"):
                loaded[(source, rec.history_id)] = rec
        labels = _Labels(self.pairing)
        out = []
        for _at, hid, source in keys:
            obj = loaded.get((source, hid))
            if obj is not None:
                out.append(_step_row(obj, labels) if source == STEP else _record_row(obj, labels))
        return out


def history_page(user: Any, pairing: Pairing, year: int) -> History:
    return History(user, pairing, year)


class _Labels:
    """Names for ids met in the rows: indicators and pairings, each read once."""

    def __init__(self, pairing: Pairing) -> None:
        self.main = pairing
        self._indicators: dict[int, str] | None = None
        self._pairings: dict[int, str] = {}

    def indicator(self, pk: int | None) -> str:
        if self._indicators is None:
            self._indicators = dict(Indicator.objects.values_list("pk", "zh"))
        return self._indicators.get(pk or 0, str(pk))

    def pairing(self, pk: int | None) -> str:
        if pk is None or pk == self.main.pk:
            return ""
        if pk not in self._pairings:
            from shanhai.workflow.forms import pairing_label

            p = Pairing.objects.filter(pk=pk).select_related("east_region", "west_region", "east_org",
                                                              "west_org").first()
            self._pairings[pk] = pairing_label(p) if p else str(pk)
        return self._pairings[pk]


def _value(model: type[Model], name: str, value: Any, labels: _Labels) -> str:
    if value is None or value == "":
        return "—"
    f = model._meta.get_field(name)
    if f.choices:
        return str(dict(f.choices).get(value, value))
    if name == "indicator":
        return labels.indicator(value)
    if name == "pairing":
        return labels.pairing(value) or str(labels.main)
    if f.is_relation:
        return f"#{value}"  # another record (a project, a person): its id, nothing it might not show
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if hasattr(value, "isoformat"):
        return value.isoformat()[:16].replace("T", " ")
    if isinstance(value, int) and name not in ("year", "month", "quarter"):
        return number(value)
    return number(value) if not isinstance(value, str) else value


def _record_row(rec: Any, labels: _Labels) -> HistoryRow:
    model = rec.instance_type
    instance = rec.instance
    if model is ReportedValue:
        label = labels.indicator(rec.indicator_id) + (f"（{SIDES[rec.side]}）" if rec.side in SIDES else "")
        what = _("填报数")
    elif model is Target:
        label, what = labels.indicator(rec.indicator_id), _("目标")
    elif model is Explanation:
        label, what = labels.indicator(rec.indicator_id), _("情况说明")
    else:
        label, what = str(instance), str(model._meta.verbose_name)
    changes: list[Change] = []
    if rec.history_type == "~":
        prev = rec.prev_record
        if prev is not None:
            delta = rec.diff_against(prev, excluded_fields=SKIP)
            for c in delta.changes:
                changes.append(Change(str(model._meta.get_field(c.field).verbose_name),
                                      _value(model, c.field, c.old, labels), _value(model, c.field, c.new, labels)))
    elif rec.history_type == "+" and model in (ReportedValue, Target):
        changes.append(Change(str(model._meta.get_field("value").verbose_name), "—",
                              _value(model, "value", rec.value, labels)))
    elif rec.history_type == "+" and model is Explanation:
        changes.append(Change(_("说明"), "—", rec.text))
    elif rec.history_type in ("+", "-") and model not in (ReportedValue, Target, Explanation):
        # a record added or deleted: its filled-in fields, as they were
        for f in model._meta.concrete_fields:
            value = getattr(rec, f.attname, None)
            if f.name in SKIP or f.name == "pairing" or value in (None, "", 0, False):
                continue
            shown = _value(model, f.name, value, labels)
            changes.append(Change(str(f.verbose_name), "—" if rec.history_type == "+" else shown,
                                  shown if rec.history_type == "+" else "—"))
            if len(changes) >= 8:
                break
    pairing_id = getattr(rec, "pairing_id", None)
    user = rec.history_user
    return HistoryRow(at=rec.history_date, who=user.get_username() if user else _("系统"),
                      kind=str(TYPES.get(rec.history_type, rec.history_type)), what=what, label=label,
                      pairing=labels.pairing(pairing_id), changes=changes, note=rec.history_change_reason or "")


def _step_row(step: Step, labels: _Labels) -> HistoryRow:
    sub = step.submission
    side = f"（{side_label(sub.side)}）" if sub.side else ""
    return HistoryRow(at=step.at, who=step.user.get_username() if step.user else _("系统"),
                      kind=step.get_action_display(), what=_("填报状态"),
                      label=f"{sub.get_kind_display()}{side}", pairing=labels.pairing(sub.pairing_id),
                      changes=[Change(_("状态"), str(State(step.from_state).label), str(State(step.to_state).label))],
                      note=step.comment)
