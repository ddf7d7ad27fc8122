"""Settings shared by every environment, read from environment variables with safe defaults.

`DATABASE_URL` switches the database (SQLite by default, e.g. postgres://postgres@127.0.0.1:5432/shanhai
for PostgreSQL). See `.env.example` for every variable.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent  # the `shanhai` package
PROJECT_DIR = BASE_DIR.parent
env = environ.Env()
if (PROJECT_DIR / ".env").exists():
    environ.Env.read_env(PROJECT_DIR / ".env")

DEBUG = env.bool("SHANHAI_DEBUG", default=False)
# A development key is generated per checkout (var/secret_key) rather than hard-coded here.
VAR_DIR = Path(env.str("SHANHAI_VAR_DIR", default=str(PROJECT_DIR / "var")))


def _secret_key() -> str:
    key = env.str("SHANHAI_SECRET_KEY", default="")
    if key:
        return key
    import secrets

    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Former keys: sessions, signatures and stored uploads (transfer/uploads.py) made under them still verify.
SECRET_KEY_FALLBACKS = env.list("SHANHAI_SECRET_KEY_FALLBACKS", default=[])
# Identity numbers and phones are stored only as HMAC-SHA256 under this key (see core/privacy.py).
PII_HASH_KEY = env.str("SHANHAI_PII_HASH_KEY", default=SECRET_KEY)
ALLOWED_HOSTS = env.list("SHANHAI_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("SHANHAI_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",  # login throttling and lockout (AXES_* below)
    "django_otp",  # second factor for national and provincial accounts (accounts/otp.py)
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the bundled Swagger UI for /api/docs (no CDN)
    "django_tasks",  # Django's Tasks API (backport): background work, docs/ARCHITECTURE.md
    "django_tasks_db",  # its database backend: the queue lives in the data's database
    "shanhai.core",
    "shanhai.regions",
    "shanhai.network",
    "shanhai.people",
    "shanhai.activities",
    "shanhai.projects",
    "shanhai.economy",
    "shanhai.accounts",
    "shanhai.demo",
    "shanhai.indicators",
    "shanhai.workflow",
    "shanhai.assessment",
    "shanhai.matching",  # needs and offers, matched (issue 12)
    "shanhai.evidence",
    "shanhai.reports",
    "shanhai.transfer",
    "shanhai.api",
    "shanhai.web",
    "shanhai.ops",
    "shanhai.portal",
]

MIDDLEWARE = [
    "shanhai.ops.requestid.RequestIdMiddleware",  # first: every log line of the request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "shanhai.ops.csp.CspPathMiddleware",  # after CSPMiddleware: /api/docs's additions
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shanhai.ops.uploads.UploadLimitMiddleware",  # before CSRF reads the body: size and unpacked size
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shanhai.accounts.middleware.SessionExpiryMiddleware",  # idle and absolute session limits
    "shanhai.accounts.middleware.OtpMiddleware",  # an enrolled account gives its code before any page
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the 429 page
]

ROOT_URLCONF = "shanhai.urls"
WSGI_APPLICATION = "shanhai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'shanhai.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages read while an import or a rebuild writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # A writer (an import, a save) waits for a rebuild's batch to commit instead of failing at once.
    # Every transaction begins IMMEDIATE, so writers never deadlock upgrading a read lock; a check
    # (dry run) begins DEFERRED instead (core/db.py read_atomic) and takes no write lock.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (imports, rebuilds, exports) through Django's Tasks API. The queue is a table in the
# same database, so a job is queued in the transaction that records it and survives any restart; a
# worker (`shanhai worker`; `make demo` starts one itself) runs it. Progress and worker heartbeats go to
# the "jobs" cache: files under var/ here (shared by the processes of one machine), Redis in production.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
# SHANHAI_TASKS_BACKEND=rq (production's default, settings/production.py): the same tasks through Redis
# (RQ, django-tasks-rq) at SHANHAI_QUEUE_URL; the `ops_job` row stays the record (ops/jobs.py).
TASKS_BACKEND = env.str("SHANHAI_TASKS_BACKEND", default="database")
RQ_QUEUES = {"default": {"URL": env.str("SHANHAI_QUEUE_URL", default="redis://127.0.0.1:6381/0"),
                         "DEFAULT_TIMEOUT": 6 * 3600}}
if TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    INSTALLED_APPS.append("django_rq")  # its queue settings and admin list; only with this backend
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "jobs": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
             "LOCATION": str(VAR_DIR / "jobs"), "TIMEOUT": 7 * 24 * 3600},
}

# Every password set through a form (admin, password change) passes these; `set_password` in code does not.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "shanhai.accounts.passwords.MinimumLengthValidator",  # Django's, with a Chinese message
     "OPTIONS": {"min_length": env.int("SHANHAI_PASSWORD_MIN_LENGTH", default=10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after SHANHAI_LOGIN_FAILURE_LIMIT wrong passwords for a username
# (from any address: a county office behind one NAT address is not locked out for one person's typos),
# that username is refused — the right password too — with a 429 page, for SHANHAI_LOGIN_LOCKOUT_HOURS
# (0: until unlocked; every further try restarts the wait). Unlock: `shanhai login_unlock USER`, or
# delete the user's rows in the admin's 访问尝试 list. The admin login is the site's only password form;
# API tokens are not passwords.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("SHANHAI_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("SHANHAI_LOGIN_LOCKOUT_HOURS", default=1.0) or None
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for an address lock too: one would lock out a whole county office behind one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# Attempts live in the database (listed in the admin, reset from any process). On SQLite an ordinary
# login writes nothing, so it never waits behind an import (ops/axes_handler.py); no access log there.
AXES_HANDLER = "shanhai.ops.axes_handler.AxesHandler"
AXES_DISABLE_ACCESS_LOG = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
AXES_LOCKOUT_TEMPLATE = "ops/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "new_password1", "new_password2"]

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only; no inline
# script or <style>, no plugins, no framing, forms post only here. /api/docs's additions: ops/csp.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # ECharts writes its tooltip as HTML with style attributes; attributes cannot run script.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Chinese first; English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads are readable by the service account only (files 600, folders 700); see shanhai/transfer/README.md.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# An imported upload's copy (personal numbers masked) is kept this many days, then removed by
# `shanhai uploads_cleanup`; a checked upload never confirmed is removed after a day.
SHANHAI_UPLOAD_RETENTION_DAYS = env.int("SHANHAI_UPLOAD_RETENTION_DAYS", default=30)

# Errors are seen: request errors with tracebacks to stderr and to var/log/shanhai.log (10 MB × 5),
# with identity and mobile numbers masked in every message and traceback (core/redact.py) and the
# request's id (ops/requestid.py, also the X-Request-ID response header) on every line.
LOG_DIR = VAR_DIR / "log"
# SHANHAI_LOG_FORMAT=json writes JSON Lines (one object per line, with the request id); production's default.
LOG_FORMAT = env.str("SHANHAI_LOG_FORMAT", default="plain")
LOG_DIR.mkdir(parents=True, exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "shanhai.core.redact.RedactFilter"},
        "request_id": {"()": "shanhai.ops.requestid.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} [{process}] [{request_id}] {message}", "style": "{"},
        "json": {"()": "shanhai.ops.logs.JsonFormatter"},  # JSON Lines (ops/logs.py)
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler", "stream": "ext://sys.stderr",
            "filters": ["redact", "request_id"], "formatter": LOG_FORMAT,
        },
        "file": {
            "class": "logging.handlers.RotatingFileHandler", "filename": str(LOG_DIR / "shanhai.log"),
            "maxBytes": 10 * 1024 * 1024, "backupCount": 5, "encoding": "utf-8", "delay": True,
            "filters": ["redact", "request_id"], "formatter": LOG_FORMAT,
        },
        "server": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                   "filters": ["redact", "request_id"]},
    },
    "root": {"handlers": ["stderr", "file"], "level": "WARNING"},
    "loggers": {
        # 5xx with tracebacks (ERROR) and 4xx (WARNING) go to the root's handlers.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},  # runserver's lines
        "shanhai": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "/work/"  # my work (我的待办), when the login names no page to return to
SESSION_COOKIE_HTTPONLY = True
# A login lasts SHANHAI_SESSION_HOURS (default 8, a working day) and ends when the browser closes.
SESSION_COOKIE_AGE = int(env.float("SHANHAI_SESSION_HOURS", default=8) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# …and after SHANHAI_SESSION_IDLE_MINUTES (default 60; 0: never) without a request
# (accounts/middleware.py, which also enforces the absolute limit whatever the session backend).
SHANHAI_SESSION_IDLE_MINUTES = env.float("SHANHAI_SESSION_IDLE_MINUTES", default=60)
# Second factor (accounts/otp.py): optional for national and provincial accounts; true makes it mandatory.
SHANHAI_OTP_REQUIRED = env.bool("SHANHAI_OTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Shanhai"
# Every upload, whatever the page (ops/uploads.py): request size, and the unpacked size of a zip
# (.xlsx/.docx) from its directory, checked before any reader opens it.
SHANHAI_UPLOAD_MAX_MB = env.int("SHANHAI_UPLOAD_MAX_MB", default=300)
SHANHAI_UPLOAD_MAX_UNPACKED_MB = env.int("SHANHAI_UPLOAD_MAX_UNPACKED_MB", default=1024)
SESSION_COOKIE_SAMESITE = "Lax"
# On SQLite (one writer at a time) a session lives in a signed cookie: a login writes no session row,
# so it never waits behind an import. PostgreSQL keeps sessions in the database. The last-login time
# is written without waiting either (accounts/signals.py).
SESSION_ENGINE = env.str(
    "SHANHAI_SESSION_ENGINE",
    default="django.contrib.sessions.backends.signed_cookies"
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    else "django.contrib.sessions.backends.db",
)
# API tokens expire this many days after they are issued (`shanhai api_token --days N` overrides).
SHANHAI_API_TOKEN_DAYS = env.int("SHANHAI_API_TOKEN_DAYS", default=90)
X_FRAME_OPTIONS = "DENY"

# django-simple-history: keep who changed what, without storing identity numbers (they are hashed first).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
