"""What makes the portal survive being popular: every public response is keyed by the data version
(`core.dataversion`, which every write of programme data, a step of the cycle or a publication advances),
answered 304 to a matching If-None-Match / If-Modified-Since (Django's `condition`), served
from the cache when rendered before, and marked `Cache-Control: public` for proxies and CDNs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from shanhai.core import dataversion
from shanhai.portal import selectors

MAX_AGE = 300


def _etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    return hashlib.sha256(f"{dataversion.current()}|{request.path}".encode()).hexdigest()[:24]


def _last_modified(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
    return cache.get_or_set(f"portal:lm:{dataversion.current()}", selectors.last_modified, 3600)


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous, language from the URL, conditional, cached by path and data version."""

    @wraps(view)
    def inner(request: HttpRequest, *args: Any, lang: str = "zh-hans", **kwargs: Any) -> HttpResponse:
        key = f"portal:page:{_etag(request)}"
        hit = cache.get(key)
        if hit is not None:
            body, content_type, status = hit
            response = HttpResponse(body, content_type=content_type, status=status)
        else:
            with translation.override(lang):
                response = view(request, *args, lang=lang, **kwargs)
            if response.status_code in (200, 404):
                cache.set(key, (response.content, response["Content-Type"], response.status_code), 3600)
        response["Content-Language"] = "en" if lang == "en" else "zh-Hans"
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    return condition(etag_func=_etag, last_modified_func=_last_modified)(inner)
