"""Session expiry and the second-factor gate, for every page.

- `SessionExpiryMiddleware`: a login ends after `SHANHAI_SESSION_IDLE_MINUTES` without a request (idle)
  and `SHANHAI_SESSION_HOURS` after it began (absolute), whatever the session backend. The last-seen time
  is stored at most once a minute, so a busy user's pages do not each write the session.
- `OtpMiddleware` (after django-otp's `OTPMiddleware`): an account that must give a second factor
  (`accounts.otp.otp_required`) and has not yet in this session sees only the code page (or, with no
  device yet and `SHANHAI_OTP_REQUIRED`, the enrolment page), logout, language switch and static files.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

LOGIN_AT = "shanhai_login_at"
SEEN_AT = "shanhai_seen_at"
STORE_EVERY = 60.0


def session_started(request: HttpRequest) -> None:
    """Called on login (accounts.signals): the absolute limit counts from here."""
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def _login_url(request: HttpRequest) -> str:
    return f"{reverse(settings.LOGIN_URL)}?next={quote(request.get_full_path())}"


class SessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            idle = float(getattr(settings, "SHANHAI_SESSION_IDLE_MINUTES", 60)) * 60
            absolute = float(settings.SESSION_COOKIE_AGE)
            login_at = request.session.get(LOGIN_AT)
            seen_at = request.session.get(SEEN_AT)
            if login_at is None:  # a session from before this rule: it starts counting now
                session_started(request)
            elif (idle and seen_at is not None and now - float(seen_at) > idle) or now - float(login_at) > absolute:
                why = "长时间未操作" if now - float(login_at) <= absolute else "登录时间已满"
                logout(request)
                if request.path.startswith("/api/") or request.headers.get("Accept", "").startswith("application/json"):
                    return JsonResponse({"detail": f"{why}，登录已过期，请重新登录。"}, status=401,
                                        json_dumps_params={"ensure_ascii": False})
                messages.info(request, f"{why}，登录已过期，请重新登录。")
                return redirect(_login_url(request))
            elif seen_at is None or now - float(seen_at) > STORE_EVERY:
                request.session[SEEN_AT] = now
        return self.get_response(request)


OTP_OPEN_PREFIXES = ("/account/otp/", "/static/", "/i18n/", "/healthz", "/logout", "/admin/logout/", "/favicon")


class OtpMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not user.is_verified()
                and not request.path.startswith(OTP_OPEN_PREFIXES)):
            from shanhai.accounts.otp import otp_enrolled, otp_required

            enrolled = otp_enrolled(user)  # asked once per request
            if otp_required(user, enrolled):
                target = reverse("account:otp_verify" if enrolled else "account:otp_enrol")
                if request.path != target:
                    if request.path.startswith("/api/"):
                        return JsonResponse({"detail": "请先完成第二重验证。"}, status=403,
                                            json_dumps_params={"ensure_ascii": False})
                    return redirect(f"{target}?next={quote(request.get_full_path())}")
        return self.get_response(request)
