"""The assessment pages under /assessment/: thin views over `selectors` and `services`; every refusal is the
service's Chinese message (403 outside scope, 404 unseen, 409 frozen or stale, 400 otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shanhai.accounts.writes import WriteGuard, is_national
from shanhai.assessment import selectors, services, sheets
from shanhai.assessment.models import GradeBand, Item, ItemKind, Mode, Objection, Scheme, Score, Subject
from shanhai.core.errors import ShanhaiError
from shanhai.network.models import Programme
from shanhai.regions.models import Region

View = Callable[..., HttpResponse]
STATUS = {"not_found": 404, "forbidden": 403, "conflict": 409}


def refusals(view: View) -> View:
    """Login required; a refusal on a GET is an error page, on a POST a message on the page it came from."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ValidationError as error:
            message = "；".join(error.messages)
            return _refused(request, message, 400)
        except ShanhaiError as error:
            return _refused(request, error.message, STATUS.get(error.code or "", 400))

    return login_required(wrapped)


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    if request.method == "POST" and request.POST.get("back", "").startswith("/assessment/"):
        messages.error(request, message)
        return redirect(request.POST["back"])
    return render(request, "web/error.html", {"message": message}, status=status)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    back = request.POST.get("back", "")
    return redirect(back if back.startswith("/assessment/") else default)


# ---- schemes ---------------------------------------------------------------------------------------------

@refusals
def index(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not is_national(request.user):
            raise ShanhaiError("只有全国管理员可以新建考核方案。", code="forbidden")
        programme = Programme.objects.filter(pk=_int(request.POST.get("programme"))).first()
        year = _int(request.POST.get("year"))
        if programme is None or not year or not 2000 <= year <= 2100:
            raise ShanhaiError("请选择协作项目并填写有效的考核年度。")
        scheme = services.scheme_for(programme, year, request.POST.get("subject") or Subject.WEST)
        return redirect(reverse("assessment:scheme", args=[scheme.pk]))
    return render(request, "assessment/index.html", {
        "schemes": selectors.schemes(request.user), "national": is_national(request.user),
        "programmes": Programme.objects.order_by("pk"), "subjects": Subject.choices,
    })


@refusals
def scheme(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.scheme_get(pk)
    guard = WriteGuard(request.user)
    provinces = [] if guard.national else services.province_scopes(request.user)  # their own items only
    items = list(s.items.select_related("indicator", "province"))
    from shanhai.indicators.models import Indicator

    return render(request, "assessment/scheme.html", {
        "scheme": s, "items": items, "bands": s.grade_bands.all(), "caps": s.cap_rules.all(),
        "editable": not s.frozen and guard.role_error(Scheme, "change") is None,
        "province_edit": not s.frozen and guard.role_error(Item, "add") is None and not guard.national
        and bool(provinces) and s.programme_id is not None,
        "provinces": provinces,
        "national": guard.national, "kinds": ItemKind.choices, "modes": Mode.choices,
        "indicators": Indicator.objects.order_by("position"), "problems": services.scheme_problems(s),
        "history": _scheme_versions(s),
        "programmes": Programme.objects.order_by("pk"),
    })


def _scheme_versions(s: Scheme, n: int = 20) -> list[Any]:
    """The scheme's versions, newest first: its own, its items' (a province's additions among them) and its
    grade bands' history rows; what the scheme was when it was frozen is the state before `frozen_at`."""
    rows = [*s.history.select_related("history_user")[:n],
            *Item.history.filter(scheme_id=s.pk).select_related("history_user").order_by("-history_date")[:n],
            *GradeBand.history.filter(scheme_id=s.pk).select_related("history_user").order_by("-history_date")[:n]]
    return sorted(rows, key=lambda h: h.history_date, reverse=True)[:n]


ITEM_FIELDS = ("label", "weight", "mode", "bands", "min_rate", "cap", "min_points", "rule")


@refusals
@require_POST
def item_save(request: HttpRequest, pk: int, item_pk: int | None = None) -> HttpResponse:
    s = selectors.scheme_get(pk)
    item = Item(scheme=s) if item_pk is None else s.items.filter(pk=item_pk).first()
    if item is None:
        raise ShanhaiError("没有找到该考核项目。", code="not_found")
    if request.POST.get("delete"):
        services.scheme_item_delete(request.user, item)
        messages.success(request, f"已删除“{item.label}”。")
        return _back(request, reverse("assessment:scheme", args=[pk]))
    if item_pk is None:
        item.kind = request.POST.get("kind", "")
        item.code = request.POST.get("code", "").strip()
        item.position = (max((i.position for i in s.items.all()), default=0) + 1)
        from shanhai.indicators.models import Indicator

        code = request.POST.get("indicator", "").strip()
        item.indicator = Indicator.objects.filter(code=code).first() if code else None
        item.province = Region.objects.filter(code=request.POST.get("province", "")).first()
    for f in ITEM_FIELDS:
        if f in request.POST:
            value = request.POST[f].strip()
            setattr(item, f, value if f in ("label", "mode", "bands", "rule") else (value or None))
    item.required = request.POST.get("required") == "1"
    if item.weight is None:
        raise ShanhaiError("请填写「分值」。", field="weight")
    services.scheme_item_save(request.user, item, reason=request.POST.get("reason", ""))
    messages.success(request, f"已保存“{item.label}”。")
    return _back(request, reverse("assessment:scheme", args=[pk]))


@refusals
@require_POST
def bands_save(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.scheme_get(pk)
    for band in s.grade_bands.all():
        value = request.POST.get(f"band-{band.pk}", "").strip()
        if value and value != str(band.min_points):
            band.min_points = value  # type: ignore[assignment]
            services.grade_band_save(request.user, band)
    messages.success(request, "已保存等次分档。")
    return _back(request, reverse("assessment:scheme", args=[pk]))


@refusals
@require_POST
def scheme_action(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.scheme_get(pk)
    action = request.POST.get("action")
    if action == "open":
        n = services.scheme_open(request.user, s)
        messages.success(request, f"考核已开启，方案已冻结；已计算{n}个单位的考核初稿。")
        return redirect(reverse("assessment:results", args=[pk]))
    if action == "recompute":
        n = len(services.assessments_compute(request.user, s))
        messages.success(request, f"已按最新审定数据重新计算{n}个单位的考核初稿（评审意见保留）。")
        return redirect(reverse("assessment:results", args=[pk]))
    if action == "publish":
        n = services.scheme_publish(request.user, s)
        messages.success(request, f"已发布{n}个单位的考核结果。")
        return redirect(reverse("assessment:results", args=[pk]))
    if action == "copy":
        programme = Programme.objects.filter(pk=_int(request.POST.get("programme"))).first() or s.programme
        year = _int(request.POST.get("year")) or ((s.year or 0) + 1)
        if programme is None:
            raise ShanhaiError("请选择协作项目。", field="programme")
        new = services.scheme_copy(request.user, s, programme=programme, year=year)
        messages.success(request, f"已复制为{new}。")
        return redirect(reverse("assessment:scheme", args=[new.pk]))
    raise ShanhaiError("未知的操作。")


# ---- results and one unit -----------------------------------------------------------------------------------

@refusals
def results(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.scheme_get(pk)
    data = selectors.results(request.user, s)
    return render(request, "assessment/results.html", {
        "scheme": s, "r": data, "national": is_national(request.user),
        "max_count": max(data.distribution.values() or [1]) or 1,
    })


@refusals
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    rows = selectors.scores(a)
    may_review = services.review_refusal(request.user, a) is None
    is_unit = services.unit_refusal(request.user, a) is None
    history = a.history.select_related("history_user")[:20]
    score_history = Score.history.filter(assessment_id=a.pk).select_related("history_user").order_by(
        "-history_date")[:30]
    return render(request, "assessment/detail.html", {
        "a": a, "rows": rows, "unit": services.unit_label(a.scheme.subject, a.pairing),
        "may_review": may_review and a.state == "draft", "is_unit": is_unit and a.state == "draft",
        "problems": services.finalise_problems(a) if a.state == "draft" else [],
        "history": history, "score_history": score_history, "here": request.path,
        "may_reopen": may_review and a.state == "final",
    })


@refusals
@require_POST
def score_action(request: HttpRequest, pk: int) -> HttpResponse:
    score = Score.objects.select_related("item", "assessment__scheme", "assessment__pairing__east_region",
                                         "assessment__pairing__west_region").filter(pk=pk).first()
    if score is None or score.assessment_id != selectors.assessment_get(request.user, score.assessment_id).pk:
        raise ShanhaiError("没有找到该考核项目。", code="not_found")
    action = request.POST.get("action")
    if action == "adjust":
        services.score_adjust(request.user, score, request.POST.get("points", ""), request.POST.get("reason", ""))
        messages.success(request, f"已保存“{score.item.label}”的评审得分。")
    elif action == "reset":
        services.score_reset(request.user, score, request.POST.get("reason", ""))
        messages.success(request, f"“{score.item.label}”已恢复为计算得分。")
    elif action == "object":
        services.objection_raise(request.user, score, request.POST.get("text", ""),
                                 evidence=request.POST.get("evidence", ""), asked_points=request.POST.get("points"))
        messages.success(request, f"已对“{score.item.label}”提出异议，等待上级裁定。")
    else:
        raise ShanhaiError("未知的操作。")
    return redirect(reverse("assessment:detail", args=[score.assessment_id]) + f"#item-{score.pk}")


@refusals
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    obj = Objection.objects.select_related("score__item", "score__assessment__scheme").filter(pk=pk).first()
    if obj is None:
        raise ShanhaiError("没有找到该异议。", code="not_found")
    selectors.assessment_get(request.user, obj.score.assessment_id)
    upheld = request.POST.get("decision_state") == "upheld"
    services.objection_decide(request.user, obj, upheld=upheld, decision=request.POST.get("decision", ""),
                              points=request.POST.get("points"))
    messages.success(request, f"已裁定“{obj.score.item.label}”的异议：{'成立' if upheld else '不成立'}。")
    return redirect(reverse("assessment:detail", args=[obj.score.assessment_id]) + f"#item-{obj.score_id}")


@refusals
@require_POST
def assessment_action(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    action = request.POST.get("action")
    if action == "self":
        points = {int(k[5:]): v for k, v in request.POST.items() if k.startswith("self-") and k[5:].isdigit()}
        services.assessment_self_evaluate(request.user, a, request.POST.get("self_evaluation", ""), points)
        messages.success(request, "已保存自评。")
    elif action == "finalise":
        services.assessment_finalise(request.user, a, version=_int(request.POST.get("version")))
        messages.success(request, "考核已定稿。")
    elif action == "reopen":
        services.assessment_reopen(request.user, a, request.POST.get("reason", ""))
        messages.success(request, "考核已退回修改。")
    elif action == "recompute":
        services._review(request.user, a)
        services.assessments_compute(request.user, a.scheme, [a.pairing])
        messages.success(request, "已按最新审定数据重新计算。")
    else:
        raise ShanhaiError("未知的操作。")
    return redirect(reverse("assessment:detail", args=[pk]))


@refusals
def sheet(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    return sheets.response(a, selectors.scores(a), kind)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
