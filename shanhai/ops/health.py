"""`/healthz`: is this process able to serve? JSON, 200 when the database and the cache answer, else 503;
with the background queue's depth and the last worker heartbeat (`queue`, not part of the verdict).

No login, no session, no database write; answers on plain HTTP from the loopback even when the site
redirects to HTTPS (settings.production: SECURE_REDIRECT_EXEMPT), so a monitor or the Procfile's
supervisor can probe gunicorn directly.
"""

from __future__ import annotations

import time
import uuid

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _timed(check) -> dict:
    start = time.perf_counter()
    try:
        check()
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
        return {"ok": False, "error": type(exc).__name__, "ms": round((time.perf_counter() - start) * 1000, 1)}
    return {"ok": True, "ms": round((time.perf_counter() - start) * 1000, 1)}


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1")


def _cache() -> None:
    key, value = "shanhai:healthz", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("cache round trip")


def _queue() -> dict:
    """Background jobs waiting and running, and when a worker was last alive. Informative: a web server
    stays in the load balancer while workers are down (jobs wait in the database queue)."""
    from shanhai.ops.jobs import queue_health

    figures: dict = {}
    result = _timed(lambda: figures.update(queue_health()))
    return {**result, **figures}


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _timed(_database), "cache": _timed(_cache)}
    ok = all(c["ok"] for c in checks.values())
    checks["queue"] = _queue()
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)
