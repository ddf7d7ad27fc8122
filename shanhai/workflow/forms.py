"""The record forms of the data-entry screen: Django ModelForms for the records behind the indicators
(trainings, activities, fund allocations, placements, sales) of one pairing and its sub-pairings.

The forms only parse and validate (the model's own `full_clean`); the save goes through
`accounts.writes.guarded_save` / `guarded_delete` in the view (scope, role and the period lock are
checked there). The pairing choice is narrowed to the pairing's subtree as the user sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from django import forms
from django.db.models import Model, Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.scoping import visible
from shanhai.activities.models import Activity, Training
from shanhai.core.reads import once
from shanhai.economy.models import IndustrialPark, Investment, Placement, Sale, Workshop
from shanhai.network.models import Organisation, OrgKind, Pairing
from shanhai.projects.models import Donation, FundAllocation, Project
from shanhai.regions.models import Region
from shanhai.web.formatting import place


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def subtree(pairing: Pairing, field: str = "pairing") -> Q:
    return Q(**{f"{field}_id": pairing.pk}) | Q(**{f"{field}__path__startswith": pairing.path})


def pairing_label(p: Pairing) -> str:
    """"南沙区 — 紫云苗族布依族自治县": units and places as written, division names in the page's language."""
    return _label(p.east_org and p.east_org.name, p.east_place, p.east_region.name, p.west_org and p.west_org.name,
                  p.west_place, p.west_region.name)


def _label(east_org: str | None, east_place: str, east_region: str, west_org: str | None, west_place: str,
           west_region: str) -> str:
    return f"{east_org or east_place or place(east_region)} — {west_org or west_place or place(west_region)}"


class QuickSelect(forms.Select):
    """A select rendered in Python: Django's template per option costs ~0.3 ms, and the entry screen shows
    five lists of a county pair's ~150 sub-pairings."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = tuple(sorted(self.format_value(value)))
        choices = self.choices

        def options() -> str:
            return format_html_join("", "<option value=\"{}\"{}>{}</option>", (
                ("" if key is None else key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in choices))

        # the nine forms of one entry screen offer the same ~150 pairings (`shared` names that list): their
        # options are made once a page
        shared = getattr(self, "shared", None)
        key = ("quick_select_options", shared, chosen) if shared else None
        html = once(key, options) if key else options()
        return format_html("<select{}>{}</select>", flatatt(final), html)


class SubPairing(NamedTuple):
    """A pairing of an entry screen's subtree as plain values: its label and what the write guard asks."""

    pk: int
    label: str
    path: str
    east_region_id: int
    west_region_id: int
    east_path: str
    west_path: str


def subtree_pairings(user: Any, pairing: Pairing) -> list[SubPairing]:
    """The pairing and its sub-pairings as the user sees them, in tree order: read once per page and
    shared by its forms, its record lists and their write checks (plain values: ~150 pairings × 5 model
    instances would cost ~0.1 s)."""
    def read() -> list[SubPairing]:
        qs = visible(user, Pairing.objects.filter(Q(pk=pairing.pk) | Q(path__startswith=pairing.path)))
        rows = qs.order_by("path").values_list(
            "pk", "east_org__name", "east_place", "east_region__name", "west_org__name", "west_place",
            "west_region__name", "path", "east_region_id", "west_region_id", "east_region__path",
            "west_region__path")
        return [SubPairing(pk, _label(eo, ep, er, wo, wp, wr), *rest) for pk, eo, ep, er, wo, wp, wr, *rest in rows]

    return once(("entry_subtree_pairings", getattr(user, "pk", None), pairing.pk), read)


def _pairing_choices(user: Any, pairing: Pairing) -> list[tuple[int, str]]:
    return once(("entry_pairing_choices", getattr(user, "pk", None), pairing.pk),
                lambda: [(p.pk, p.label) for p in subtree_pairings(user, pairing)])


class RecordForm(forms.ModelForm):
    """A record of `pairing` or one of its sub-pairings (as `user` sees them)."""

    def __init__(self, *args: Any, user: Any, pairing: Pairing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.pairing = user, pairing
        choices = visible(user, Pairing.objects.filter(Q(pk=pairing.pk) | Q(path__startswith=pairing.path)))
        field = self.fields["pairing"]
        field.queryset = choices  # type: ignore[attr-defined]  # what a sent value is checked against
        field.choices = _pairing_choices(user, pairing)  # type: ignore[attr-defined]  # what the page lists
        if not self.instance.pk:
            self.initial.setdefault("pairing", pairing.pk)
        for f in self.fields.values():
            if type(f.widget) is forms.Select:
                f.widget = QuickSelect(attrs=f.widget.attrs, choices=f.widget.choices)
        field.widget.shared = (getattr(user, "pk", None), pairing.pk)  # type: ignore[attr-defined]


class TrainingForm(RecordForm):
    class Meta:
        model = Training
        fields = ["pairing", "category", "title", "start_date", "end_date", "sessions", "participants", "online"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class ActivityForm(RecordForm):
    class Meta:
        model = Activity
        fields = ["pairing", "kind", "title", "date", "participants", "online"]
        widgets = {"date": DateInput()}


class FundAllocationForm(RecordForm):
    class Meta:
        model = FundAllocation
        fields = ["pairing", "project", "year", "source", "sector", "allocated", "disbursed"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects: QuerySet = visible(self.user, Project.objects.filter(subtree(self.pairing)))
        self.fields["project"].queryset = projects.order_by("name")  # type: ignore[attr-defined]


class PlacementForm(RecordForm):
    class Meta:
        model = Placement
        fields = ["pairing", "year", "month", "kind", "count", "newly_employed", "employer"]


class SaleForm(RecordForm):
    class Meta:
        model = Sale
        fields = ["pairing", "year", "month", "category", "channel", "supplier", "buyer", "amount"]


class _WestPlaceForm(RecordForm):
    """A record placed in the assisted area (`place_field`): choices are the pairing's west region and the
    divisions in it, as the model's own clean() requires."""

    place_field = "region"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        west = self.pairing.west_region
        field = self.fields[self.place_field]
        field.queryset = Region.objects.filter(path__startswith=west.path).order_by("path")  # type: ignore[attr-defined]
        field.widget = QuickSelect(attrs=field.widget.attrs, choices=field.choices)
        if not self.instance.pk:
            self.initial.setdefault(self.place_field, west.pk)


class ProjectForm(_WestPlaceForm):
    place_field = "location"

    class Meta:
        model = Project
        fields = ["pairing", "name", "kind", "sector", "location", "status", "budget", "start_date", "end_date",
                  "beneficiaries"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class WorkshopForm(_WestPlaceForm):
    class Meta:
        model = Workshop
        fields = ["pairing", "name", "region", "established", "jobs", "at_relocation_site"]
        widgets = {"established": DateInput()}


class InvestmentForm(RecordForm):
    """Enterprises of either side of the pairing (a province pair lists many: the select is plain HTML)."""

    class Meta:
        model = Investment
        fields = ["pairing", "enterprise", "park", "year", "amount", "rural_jobs"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        p = self.pairing
        enterprise, park = self.fields["enterprise"], self.fields["park"]
        enterprise.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            Q(region__path__startswith=p.east_region.path) | Q(region__path__startswith=p.west_region.path),
            kind=OrgKind.ENTERPRISE).order_by("name")
        park.queryset = IndustrialPark.objects.filter(subtree(p)).order_by("name")  # type: ignore[attr-defined]
        for f in (enterprise, park):
            f.widget = QuickSelect(attrs=f.widget.attrs, choices=f.choices)


class DonationForm(RecordForm):
    class Meta:
        model = Donation
        fields = ["pairing", "donor", "recipient", "kind", "sector", "value", "quantity", "date", "purpose"]
        widgets = {"date": DateInput()}


@dataclass(frozen=True)
class RecordKind:
    """One record list of the data-entry screen: its model, form, the columns listed, and how a period
    selects its rows (a date field, or year + month fields)."""

    key: str
    model: type[Model]
    form: type[RecordForm]
    columns: tuple[str, ...]
    date: str = ""  # a DateField placing the record in a period …
    monthly: bool = False  # … or year (+ month) fields
    order: tuple[str, ...] = ("-id",)
    related: tuple[str, ...] = ()  # foreign keys the list shows besides the pairing

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def in_period(self, qs: QuerySet, year: int, months: list[int] | None) -> QuerySet:
        if self.date:
            qs = qs.filter(**{f"{self.date}__year": year})
            return qs.filter(**{f"{self.date}__month__in": months}) if months else qs
        qs = qs.filter(year=year)
        if months and self.monthly:
            qs = qs.filter(month__in=months)
        return qs


KINDS: dict[str, RecordKind] = {k.key: k for k in [
    RecordKind("training", Training, TrainingForm,
               ("pairing", "category", "title", "start_date", "end_date", "sessions", "participants"),
               date="start_date", order=("-start_date", "-id")),
    RecordKind("activity", Activity, ActivityForm, ("pairing", "kind", "title", "date", "participants"),
               date="date", order=("-date", "-id")),
    RecordKind("fund", FundAllocation, FundAllocationForm,
               ("pairing", "project", "source", "sector", "allocated", "disbursed"), order=("-allocated", "-id"),
               related=("project",)),
    RecordKind("project", Project, ProjectForm, ("pairing", "name", "sector", "location", "status", "budget",
                                                 "start_date"), date="start_date", order=("-start_date", "-id"),
               related=("location",)),
    RecordKind("workshop", Workshop, WorkshopForm, ("pairing", "name", "region", "established", "jobs"),
               date="established", order=("-established", "-id"), related=("region",)),
    RecordKind("investment", Investment, InvestmentForm, ("pairing", "enterprise", "year", "amount", "rural_jobs"),
               order=("-amount", "-id"), related=("enterprise",)),
    RecordKind("donation", Donation, DonationForm, ("pairing", "donor", "recipient", "kind", "value", "date"),
               date="date", order=("-date", "-id")),
    RecordKind("placement", Placement, PlacementForm, ("pairing", "month", "kind", "count", "newly_employed",
                                                       "employer"), monthly=True, order=("-month", "-count", "-id")),
    RecordKind("sale", Sale, SaleForm, ("pairing", "month", "category", "channel", "supplier", "buyer", "amount"),
               monthly=True, order=("-month", "-amount", "-id")),
]}
RECORD_HELP = _("记录保存后，上方“记录计算”一列随之更新；已审定锁定期间的记录不能修改。")
