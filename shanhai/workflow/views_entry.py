"""The data-entry pages of the yearly cycle: a report's grid and records, a plan, and the history.

Thin views: each parses the pairing, year, quarter and side once (`_where`), calls the services
(`workflow.grid`, `workflow.services`, `workflow.checks`; records through `accounts.writes`), and
renders. Business rules live in the service modules; a refused or invalid write (ShanhaiError,
WriteRefused, ValidationError) is shown on the page in Chinese with what the user typed kept, and
nothing is saved (the services are all-or-nothing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shanhai.accounts.scoping import visible
from shanhai.accounts.writes import WriteGuard, WriteRefused, guarded_delete, guarded_save, is_national
from shanhai.core.errors import ShanhaiError
from shanhai.indicators.models import ReportedValue, Target
from shanhai.indicators.rules import RULES
from shanhai.indicators.selectors import visible_pairing
from shanhai.network.models import Pairing
from shanhai.web.formatting import category_label, indicator_name, number, percent, unit_label
from shanhai.workflow import checks, grid, services
from shanhai.workflow.forms import (
    KINDS,
    RECORD_HELP,
    RecordForm,
    RecordKind,
    pairing_label,
    subtree,
    subtree_pairings,
)
from shanhai.workflow.history import history_page
from shanhai.workflow.models import Kind, Period, RuleKind, Submission
from shanhai.workflow.views_review import STATUS, refusals

CAP = 10  # record rows listed per list (newest first); the admin list, linked, has them all
View = Callable[..., HttpResponse]
entry_view = refusals  # the same door as the review pages


@dataclass
class Where:
    pairing: Pairing
    year: int
    quarter: int
    side: str
    period: Period
    sub: Submission

    def url(self, name: str, **extra: Any) -> str:
        base = reverse(f"workflow:{name}", args=[self.pairing.pk, self.year])
        query = {k: v for k, v in {"quarter": self.quarter or "", **extra}.items() if v not in ("", None)}
        if name == "entry" and self.side and "side" not in query:
            query["side"] = self.side
        return base + (f"?{urlencode(query)}" if query else "")


def _int(value: Any, default: int, lo: int, hi: int, label: str) -> int:
    if value in (None, ""):
        return default
    try:
        number_ = int(value)
    except (TypeError, ValueError):
        number_ = -1
    if not lo <= number_ <= hi:
        raise ShanhaiError(f"「{label}」“{value}”无效，应在{lo}到{hi}之间。", code="invalid")
    return number_


def _where(request: HttpRequest, pairing_id: int, year: int, kind: str) -> Where:
    user = request.user
    pairing = visible_pairing(user, pairing_id)
    quarter = _int(request.GET.get("quarter"), 0, 0, 4, "季度") if kind == Kind.REPORT else 0
    side = ""
    if kind == Kind.REPORT:
        side = services.user_side(user, pairing)
        if is_national(user) and request.GET.get("side") in ("east", "west"):
            side = request.GET["side"]
    period = services.period_for(pairing.programme_id, year, quarter)
    sub = services.submission_for(pairing, period, kind, side)
    sub.pairing, sub.period = pairing, period
    return Where(pairing, year, quarter, side, period, sub)


def _status(error: ShanhaiError) -> int:
    return STATUS.get(error.code or "", 400)


def _lines(message: str) -> tuple[str, list[str]]:
    """A service's message split for reading: its lead ("不能报送") and one line per problem."""
    lead, _sep, rest = message.partition("：") if message.startswith("不能") else ("", "", message)
    parts: list[str] = []
    for part in (p for p in rest.split("；") if p):
        if parts and part.startswith("请"):  # "…未保存；请核对后重新填写。" is one thought
            parts[-1] += "；" + part
        else:
            parts.append(part)
    return (lead, parts) if len(parts) > 1 or lead else ("", [message])


def _validation_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "；".join(m for ms in error.message_dict.values() for m in ms)
    return "；".join(error.messages)


def _can_write(user: Any, where: Where) -> bool:
    model = Target if where.sub.kind == Kind.PLAN else ReportedValue
    guard = WriteGuard(user)
    return (where.sub.state in grid.EDITABLE and guard.role_error(model, "change") is None
            and guard.pairing_open(where.pairing.pk))


# ---- the indicator grid ------------------------------------------------------------------------

def _input(value: Any) -> str:
    return "" if value is None else number(value)


def _explained_codes(sub: Submission, rows: list[grid.GridRow]) -> set[str]:
    """Rows a completion or growth rule asks to explain, whether or not the explanation is written yet."""
    rules = [r for r in checks.rules_for(sub) if r.kind in (RuleKind.COMPLETION, RuleKind.GROWTH)]
    if not rules or sub.kind != Kind.REPORT:
        return set()
    bare = {r.code: dataclasses.replace(r, explanation="") for r in rows}
    return set(checks.row_problems(bare, rules, sub.kind))


def _grid_rows(where: Where, rows: list[grid.GridRow], typed: dict[str, str], notes: dict[str, str],
               problems: dict[str, list[str]], conflicts: set[str]) -> list[dict[str, Any]]:
    sub = where.sub
    explain = _explained_codes(sub, rows)
    groups: dict[str, list[grid.GridRow]] = {}
    for r in rows:  # grouped by category, in catalogue order of each category's first indicator
        groups.setdefault(r.category, []).append(r)
    out: list[dict[str, Any]] = []
    for r in (r for members in groups.values() for r in members):
        if not out or out[-1]["category_code"] != r.category:
            out.append({"category": category_label(r.category), "category_code": r.category})
        rule = RULES.get(r.code)
        shown = _input(r.target if sub.kind == Kind.PLAN else (r.own.value if r.own is not None else None))
        out.append({
            "code": r.code, "category_code": r.category, "name": indicator_name(r), "zh": r.zh, "unit": unit_label(r.unit), "entry": r.entry,
            "computed": number(r.computed) if r.computable and sub.kind == Kind.REPORT else "",
            "computed_raw": r.computed,
            "records_url": rule.records_url(pairing=where.pairing.pk, year=where.year) if rule else "",
            "original": shown, "value": typed.get(r.code, shown), "stamp": r.stamp,
            "own": number(r.own.value) if r.own is not None else "",
            "other": number(r.other.value) if r.other is not None else "",
            "target": number(r.target) if r.target is not None else "",
            "completion": percent(r.completion) if sub.kind == Kind.REPORT and r.completion is not None else "",
            "last_year": number(r.last_year) if r.last_year is not None else "",
            "last_target": number(r.last_target) if r.last_target is not None else "",
            "explain": r.code in explain or bool(r.explanation) or bool(notes.get(r.code)),
            "explanation_original": r.explanation, "explanation": notes.get(r.code, r.explanation),
            "problems": problems.get(r.code, []), "conflict": r.code in conflicts,
            "changed": r.code in typed and typed[r.code].replace(",", "").strip() != shown.replace(",", ""),
        })
    return out


def _posted(request: HttpRequest, rows: list[grid.GridRow]) -> tuple[dict[str, str], dict[str, str],
                                                                      dict[str, str], dict[str, str]]:
    """(typed, changed entries, their stamps, changed explanations) from a grid form: only rows the user
    changed are sent to the service, so someone else's edit of another row is not refused."""
    typed, entries, seen, notes = {}, {}, {}, {}
    for r in rows:
        name = f"v-{r.code}"
        if name in request.POST:
            value = request.POST[name]
            typed[r.code] = value
            if value.replace(",", "").strip() != request.POST.get(f"o-{r.code}", "").replace(",", "").strip():
                entries[r.code] = value
                seen[r.code] = request.POST.get(f"s-{r.code}", "")
        note = f"x-{r.code}"
        if note in request.POST and request.POST[note].strip() != request.POST.get(f"xo-{r.code}", "").strip():
            notes[r.code] = request.POST[note]
    return typed, entries, seen, notes


def _steps(sub: Submission) -> list[Any]:
    return list(sub.steps.select_related("user").order_by("-at", "-pk"))


def _grid_page(request: HttpRequest, where: Where, template: str, extra: Callable[[], dict[str, Any]], *,
               post: bool | None = None, error: ShanhaiError | None = None) -> HttpResponse:
    """GET shows the grid; POST saves (`save`), submits (`submit`, after saving what was typed) or, for a
    plan, copies last year's targets (`copy`). Success redirects back; a refusal re-renders with the
    typed values and the service's message."""
    sub = where.sub
    rows = grid.report_grid(sub) if sub.kind == Kind.REPORT else grid.plan_grid(sub)
    typed: dict[str, str] = {}
    notes: dict[str, str] = {}
    conflicts: set[str] = set()
    if request.method == "POST" if post is None else post:
        action = request.POST.get("action", "save")
        saved = 0
        typed, entries, seen, notes = _posted(request, rows)
        try:
            if action == "copy":
                copied = grid.copy_last_year(request.user, sub)
                messages.success(request, _("已从上年复制 %(n)s 项目标。") % {"n": copied})
                return redirect(where.url("plan" if sub.kind == Kind.PLAN else "entry"))
            if entries or notes:
                saved = grid.grid_save(request.user, sub, entries, seen=seen, explanations=notes)
            if action == "submit":
                version = _int(request.POST.get("version"), sub.version, 0, 10**9, "版本")
                services.move(request.user, sub, "submit", version=version)
                messages.success(request, _("已报送，等待上级审核。"))
            else:
                messages.success(request, _("已保存草稿（%(n)s 项改动）。") % {"n": saved} if saved
                                 else _("没有改动。"))
            return redirect(where.url("plan" if sub.kind == Kind.PLAN else "entry"))
        except ShanhaiError as e:  # WriteRefused too
            error = e
            if saved:  # the draft was saved, the submit refused: show what is stored now
                messages.success(request, _("已保存草稿（%(n)s 项改动）。") % {"n": saved})
                typed, notes = {}, {}
            else:
                conflicts = {c for c in typed if f"「{_zh(rows, c)}」已被" in e.message}
            sub.refresh_from_db()
            rows = grid.report_grid(sub) if sub.kind == Kind.REPORT else grid.plan_grid(sub)
        except ValidationError as e:
            error = ShanhaiError(_validation_text(e))
    found = checks.submission_problems(sub, rows)
    problems: dict[str, list[str]] = {}
    for p in found:
        problems.setdefault(p.indicator, []).append(p.message)
    lead, lines = _lines(error.message) if error else ("", [])
    context = {
        "where": where, "sub": sub, "pairing": where.pairing, "pairing_label": pairing_label(where.pairing),
        "rows": _grid_rows(where, rows, typed, notes, problems, conflicts),
        "general_problems": problems.get("", []), "problem_count": len(found),
        "steps": _steps(sub), "can_write": _can_write(request.user, where), "locked": sub.locked,
        "report": sub.kind == Kind.REPORT,
        "error": error, "error_lead": lead, "error_lines": lines,
        "entry_url": where.url("entry"), "plan_url": where.url("plan"), "history_url": where.url("history"),
        **extra(),
    }
    status = _status(error) if error else 200
    return render(request, template, context, status=status)


def _zh(rows: list[grid.GridRow], code: str) -> str:
    return next((r.zh for r in rows if r.code == code), code)


# ---- the record lists --------------------------------------------------------------------------

def _cell(obj: Any, name: str) -> str:
    field = obj._meta.get_field(name)
    if field.choices:
        return getattr(obj, f"get_{name}_display")() or "—"
    value = getattr(obj, name)
    if name == "pairing":
        return pairing_label(value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int):
        return number(value) if name not in ("month", "year") else str(value)
    return str(value)


def _records(request: HttpRequest, where: Where, bound: dict[str, RecordForm] | None = None) -> list[dict[str, Any]]:
    """Each record list of the pairing and its sub-pairings for the period, newest first, capped, with an
    add form (or the form of the record being edited, or the form sent back with its errors)."""
    user = request.user
    guard = WriteGuard(user)
    months = list(where.period.months) if where.quarter else None
    editing = request.GET.get("edit", "")
    out = []
    pairings = subtree_pairings(user, where.pairing)  # labels and the guard's facts, read once
    labels = {p.pk: p.label for p in pairings}
    guard.know_pairings((p.pk, p.path, p.east_region_id, p.west_region_id, p.east_path, p.west_path)
                        for p in pairings)
    entry = where.url("entry")  # each row's edit link adds its record to this (reversed once, not per row)
    sep = "&" if "?" in entry else "?"
    for kind in KINDS.values():
        qs = kind.in_period(visible(user, kind.model.objects.filter(subtree(where.pairing))), where.year, months)
        qs = qs.select_related(*kind.related).order_by(*kind.order)
        shown = list(qs[:CAP + 1])  # one row more tells whether there are more: count only then
        total = qs.count() if len(shown) > CAP else len(shown)
        rows = []
        edit_obj = None
        for obj in shown[:CAP]:
            editable = not guard.errors(obj, action="change", before=obj)
            if editing == f"{kind.key}-{obj.pk}":
                edit_obj = obj
            cells = [labels.get(obj.pairing_id) or pairing_label(obj.pairing) if c == "pairing" else _cell(obj, c)
                     for c in kind.columns]
            rows.append({"obj": obj, "cells": cells, "editable": editable,
                         "editing": edit_obj is obj,
                         "edit_url": f"{entry}{sep}edit={kind.key}-{obj.pk}#records-{kind.key}",
                         "delete_url": _record_url(where, "record_delete", kind, obj.pk)})
        if bound and kind.key in bound:
            form = bound[kind.key]
        elif edit_obj is not None:
            form = kind.form(instance=edit_obj, user=user, pairing=where.pairing, prefix=kind.key)
        else:
            form = kind.form(user=user, pairing=where.pairing, prefix=kind.key, initial=_initial(kind, where))
        instance = form.instance if form.instance.pk else None
        admin = reverse(f"admin:{kind.model._meta.app_label}_{kind.model._meta.model_name}_changelist")
        out.append({
            "kind": kind, "label": kind.label, "headers": [kind.model._meta.get_field(c).verbose_name
                                                           for c in kind.columns],
            "rows": rows, "total": total, "capped": total > len(rows),
            "admin_url": f"{admin}?{urlencode({'pairing': where.pairing.pk, 'year': where.year})}",
            "form": form, "editing": instance,
            "action": _record_url(where, "record_save", kind, instance.pk if instance else None),
            "may_add": guard.role_error(kind.model, "add") is None,
            "locked": _period_lock(guard, kind, where),
            "open": bool(bound and kind.key in bound) or edit_obj is not None,
        })
    return out


def _period_lock(guard: WriteGuard, kind: RecordKind, where: Where) -> str:
    """Why a new record of this kind in the period would be refused by an approval's lock ("" if none):
    asked of the write guard with a record placed at the period's start, so the add form is not offered."""
    month = where.period.months[0]
    fields: dict[str, Any] = ({kind.date: dt.date(where.year, month, 1)} if kind.date
                              else {"year": where.year, **({"month": month} if kind.monthly and where.quarter else {})})
    return guard.lock_error(kind.model(pairing_id=where.pairing.pk, **fields)) or ""


def _initial(kind: RecordKind, where: Where) -> dict[str, Any]:
    if kind.date:
        return {}
    initial: dict[str, Any] = {"year": where.year}
    if kind.monthly and where.quarter:
        initial["month"] = where.period.months[0]
    return initial


def _record_url(where: Where, name: str, kind: RecordKind, pk: int | None) -> str:
    args: list[Any] = [where.pairing.pk, where.year, kind.key] + ([pk] if pk else [])
    url = reverse(f"workflow:{name}", args=args)
    query = {k: v for k, v in (("quarter", where.quarter), ("side", where.side)) if v}
    return url + (f"?{urlencode(query)}" if query else "")


def _record(request: HttpRequest, where: Where, kind: RecordKind, pk: int) -> Any:
    obj = visible(request.user, kind.model.objects.filter(subtree(where.pairing))).filter(pk=pk).first()
    if obj is None:
        raise ShanhaiError(_("该记录不存在，或不在您的数据范围内。"), code="not_found")
    return obj


def _entry_page(request: HttpRequest, where: Where, *, bound: dict[str, RecordForm] | None = None,
                error: ShanhaiError | None = None, post: bool = False) -> HttpResponse:
    """The report screen: the grid (posted to when `post`) and the record lists; `bound` and `error` come
    back from a record form that was refused."""
    def extra() -> dict[str, Any]:  # built only when the page is shown, not before a redirect
        return {"records": _records(request, where, bound), "record_help": RECORD_HELP,
                "periods": _periods(where), "sides": _sides(where), "national": is_national(request.user)}

    return _grid_page(request, where, "workflow/entry.html", extra, post=post, error=error)


def _sides(where: Where) -> list[dict[str, Any]]:
    """The national office's switch between the two sides' reports."""
    return [{"key": key, "label": label, "url": dataclasses.replace(where, side=key).url("entry"),
             "current": where.side == key} for key, label in (("west", _("西部")), ("east", _("东部")))]


def _periods(where: Where) -> list[dict[str, Any]]:
    quarters = Period.objects.filter(programme_id=where.pairing.programme_id, year=where.year).order_by("quarter")
    return [{"label": str(p), "url": dataclasses.replace(where, quarter=p.quarter).url("entry"),
             "current": p.quarter == where.quarter} for p in quarters]


# ---- views ---------------------------------------------------------------------------------------

@entry_view
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, pairing_id: int, year: int) -> HttpResponse:
    where = _where(request, pairing_id, year, Kind.REPORT)
    return _entry_page(request, where, post=request.method == "POST")


@entry_view
@require_POST
def record_save(request: HttpRequest, pairing_id: int, year: int, kind: str, record_id: int | None = None
                ) -> HttpResponse:
    where = _where(request, pairing_id, year, Kind.REPORT)
    spec = KINDS.get(kind)
    if spec is None:
        raise ShanhaiError(_("没有这种记录。"), code="not_found")
    instance = _record(request, where, spec, record_id) if record_id else None
    form = spec.form(request.POST, instance=instance, user=request.user, pairing=where.pairing, prefix=spec.key)
    if form.is_valid():
        obj = form.save(commit=False)
        try:
            guarded_save(request.user, obj, reason=_("数据填报页"))
        except WriteRefused as e:
            return _entry_page(request, where, bound={spec.key: form}, error=e)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("已保存%(what)s“%(obj)s”。") % {"what": spec.model._meta.verbose_name, "obj": obj})
            return redirect(where.url("entry") + f"#records-{spec.key}")
    return _entry_page(request, where, bound={spec.key: form},
                       error=ShanhaiError(_("%(what)s未保存，请按提示修改。") % {"what": spec.model._meta.verbose_name}))


@entry_view
@require_POST
def record_delete(request: HttpRequest, pairing_id: int, year: int, kind: str, record_id: int) -> HttpResponse:
    where = _where(request, pairing_id, year, Kind.REPORT)
    spec = KINDS.get(kind)
    if spec is None:
        raise ShanhaiError(_("没有这种记录。"), code="not_found")
    obj = _record(request, where, spec, record_id)
    label = str(obj)
    try:
        guarded_delete(request.user, obj, reason=_("数据填报页"))
    except ShanhaiError as e:
        return _entry_page(request, where, error=e)
    messages.success(request, _("已删除%(what)s“%(obj)s”。") % {"what": spec.model._meta.verbose_name, "obj": label})
    return redirect(where.url("entry") + f"#records-{spec.key}")


@entry_view
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, pairing_id: int, year: int) -> HttpResponse:
    where = _where(request, pairing_id, year, Kind.PLAN)
    return _grid_page(request, where, "workflow/plan.html", dict)


@entry_view
def history(request: HttpRequest, pairing_id: int, year: int) -> HttpResponse:
    pairing = visible_pairing(request.user, pairing_id)
    entries = history_page(request.user, pairing, year)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    page.object_list = entries.describe(page.object_list)
    return render(request, "workflow/history.html", {
        "pairing": pairing, "pairing_label": pairing_label(pairing), "year": year, "page": page,
        "entry_url": reverse("workflow:entry", args=[pairing.pk, year]),
        "plan_url": reverse("workflow:plan", args=[pairing.pk, year]),
    })
