"""Deploy checks: the settings a production start refuses (`shanhai preflight`, `shanhai check --deploy`).

Django's own `--deploy` checks cover most of this too (as warnings); these are errors with the
environment variable to set, and add what Django cannot know: the identity-number hash key, the
database and the cache a province's server must use.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

MIN_SECRET = 50
MIN_PII_KEY = 32


def _weak(key: str, minimum: int) -> str | None:
    if not key:
        return "未设置 / not set"
    if len(key) < minimum:
        return f"太短（{len(key)} 个字符，至少 {minimum}）/ too short ({len(key)} characters, at least {minimum})"
    if len(set(key)) < 10:
        return "字符种类太少 / too few distinct characters"
    if key.startswith("django-insecure") or "change" in key.lower() or "example" in key.lower():
        return "示例或默认值 / a placeholder or default value"
    return None


@register(Tags.security, deploy=True)
def production_settings(app_configs=None, **kwargs):
    errors = []
    if settings.DEBUG:
        errors.append(Error("DEBUG 已开启 / DEBUG is on", hint="SHANHAI_DEBUG=false", id="shanhai.E001"))
    try:
        secret = settings.SECRET_KEY
    except ImproperlyConfigured:
        secret = ""
    if problem := _weak(secret, MIN_SECRET):
        errors.append(Error(f"SHANHAI_SECRET_KEY {problem}",
                            hint="python3 -c 'import secrets; print(secrets.token_urlsafe(64))'",
                            id="shanhai.E002"))
    pii = getattr(settings, "PII_HASH_KEY", "")
    if problem := _weak(pii, MIN_PII_KEY):
        errors.append(Error(f"SHANHAI_PII_HASH_KEY {problem}", id="shanhai.E003",
                            hint="a separate random key; never change it once people are stored"))
    elif pii == secret:
        errors.append(Error("SHANHAI_PII_HASH_KEY 与 SHANHAI_SECRET_KEY 相同 / equals the secret key",
                            hint="a separate key: rotating the secret key must not change identity hashes",
                            id="shanhai.E003"))
    hosts = [h for h in settings.ALLOWED_HOSTS if h]
    if not hosts or "*" in hosts:
        errors.append(Error("SHANHAI_ALLOWED_HOSTS 为空或为 * / empty or '*'",
                            hint="the server's host names, comma-separated", id="shanhai.E004"))
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        if not getattr(settings, name, False):
            errors.append(Error(f"{name} 未开启：Cookie 可经明文 HTTP 发送 / cookies may travel over plain HTTP",
                                hint="SHANHAI_SECURE_COOKIES=true (serve over HTTPS)", id="shanhai.E005"))
    if not settings.SESSION_COOKIE_HTTPONLY:
        errors.append(Error("SESSION_COOKIE_HTTPONLY 未开启 / off", id="shanhai.E005"))
    if getattr(settings, "SECURE_HSTS_SECONDS", 0) < 86400:
        errors.append(Error("未启用 HSTS（SECURE_HSTS_SECONDS 小于一天）/ no HSTS",
                            hint="SHANHAI_HSTS_SECONDS=31536000", id="shanhai.E006"))
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        errors.append(Error(f"生产环境须使用 PostgreSQL，当前为 {engine} / production runs on PostgreSQL",
                            hint="DATABASE_URL=postgres://…", id="shanhai.E007"))
    backend = settings.CACHES["default"]["BACKEND"]
    if "redis" not in backend.lower():
        errors.append(Warning(f"缓存不是 Redis（{backend}）：各工作进程不共享缓存 / the cache is not shared",
                              hint="SHANHAI_REDIS_URL=redis://127.0.0.1:6380/0", id="shanhai.W001"))
    if "axes.backends.AxesStandaloneBackend" not in settings.AUTHENTICATION_BACKENDS:
        errors.append(Error("登录限速未启用 / login throttling (django-axes) is off", id="shanhai.E008"))
    if not getattr(settings, "AXES_ENABLED", True):
        errors.append(Error("AXES_ENABLED=False：登录限速已关闭 / login throttling is off", id="shanhai.E008"))
    if not settings.AUTH_PASSWORD_VALIDATORS:
        errors.append(Error("未设置密码规则 / no password validators", id="shanhai.E009"))
    return errors
