from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files through the finders; an empty STATIC_ROOT keeps WhiteNoise from warning.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# The test client's login() passes no request, which django-axes refuses; the login form is throttled
# as in production (tests/ops/test_login_throttle.py).
AUTHENTICATION_BACKENDS = ["shanhai.ops.auth.AxesTestBackend", "django.contrib.auth.backends.ModelBackend"]
# Background work runs inline in tests (the request that queues it waits for it); real workers on the
# database queue are started by tests/ops/test_jobs_kill.py. Job progress stays in this process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {**CACHES, "jobs": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jobs"}}  # noqa: F405
