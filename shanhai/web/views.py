"""The dashboard pages. Each view parses its parameters, makes one call to `pages`, and renders
the page, answers JSON, or exports one of the page's tables (?export=<table>&fmt=xlsx|csv)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from shanhai.core.errors import ShanhaiError
from shanhai.indicators.selectors import page_reads
from shanhai.web import pages
from shanhai.web.params import PageParams, parse_params
from shanhai.web.tables import table_export

View = Callable[..., HttpResponse]


def page_view(view: View) -> View:
    """Login required, GET only, and a ShanhaiError answered in Chinese (404 if not found, 403 if
    outside the user's scope, else 400)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            with page_reads():  # one page build: each scope lookup is read once
                return view(request, *args, **kwargs)
        except ShanhaiError as error:
            status = {"not_found": 404, "forbidden": 403}.get(error.code or "", 400)
            if request.path.endswith("/data/"):
                return JsonResponse({"error": error.message, "field": error.field}, status=status,
                                    json_dumps_params={"ensure_ascii": False})
            return render(request, "web/error.html", {"message": error.message}, status=status)

    return login_required(require_GET(wrapped))


def _answer(request: HttpRequest, params: PageParams, page: pages.Page, template: str) -> HttpResponse:
    if params.export:
        return table_export(page.table(params.export), params.fmt)
    return render(request, template, {"page": page, "params": params})


@page_view
def overview(request: HttpRequest) -> HttpResponse:
    params = parse_params(request.GET)
    return _answer(request, params, pages.overview_page(request.user, params), "web/overview.html")


@page_view
def map_view(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if code is None and not request.GET.get("national"):
        home = pages.home_province(request.user)
        if home is not None:  # a county or province officer: their province's map (?national=1: the country)
            query = request.GET.urlencode()
            return redirect(reverse("web:map_province", args=[home]) + (f"?{query}" if query else ""))
    params = parse_params(request.GET)
    return _answer(request, params, pages.map_page(request.user, params, code), "web/map.html")


@page_view
def map_data(request: HttpRequest) -> HttpResponse:
    params = parse_params(request.GET)
    payload, page = pages.map_payload(request.user, params, request.GET.get("province") or None)
    if params.export:
        return table_export(page.table(params.export), params.fmt)
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


@page_view
def region(request: HttpRequest, code: str) -> HttpResponse:
    current = pages.current_code(code)
    if current is not None:  # an old bookmark or a sheet's former code: the region as it is now
        query = request.GET.urlencode()
        return redirect(reverse("web:region", args=[current]) + (f"?{query}" if query else ""))
    params = parse_params(request.GET)
    return _answer(request, params, pages.region_page(request.user, code, params), "web/region.html")


@page_view
def pairing(request: HttpRequest, pairing_id: int) -> HttpResponse:
    params = parse_params(request.GET)
    return _answer(request, params, pages.pairing_page(request.user, pairing_id, params), "web/pairing.html")
