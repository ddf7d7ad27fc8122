"""The user's own security pages and the coordinators' unlock page (/account/). Thin views over
`accounts.otp` and `accounts.lockouts`; every form posts with a CSRF token."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from shanhai.accounts import lockouts, otp, services
from shanhai.core.errors import ShanhaiError


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """Own page: the second factor (enrol, confirm, turn off)."""
    user = request.user
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "start":
                otp.otp_enrol_start(user)
            elif action == "confirm":
                otp.otp_enrol_confirm(request, request.POST.get("token", ""))
                messages.success(request, "第二重验证已启用：今后每次登录都需要输入手机验证器上的6位数字。")
                return redirect(_next(request, reverse("account:security")))
            elif action == "disable":
                otp.otp_disable(request, request.POST.get("token", ""))
                messages.success(request, "第二重验证已停用。")
                return redirect("account:security")
        except ShanhaiError as e:
            error = e.message
    pending = None if otp.otp_enrolled(user) else otp.otp_pending(user)
    return render(request, "accounts/security.html", {
        "offered": otp.otp_offered(user), "enrolled": otp.otp_enrolled(user), "pending": pending,
        "qr": otp.qr_svg(pending) if pending else "", "secret": pending.key if pending else "",
        "required": otp.otp_required(user), "error": error, "next": _next(request, ""),
    }, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Where a required-but-not-enrolled account is sent: the same page."""
    return security(request)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The login's second step."""
    error = ""
    if request.method == "POST":
        try:
            otp.otp_verify(request, request.POST.get("token", ""))
        except ShanhaiError as e:
            error = e.message
        else:
            return redirect(_next(request, "/work/"))
    return render(request, "accounts/otp_verify.html", {"error": error, "next": _next(request, "")},
                  status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def lockout_list(request: HttpRequest) -> HttpResponse:
    """Coordinators: locked-out accounts of their own scope, each unlockable with a reason."""
    if not services.can_manage(request.user):
        raise PermissionDenied("只有省级、市（州）协调员和全国管理员可以解除登录锁定。")
    error, status = "", 200
    if request.method == "POST":
        try:
            username = lockouts.lockout_clear(request.user, user_id=int(request.POST.get("user", "0") or 0),
                                              reason=request.POST.get("reason", ""))
        except (ShanhaiError, ValueError) as e:
            error = getattr(e, "message", "请选择要解除锁定的账号。")
            status = 403 if getattr(e, "code", "") == "forbidden" else 400
        else:
            messages.success(request, f"账号“{username}”已解除锁定，可以重新登录。")
            return redirect("account:lockouts")
    return render(request, "accounts/lockouts.html", {"lockouts": lockouts.lockouts_list(request.user),
                                                      "error": error}, status=status)
