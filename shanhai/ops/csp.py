"""Per-path additions to the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY).

The site itself needs nothing beyond 'self': no inline script, no inline <style>. django-ninja's
Swagger UI (/api/docs) draws its icons as data: images and styles elements from its bundle; it gets
exactly those additions and nothing else. Placed after csp.middleware.CSPMiddleware in MIDDLEWARE, so
it sets the response attributes that middleware reads on the way out.
"""

from __future__ import annotations

EXTRA: dict[str, dict[str, list[str]]] = {
    "/api/docs": {"img-src": ["data:"], "style-src": ["'unsafe-inline'"]},
}


class CspPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for prefix, update in EXTRA.items():
            if request.path.startswith(prefix) and not hasattr(response, "_csp_update"):
                response._csp_update = update
        return response
