"""The dashboard pages. Each view parses its parameters, makes one call to `pages`, and renders
the page, answers JSON, or exports one of the page's tables (?export=<table>&fmt=xlsx|csv).

Pages and map data come from `web.cache` when neither the data nor the user's scope has changed: a
page template is rendered without the layout (`web/_part.html`), cached in three parts, and put into
the per-user layout (`web/_cached.html`) with the write buttons of this user (`web/_actions.html`).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from shanhai.core.errors import ShanhaiError
from shanhai.indicators.selectors import page_reads
from shanhai.web import cache, pages
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


PART = "<!--shanhai:part-->"


def _parts(request: HttpRequest, template: str, page: pages.Page) -> tuple[str, str, str]:
    title, body, scripts = render_to_string(template, {"page": page, "params": page.params}, request).split(PART)
    return title.strip(), body, scripts


def _answer(request: HttpRequest, params: PageParams, build: Callable[[], pages.Page], template: str,
            actions: dict[str, Any] | None = None) -> HttpResponse:
    """Export a table of the page (built afresh), or render the page from its cached parts."""
    if params.export:
        return table_export(build().table(params.export), params.fmt)
    title, body, scripts = cache.cached(request, template, lambda: _parts(request, template, build()))
    if actions is not None:  # this user's write buttons, never cached
        body = body.replace(cache.ACTIONS, render_to_string("web/_actions.html", actions, request), 1)
    part = {"title": mark_safe(title), "body": mark_safe(body), "scripts": mark_safe(scripts)}  # noqa: S308 - our render
    return render(request, "web/_cached.html", {"part": part})


@page_view
def overview(request: HttpRequest) -> HttpResponse:
    params = parse_params(request.GET)
    return _answer(request, params, lambda: pages.overview_page(request.user, params), "web/overview.html")


@page_view
def map_view(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if code is None and not request.GET.get("national"):
        home = pages.home_province(request.user)
        if home is not None:  # a county or province officer: their province's map (?national=1: the country)
            query = request.GET.urlencode()
            return redirect(reverse("web:map_province", args=[home]) + (f"?{query}" if query else ""))
    params = parse_params(request.GET)
    return _answer(request, params, lambda: pages.map_page(request.user, params, code), "web/map.html")


@page_view
def map_data(request: HttpRequest) -> HttpResponse:
    params = parse_params(request.GET)
    province = request.GET.get("province") or None
    if params.export:
        return table_export(pages.map_payload(request.user, params, province)[1].table(params.export), params.fmt)
    body = cache.cached(request, "map_data", lambda: JsonResponse(
        pages.map_payload(request.user, params, province)[0], json_dumps_params={"ensure_ascii": False}).content)
    return HttpResponse(body, content_type="application/json")


@page_view
def region(request: HttpRequest, code: str) -> HttpResponse:
    current = pages.current_code(code)
    if current is not None:  # an old bookmark or a sheet's former code: the region as it is now
        query = request.GET.urlencode()
        return redirect(reverse("web:region", args=[current]) + (f"?{query}" if query else ""))
    params = parse_params(request.GET)
    return _answer(request, params, lambda: pages.region_page(request.user, code, params), "web/region.html",
                   actions={"region": pages.region_ref(code)})


@page_view
def pairing(request: HttpRequest, pairing_id: int) -> HttpResponse:
    params = parse_params(request.GET)
    return _answer(request, params, lambda: pages.pairing_page(request.user, pairing_id, params), "web/pairing.html",
                   actions={"pairing_id": pairing_id})
