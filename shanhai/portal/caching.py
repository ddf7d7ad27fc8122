"""What makes the portal survive being popular: every public response is keyed by the data version
(`selectors.version`, held in the cache a few seconds and dropped by `signals` on any step of the
cycle), answered 304 to a matching If-None-Match / If-Modified-Since (Django's `condition`), served
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

from shanhai.portal import selectors
from shanhai.portal.signals import VERSION_KEY

VERSION_SECONDS = 30  # an unnoticed change (a direct SQL edit) shows within this long
MAX_AGE = 300


def current_version() -> str:
    return cache.get_or_set(VERSION_KEY, selectors.version, VERSION_SECONDS)  # type: ignore[no-any-return]


def _etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    return hashlib.sha256(f"{current_version()}|{request.path}".encode()).hexdigest()[:24]


def _last_modified(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
    return cache.get_or_set(f"{VERSION_KEY}:lm", selectors.last_modified, VERSION_SECONDS)


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
