"""The site header's menu and the write actions a region or pairing page offers.

Only what the user may use is offered: the import page needs the right to add or change some import
type, the report reader the right to add reported values, the admin a staff account; a page's
"导入本结对数据" / "上传报告" also need the pairing (or region) in the user's writing scope. Every check
is `shanhai.accounts.writes.WriteGuard`'s, the same the writes themselves pass; one guard per request.
"""

from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


def _guard(request: HttpRequest) -> Any:
    from shanhai.accounts.writes import WriteGuard

    guard = getattr(request, "_shanhai_nav_guard", None)
    if guard is None:
        guard = WriteGuard(request.user)
        request._shanhai_nav_guard = guard  # type: ignore[attr-defined]
    return guard


def _rights(request: HttpRequest) -> dict[str, bool]:
    rights = getattr(request, "_shanhai_nav_rights", None)
    if rights is None:
        from shanhai.indicators.models import ReportedValue
        from shanhai.transfer.specs import TYPES

        guard = _guard(request)
        rights = {
            "import": any(guard.role_error(s.model, "add") is None or guard.role_error(s.model, "change") is None
                          for s in TYPES.values()),
            "report": guard.role_error(ReportedValue, "add") is None,
        }
        request._shanhai_nav_rights = rights  # type: ignore[attr-defined]
    return rights


@register.simple_tag(takes_context=True)
def nav_items(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The header menu: (url, label, current) for each page this user may use."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return []
    rights = _rights(request)
    here = request.path
    items = [
        ("work", reverse("workflow:work"), _("我的待办"), here == reverse("workflow:work")
         or here.startswith(reverse("workflow:work") + "pairings/")),
        ("overview", reverse("web:overview"), _("总览"), here == reverse("web:overview") or here.startswith("/regions/")
         or here.startswith("/pairings/")),
        ("map", reverse("web:map"), _("结对地图"), here.startswith(reverse("web:map"))),
    ]
    items += _workflow_items(request, user, here)  # 审核 / 对账 / 账号管理 for those allowed (issue 9)
    items.append(("assessment", reverse("assessment:index"), _("年度考核"), here.startswith("/assessment/")))
    items.append(("matching", reverse("matching:index"), _("需求对接"), here.startswith("/match/")))
    if rights["import"]:
        items.append(("data", reverse("transfer:index"), _("数据导入"), here.startswith(reverse("transfer:index"))))
    if rights["report"]:
        items.append(("evidence", reverse("evidence:list"), _("报告解读"), here.startswith(reverse("evidence:list"))))
    items.append(("api", "/api/docs", _("接口文档"), here.startswith("/api/")))
    if user.is_staff:
        items.append(("admin", reverse("admin:index"), _("数据管理"), here.startswith(reverse("admin:index"))))
    return [{"key": k, "url": u, "label": label, "current": c} for k, u, label, c in items]


def _workflow_items(request: HttpRequest, user: Any, here: str) -> list[tuple[str, str, str, bool]]:
    """The yearly cycle's pages: review for reviewers, reconciliation for those who answer for a side,
    accounts for coordinators (each page checks the same again)."""
    from shanhai.accounts.services import can_manage
    from shanhai.workflow.models import Confirmation
    from shanhai.workflow.queues import reviewer

    out = []
    if reviewer(user):
        out.append(("review", reverse("workflow:review"), _("审核"), here.startswith(reverse("workflow:review"))))
    if _guard(request).role_error(Confirmation, "add") is None:
        out.append(("reconcile", reverse("workflow:reconcile"), _("对账"),
                    here.startswith(reverse("workflow:reconcile"))))
    if can_manage(user):
        out.append(("accounts", reverse("workflow:accounts"), _("账号管理"),
                    here.startswith(reverse("workflow:accounts"))))
    return out


@register.simple_tag(takes_context=True)
def write_actions(context: dict[str, Any], pairing_id: int | None = None, region: Any = None) -> dict[str, Any]:
    """The write links of a pairing page (its id) or a region page (its Region): import and report reading,
    each only for a user whose role allows it and whose writing scope holds the pairing or region."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {}
    rights = _rights(request)
    guard = _guard(request)
    if pairing_id is not None:
        open_ = guard.pairing_open(pairing_id)
    elif region is not None:
        open_ = guard.region_open(region)
    else:
        open_ = False
    if not open_:
        return {}
    actions: dict[str, Any] = {}
    if rights["import"]:
        actions["import"] = reverse("transfer:index")
    if rights["report"]:
        new = reverse("evidence:new")
        actions["report"] = f"{new}?pairing={pairing_id}" if pairing_id is not None else new
    return actions
