"""Faults (issue 14): Redis down → pages still served without the cache; the database connection lost
between two requests → a Chinese "please retry" page (503), then the next request served without a
restart; the disk full while an upload is stored → refused in Chinese, nothing saved. A real
redis-server, a real pg_terminate_backend and the kernel's own ENOSPC (/dev/full), no mocks."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage
from django.db import connection, connections
from django.test import Client, override_settings

from shanhai.accounts.models import Scope
from shanhai.accounts.roles import DATA_ENTRY, VIEWER
from shanhai.regions.lookup import find_region
from tests.factories import PairingFactory, ProgrammeFactory


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_cache(port: int, backend: str = "shanhai.ops.cache.DegradingRedisCache") -> dict:
    """Settings as production's (settings/production.py), with Redis on `port`."""
    redis = {"BACKEND": backend, "LOCATION": f"redis://127.0.0.1:{port}/0", "KEY_PREFIX": "t14",
             "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    return {"default": redis, "jobs": {**redis, "KEY_PREFIX": "t14-jobs"}}


@pytest.fixture
def redis_server() -> Iterator[tuple[subprocess.Popen, int]]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield proc, port
    if proc.poll() is None:
        proc.terminate()
        proc.wait(10)


def _viewer() -> User:
    user = User.objects.create_user("faults-viewer")
    user.groups.add(Group.objects.get(name=VIEWER))
    Scope.objects.create(user=user, region=find_region("紫云自治县"))
    PairingFactory()
    return user


@pytest.mark.django_db
def test_redis_down_pages_still_served(client, redis_server) -> None:
    proc, port = redis_server
    client.force_login(_viewer())
    with override_settings(CACHES=_redis_cache(port)):
        cache = caches["default"]
        cache.set("t14:probe", "up")
        assert cache.get("t14:probe") == "up"  # Redis really serves the cache
        assert client.get("/healthz").status_code == 200

        proc.terminate()
        proc.wait(10)
        started = time.monotonic()
        assert cache.get("t14:probe") is None  # a miss, not an error
        cache.set("t14:probe", "down")  # dropped, not raised
        page = client.get("/")
        assert page.status_code == 200 and "紫云" in page.content.decode()
        assert client.get(f"/regions/{find_region('紫云自治县').code}/").status_code == 200
        assert time.monotonic() - started < 10  # a refused connection costs little
        health = client.get("/healthz")  # the load balancer still hears that the cache is down
        assert health.status_code == 503 and not health.json()["checks"]["cache"]["ok"]


@pytest.mark.django_db
def test_without_the_degrading_backend_redis_down_is_an_error(redis_server) -> None:
    """Why production uses ops/cache.py: Django's own Redis cache raises when Redis is gone."""
    proc, port = redis_server
    proc.terminate()
    proc.wait(10)
    with override_settings(CACHES=_redis_cache(port, "django.core.cache.backends.redis.RedisCache")):
        from redis.exceptions import ConnectionError as RedisConnectionError

        with pytest.raises(RedisConnectionError):
            caches["default"].get("t14:probe")


def test_production_settings_use_the_degrading_cache() -> None:
    source = (__import__("pathlib").Path(__file__).parents[2] / "shanhai/settings/production.py").read_text()
    assert source.count('"BACKEND": "shanhai.ops.cache.DegradingRedisCache"') == 1
    assert '"OPTIONS": REDIS_TIMEOUTS' in source


@pytest.mark.django_db(transaction=True)
def test_database_connection_lost_then_recovered() -> None:
    """On PostgreSQL, the request's connection killed by the server (as a restart or failover does):
    that request gets the Chinese 503, the next is served, with no restart of the app."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend needs PostgreSQL (DATABASE_URL=postgres://…)")
    client = Client(raise_request_exception=False)
    client.force_login(_viewer())
    assert client.get("/").status_code == 200
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        pid = c.fetchone()[0]
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as c:
            c.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert c.fetchone()[0]
    finally:
        killer.close()
    time.sleep(0.2)  # the server closes the socket asynchronously

    lost = client.get("/")
    body = lost.content.decode()
    assert lost.status_code == 503, body[:500]
    assert "请稍后重试" in body and lost["Retry-After"] == "10"
    assert body.index("数据库暂时无法连接") < body.index("The database is briefly unavailable")  # Chinese first

    again = client.get("/")
    assert again.status_code == 200
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        assert c.fetchone()[0] != pid  # a new connection, opened by the app itself


@pytest.mark.django_db
def test_other_server_errors_are_still_500(client, monkeypatch) -> None:
    """Only a lost database is "retry": a bug stays a 500."""
    from shanhai.web import views

    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(views.pages, "overview_page", boom)
    c = Client(raise_request_exception=False)
    c.force_login(_viewer())
    response = c.get("/")
    assert response.status_code == 500 and "服务器出错了" in response.content.decode()


class FullDiskStorage(FileSystemStorage):
    """Storage on a full disk: every file is written to /dev/full, where the kernel answers ENOSPC."""

    def _save(self, name: str, content) -> str:
        with open("/dev/full", "wb") as f:
            for chunk in content.chunks():
                f.write(chunk)
            f.flush()
        return name


@pytest.mark.django_db
def test_disk_full_during_an_import_is_refused_in_chinese_and_nothing_saved(client, tmp_path) -> None:
    from shanhai.economy.models import Placement
    from shanhai.transfer.models import ImportRun
    from tests.transfer.conftest import PAIR
    from tests.transfer.test_web import PLACEMENT_HEAD, _csv

    if not Path("/dev/full").exists():
        pytest.skip("/dev/full is missing")
    pairing = PairingFactory(programme=ProgrammeFactory(name="东西部协作（2021—2025年）"))
    clerk = User.objects.create_user("clerk-full")
    clerk.groups.add(Group.objects.get(name=DATA_ENTRY))
    Scope.objects.create(user=clerk, pairing=pairing)
    client.force_login(clerk)
    full = {"default": {"BACKEND": f"{__name__}.FullDiskStorage", "OPTIONS": {"location": str(tmp_path)}},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=full):
        response = client.post("/data/", {"file": _csv([PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"]])})
    page = response.content.decode()
    assert response.status_code == 400
    assert "服务器磁盘已满，文件未保存，数据未导入" in page
    assert ImportRun.objects.count() == 0 and Placement.objects.count() == 0
    assert not any(tmp_path.rglob("*"))  # no partial file left behind

    # Space again: the same file goes through.
    response = client.post("/data/", {"file": _csv([PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"]])})
    assert response.status_code == 302 and ImportRun.objects.count() == 1
