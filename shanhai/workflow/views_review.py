"""My work, review and reconciliation pages: thin views over `selectors.my_work`, `queues`, `services.move`
/ `move_many` and `reconcile.answer`. Every refusal is the service's Chinese message."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from shanhai.accounts.scoping import visible
from shanhai.core.errors import ShanhaiError
from shanhai.core.reads import page_reads
from shanhai.network.models import Pairing
from shanhai.web.formatting import english, unit_label
from shanhai.workflow import queues, reconcile, services
from shanhai.workflow.grid import SIDES
from shanhai.workflow.models import Action, Kind, Period, State, Submission
from shanhai.workflow.selectors import my_work

View = Callable[..., HttpResponse]


STATUS = {"not_found": 404, "forbidden": 403, "locked": 409, "conflict": 409}


def refusals(view: View) -> View:
    """Every /work/ page: login required; the scope lookups read once (`page_reads`); a ShanhaiError outside
    a form (an unknown or invisible pairing, a period not set up, a step not the user's) answered with the
    site's Chinese error page (403 outside scope, 404, 409 locked or stale, else 400)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            with page_reads():
                return view(request, *args, **kwargs)
        except ShanhaiError as error:
            return render(request, "web/error.html", {"message": error.message},
                          status=STATUS.get(error.code or "", 400))

    return login_required(wrapped)


DUE_SHOWN = 100  # a province office reports for hundreds of pairings: the earliest due first


def entry_url(pairing_id: int, period: Any, kind: str, side: str = "") -> str:
    """The data-entry (report) screen of a pairing's period, or the plan screen of its year."""
    if kind == Kind.PLAN:
        return reverse("workflow:plan", kwargs={"pairing_id": pairing_id, "year": period.year})
    url = reverse("workflow:entry", kwargs={"pairing_id": pairing_id, "year": period.year})
    query = {k: v for k, v in (("quarter", period.quarter), ("side", side)) if v}
    return url + ("?" + urlencode(query) if query else "")


def _kind_label(kind: str, side: str) -> str:
    return str(Kind(kind).label) + (f"（{SIDES[side]}）" if side in SIDES else "")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = default
    return redirect(target or default)


@refusals
def work(request: HttpRequest) -> HttpResponse:
    work = my_work(request.user)
    shown_due = work.due[:DUE_SHOWN]
    for item in (*shown_due, *work.review, *work.returned, *work.disputes):
        item.url = entry_url(item.pairing.pk, item.period, item.kind, item.side)  # type: ignore[attr-defined]
        item.label = _kind_label(item.kind, item.side)  # type: ignore[attr-defined]
    # a province sees ~100 rows to review: each row's buttons and form action made here, not per row in
    # the template (an include per row was half the page's time)
    labels = dict(Action.choices)
    for item in work.review:
        item.move_url = reverse("workflow:move", args=[item.submission.pk])  # type: ignore[attr-defined]
        item.buttons = [(a, labels[a], a in ("return", "unlock")) for a in item.actions]  # type: ignore[attr-defined]
    return render(request, "workflow/work.html", {"work": work, "due": shown_due, "here": request.get_full_path(),
                                                  "reviewer": queues.reviewer(request.user)})


@refusals
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """One step on one submission (my work's buttons): version from the page, comment for return/unlock."""
    sub = visible(request.user, Submission.objects.filter(pk=pk)).first()
    if sub is None:
        raise ShanhaiError("该填报不存在或不在您的数据范围内。", code="not_found")
    action = request.POST.get("action", "")
    if action not in Action.values:
        raise ShanhaiError("未知的操作。")
    try:
        moved = services.move(request.user, sub, action, comment=request.POST.get("comment", ""),
                              version=_int(request.POST.get("version")))
    except ShanhaiError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"{moved}：{Action(action).label}，当前状态“{moved.get_state_display()}”。")
    return _back(request, reverse("workflow:work"))


@refusals
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """The coordinators' list: filter, select many, one step for all (`services.move_many`)."""
    if not queues.reviewer(request.user):
        raise ShanhaiError("您没有审核权限：审核由市（州）、省级协作部门和全国管理员办理。", code="forbidden")
    result = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in [str(a) for a in queues.BULK_ACTIONS]:
            raise ShanhaiError("请选择批量操作（审核通过、审定、确认或退回）。")
        ids = [i for i in (_int(x) for x in request.POST.getlist("ids")) if i is not None]
        if not ids:
            raise ShanhaiError("请先勾选要处理的填报。")
        comment = request.POST.get("comment", "")
        subs = queues.queue_submissions(request.user, ids)
        moved, refused = services.move_many(request.user, subs, action, comment=comment)
        refused += ["所选填报不存在或不在您的数据范围内。"] * (len(set(ids)) - len(subs))
        result = {"action": Action(action).label, "moved": moved, "refused": refused}
    g = request.POST if request.method == "POST" else request.GET
    states = [s for s in g.getlist("state") if s in ("submitted", "reviewed", "approved", "accepted")]
    filters = {"states": states, "programme": _int(g.get("programme")), "year": _int(g.get("year")),
               "prefecture": (g.get("prefecture") or "").strip()[:6] or None}
    queue = queues.review_queue(request.user, **filters)
    labels = {str(v): str(label) for v, label in Action.choices}
    for item in queue.items:
        s = item.submission
        item.url = entry_url(s.pairing_id, s.period, s.kind, s.side)  # type: ignore[attr-defined]
        item.label = _kind_label(s.kind, s.side)  # type: ignore[attr-defined]
        item.action_labels = [(a, labels[a]) for a in item.actions]  # type: ignore[attr-defined]
    return render(request, "workflow/review.html", {
        "queue": queue, "filters": filters, "result": result, "action_labels": Action.choices,
        "state_choices": [(s.value, s.label) for s in (State.SUBMITTED, State.REVIEWED, State.APPROVED,
                                                        State.ACCEPTED)],
    })


@refusals
@require_http_methods(["GET", "POST"])
def reconcile_page(request: HttpRequest) -> HttpResponse:
    """East-sent vs west-received for a province pair (?east=&west=&year=) or one pairing (?pairing=)."""
    g = request.GET
    params = {"east": (g.get("east") or "").strip()[:6], "west": (g.get("west") or "").strip()[:6],
              "year": _int(g.get("year")), "pairing": _int(g.get("pairing"))}
    if request.method == "POST":
        return _answer(request)
    data = queues.reconciliation(request.user, **params)
    for row in data.rows:
        d = row.diff
        row.url = entry_url(d.pairing.pk, d.period, Kind.REPORT, row.side or "west")  # type: ignore[attr-defined]
        row.name = (d.indicator.en or d.indicator.zh) if english() else d.indicator.zh  # type: ignore[attr-defined]
        row.unit = unit_label(d.indicator.unit)  # type: ignore[attr-defined]
    return render(request, "workflow/reconcile.html", {"data": data, "params": params})


def _answer(request: HttpRequest) -> HttpResponse:
    p = request.POST
    pairing = visible(request.user, Pairing.objects.select_related("east_region", "west_region")).filter(
        pk=_int(p.get("pairing"))).first()
    period = Period.objects.filter(pk=_int(p.get("period"))).first()
    if pairing is None or period is None or period.programme_id != pairing.programme_id:
        raise ShanhaiError("该结对关系或填报期间不存在，或不在您的数据范围内。", code="not_found")
    try:
        reconcile.answer(request.user, pairing, period, p.get("indicator", ""), p.get("state", ""),
                         side=services.user_side(request.user, pairing), comment=p.get("comment", ""))
    except ShanhaiError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已提出异议。" if p.get("state") == "disputed" else "已确认。")
    return redirect(request.get_full_path())
