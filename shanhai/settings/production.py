"""Production: one Linux server, gunicorn behind (or serving) HTTPS, PostgreSQL, Redis.

Every value still comes from the environment (`.env`, read by base.py and by honcho); nothing here
falls back to a generated or default secret. `shanhai preflight` (ops/checks.py) refuses to start
when any of these is unsafe: DEBUG on, a missing or weak SHANHAI_SECRET_KEY or SHANHAI_PII_HASH_KEY,
empty SHANHAI_ALLOWED_HOSTS, cookies without Secure, no HSTS, SQLite, no login throttling.
"""

import copy

from .base import *  # noqa: F403
from .base import DATABASES, LOGGING, env

# Copies: base's dicts are shared with any settings module that imported them.
DATABASES = copy.deepcopy(DATABASES)
LOGGING = copy.deepcopy(LOGGING)

DEBUG = env.bool("SHANHAI_DEBUG", default=False)
# No generated key file: a missing key must be noticed, not invented (base.py would write var/secret_key).
SECRET_KEY = env.str("SHANHAI_SECRET_KEY", default="")
PII_HASH_KEY = env.str("SHANHAI_PII_HASH_KEY", default="")
ALLOWED_HOSTS = env.list("SHANHAI_ALLOWED_HOSTS", default=[])

# HTTPS: gunicorn serves it itself (SHANHAI_TLS_CERT / SHANHAI_TLS_KEY, see ops/gunicorn_conf.py), or a
# proxy in front terminates it and says so in X-Forwarded-Proto (SHANHAI_BEHIND_TLS_PROXY=true).
if env.bool("SHANHAI_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SHANHAI_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a monitor on the loopback may ask over plain HTTP
SESSION_COOKIE_SECURE = env.bool("SHANHAI_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SHANHAI_SECURE_COOKIES", default=True)
SECURE_HSTS_SECONDS = env.int("SHANHAI_HSTS_SECONDS", default=365 * 86400)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SHANHAI_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = False  # an intranet host name has no place in the browsers' preload list
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405  # …so Django's "no preload" warning is expected
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# PostgreSQL: connections kept for a minute per worker and checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("SHANHAI_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Redis, shared by every gunicorn worker (the Procfile's `cache` line starts one on 127.0.0.1:6380).
# Redis down is a cache miss, not an error page (ops/cache.py); short timeouts so that a Redis that
# does not answer costs a request half a second, not a worker.
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
CACHES = {
    "default": {
        "BACKEND": "shanhai.ops.cache.DegradingRedisCache",
        "LOCATION": env.str("SHANHAI_REDIS_URL", default="redis://127.0.0.1:6380/0"),
        "KEY_PREFIX": "shanhai",
        "TIMEOUT": 300,
        "OPTIONS": REDIS_TIMEOUTS,
    },
    # Background jobs' progress and worker heartbeats, seen by every app server (ops/jobs.py).
    "jobs": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("SHANHAI_REDIS_URL", default="redis://127.0.0.1:6380/0"),
        "KEY_PREFIX": "shanhai-jobs",
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": REDIS_TIMEOUTS,
    },
}

# JSON Lines on stderr (honcho, then journald, collect them) and in var/log/shanhai.log.
LOG_FORMAT = env.str("SHANHAI_LOG_FORMAT", default="json")
for _handler in ("stderr", "file"):
    LOGGING["handlers"][_handler]["formatter"] = LOG_FORMAT
