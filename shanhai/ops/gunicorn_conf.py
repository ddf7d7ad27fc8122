"""gunicorn settings for `make serve` (the Procfile's `web` line): `gunicorn -c python:shanhai.ops.gunicorn_conf`.

Every value comes from an environment variable (read from .env by honcho):
SHANHAI_BIND (default 127.0.0.1:8000), SHANHAI_WORKERS (default 2 × cores + 1, cores being those this
process may run on), SHANHAI_THREADS (1), SHANHAI_TIMEOUT (300 s: a large import is one request),
SHANHAI_TLS_CERT / SHANHAI_TLS_KEY (serve HTTPS directly, no proxy needed), SHANHAI_FORWARDED_ALLOW_IPS
(the proxy's address when one terminates TLS in front).
"""

import os

_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

wsgi_app = "shanhai.wsgi:application"
bind = os.environ.get("SHANHAI_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("SHANHAI_WORKERS") or 2 * _cores + 1)
threads = int(os.environ.get("SHANHAI_THREADS") or 1)
timeout = int(os.environ.get("SHANHAI_TIMEOUT") or 300)
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # a worker is replaced now and then: no slow leak lives for years
max_requests_jitter = 200
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("SHANHAI_FORWARDED_ALLOW_IPS", "127.0.0.1")
certfile = os.environ.get("SHANHAI_TLS_CERT") or None
keyfile = os.environ.get("SHANHAI_TLS_KEY") or None
proc_name = "shanhai"
# JSON Lines on stderr (honcho collects them), one access line per request with its X-Request-ID.
accesslog = "-"
errorlog = "-"
logger_class = "shanhai.ops.gunicorn_logging.JsonLogger"
