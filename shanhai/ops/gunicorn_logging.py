"""gunicorn's own log lines as JSON Lines, personal numbers masked, like the application's (ops/logs.py).

One access line per request carries the id the application logged under (its X-Request-ID header).
"""

from __future__ import annotations

import logging

from gunicorn.glogging import Logger

from shanhai.core.redact import RedactFilter
from shanhai.ops.logs import JsonFormatter


class JsonLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())
                handler.addFilter(RedactFilter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in (resp.headers or [])}
        status = str(resp.status).split(" ", 1)[0]
        self.access_log.log(logging.INFO, "%s %s %s", req.method, req.path, status, extra={
            "request_id": headers.get("x-request-id", "-"),
            "method": req.method,
            "path": req.path,  # no query string: it may hold search terms
            "status": int(status) if status.isdigit() else status,
            "bytes": getattr(resp, "sent", 0) or 0,
            "ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR", "-"),
        })
