"""/healthz, request ids on responses and log lines, JSON Lines logs with personal numbers masked,
and no model change without its migration."""

import io
import json
import logging

import pytest
from django.core.management import call_command

from shanhai.core.redact import RedactFilter
from shanhai.ops import requestid
from shanhai.ops.logs import JsonFormatter

pytestmark = pytest.mark.django_db


def test_healthz_answers_json_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok" and body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_cache_fails(client, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "error": "ConnectionError",
                                                  "ms": response.json()["checks"]["cache"]["ms"]}
    assert response.json()["checks"]["database"]["ok"]


def test_every_response_has_a_request_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="upstream-1234abcd")
    assert kept["X-Request-ID"] == "upstream-1234abcd"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


def _json_handler(stream):
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactFilter())
    handler.addFilter(requestid.RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    return handler


def test_json_lines_carry_the_request_id_and_mask_numbers():
    stream = io.StringIO()
    logger = logging.getLogger("shanhai.test_ops_json")
    logger.addHandler(handler := _json_handler(stream))
    try:
        token = requestid._current.set("req-0001-abcd")
        try:
            raise ValueError("身份证号110101199003074514 手机13812345678")
        except ValueError:
            logger.exception("导入失败 %s", "13812345678", extra={"status_code": 500})
        finally:
            requestid._current.reset(token)
        logger.warning("no request")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["request_id"] == "req-0001-abcd" and first["level"] == "ERROR" and first["status_code"] == 500
    assert first["message"] == "导入失败 138****5678"
    assert "110101********4514" in first["exception"] and "110101199003074514" not in stream.getvalue()
    assert "13812345678" not in stream.getvalue()
    assert second["request_id"] == "-"


def test_every_log_handler_masks_and_names_the_request():
    from django.conf import settings

    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact" in handler["filters"] and "request_id" in handler["filters"], name


def test_production_logs_are_json(monkeypatch):
    import importlib

    from django.conf import settings

    monkeypatch.setenv("SHANHAI_SECRET_KEY", "x" * 60)
    import shanhai.settings.production as production

    production = importlib.reload(production)
    assert production.LOGGING["handlers"]["stderr"]["formatter"] == "json"
    assert production.LOGGING["handlers"]["file"]["formatter"] == "json"
    assert settings.LOGGING["handlers"]["stderr"]["formatter"] == "plain"  # the running settings untouched
    assert not settings.DATABASES["default"].get("CONN_HEALTH_CHECKS")


def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())
