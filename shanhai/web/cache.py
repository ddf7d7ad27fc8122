"""Dashboards from a cache keyed by the user's scope and the data's version.

A page is built and rendered once per (data version, scope, language, staff or not, day, path and
query) and then served from the `default` cache — Redis in production (shared by every gunicorn
worker), local memory in the embedded default — until a write changes the data version
(`core.dataversion`). The key names the user's *scope*, never only their role: two county officers of
the same county share a page, a province officer never gets a county's, and a scope change changes the
key at once. What differs per user on a dashboard (the header, CSRF tokens, the write buttons of a
region or pairing page) is not cached: the page body carries a marker where the buttons go, filled in
per request (`views.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from shanhai.accounts.models import Scope
from shanhai.core import dataversion
from shanhai.core.reads import once

T = TypeVar("T")
PAGE_SECONDS = 600  # bounded even if a version bump were lost (see core.dataversion)
ACTIONS = "<!--shanhai:actions-->"  # where a region or pairing page's write buttons go


def enabled() -> bool:
    """`SHANHAI_PAGE_CACHE = False` turns the cache off (the benchmark's uncached figures)."""
    return getattr(settings, "SHANHAI_PAGE_CACHE", True)


def scope_key(user: Any) -> str:
    """What the user may see, as `accounts.scoping.scope_filter` decides it: everything, or their scopes'
    region and pairing subtrees (by path, so a moved pairing is a new key)."""
    if user.is_superuser or (user.is_authenticated and user.is_active and user.has_perm("accounts.national_office")):
        return "*"
    if not user.is_authenticated:
        return "-"
    scopes = once(("scoping_scopes", user.pk), lambda: list(
        Scope.objects.filter(user=user).select_related("region", "pairing")))
    parts = sorted(f"r{s.region.path}" if s.region is not None else f"p{s.pairing.path}" if s.pairing else ""
                   for s in scopes)
    return ",".join(parts)


def version() -> int:
    return once(("dataversion",), dataversion.current)


def page_key(request: HttpRequest, kind: str) -> str:
    user = request.user
    query = "&".join(f"{k}={v}" for k, values in sorted(request.GET.lists()) for v in values)
    raw = "|".join([
        kind, str(version()), get_language() or "", timezone.localdate().isoformat(),
        "staff" if user.is_staff else "", scope_key(user), request.path, query,
    ])
    return "shanhai:page:" + hashlib.sha256(raw.encode()).hexdigest()


def figures(user: Any, name: str, args: dict[str, Any], read: Callable[[], T]) -> T:
    """A selector's result read once per data version and scope (and language: labels are translated):
    the page builders' heaviest reads, shared by every page and user of the scope until a write. Always
    on, whatever `SHANHAI_PAGE_CACHE` says: it holds figures, not pages."""
    raw = "|".join([name, str(version()), get_language() or "", scope_key(user), repr(sorted(args.items()))])
    return cache.get_or_set("shanhai:figures:" + hashlib.sha256(raw.encode()).hexdigest(), read, PAGE_SECONDS)


def cached(request: HttpRequest, kind: str, build: Callable[[], T]) -> T:
    """`build()`'s result for this request's page, from the cache when the data and scope are unchanged."""
    if not enabled():
        return build()
    return cache.get_or_set(page_key(request, kind), build, PAGE_SECONDS)
