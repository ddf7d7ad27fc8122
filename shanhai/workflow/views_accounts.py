"""Account management for coordinators (/work/accounts/): list, create, disable within their own scope.
Thin views over `shanhai.accounts.services` (the rules: roles not above one's own, scopes inside one's own)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from shanhai.accounts import services
from shanhai.core.errors import ShanhaiError
from shanhai.workflow.views_review import refusals

FIELDS = ("username", "name", "email", "role", "region", "pairing")


def _page(request: HttpRequest, *, form: dict[str, str] | None = None, error: ShanhaiError | None = None,
          created: tuple[object, str] | None = None, status: int = 200) -> HttpResponse:
    manager = request.user
    scope = services.ManagerScope.of(manager)
    regions = scope.regions().order_by("path")
    if scope.everything:
        regions = regions.filter(level__in=("province", "prefecture"))  # counties: type the code
    return render(request, "workflow/accounts.html", {
        "accounts": services.accounts_list(manager, search=request.GET.get("q", "").strip()),
        "roles": services.grantable_roles(manager),
        "regions": list(regions[:400]),
        "pairings": list(scope.pairings().select_related("east_region", "west_region", "east_org", "west_org")
                         .filter(kind__in=("province", "prefecture", "county")).order_by("path")[:300]),
        "form": form or {}, "error": error, "created": created, "q": request.GET.get("q", ""),
    }, status=status)


def _manager(request: HttpRequest) -> None:
    if not services.can_manage(request.user):
        raise ShanhaiError("您没有管理账号的权限：账号由省级、市（州）协调员和全国管理员管理。", code="forbidden")


@refusals
@require_http_methods(["GET", "POST"])
def accounts(request: HttpRequest) -> HttpResponse:
    _manager(request)
    if request.method == "GET":
        return _page(request)
    form = {f: request.POST.get(f, "").strip() for f in FIELDS}
    region = request.POST.get("region_code", "").strip() or form["region"]  # a typed code wins over the list
    try:
        user, password = services.account_create(
            request.user, username=form["username"], name=form["name"], email=form["email"], role=form["role"],
            region=region or None, pairing=form["pairing"] or None, password=request.POST.get("password", ""))
    except ShanhaiError as e:
        return _page(request, form=form, error=e, status=403 if e.code == "forbidden" else 400)
    shown = "" if request.POST.get("password") else password  # a generated password is shown once
    return _page(request, created=(user, shown))


@refusals
@require_POST
def account_active(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    active = request.POST.get("active") == "1"
    user = services.account_set_active(request.user, pk, active)
    messages.success(request, f"账号“{user.username}”已{'启用' if active else '停用'}。")
    return redirect(reverse("workflow:accounts"))
