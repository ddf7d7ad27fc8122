"""The server-error view: a database that went away is "please retry" (503), not a server error.

A PostgreSQL restart, a failover or a killed connection surfaces as `OperationalError` or
`InterfaceError` from whatever query ran first, anywhere in the request. The broken connection is
closed here, so the next request opens a new one: the app recovers without a restart (Django's own
end-of-request clean-up does the same, this does not depend on it). Everything else is the usual 500.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views import defaults

log = logging.getLogger("shanhai.ops")
RETRY_AFTER_SECONDS = 10


def _close_broken() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close_if_unusable_or_obsolete()
        except Exception:  # noqa: BLE001 - a dead socket may fail even to close; forget it anyway
            conn.connection = None


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    _close_broken()
    log.warning("数据库暂时不可用，已返回“请稍后重试”页面：%s", type(error).__name__)
    # Rendered without a request, as the 500 page is: nothing on it may need the database.
    response = HttpResponseServerError(loader.get_template("503.html").render())
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
