"""`shanhai demo` end to end: it sets up a fresh SQLite database, prints a login and serves the site."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_demo(var_dir: Path) -> tuple[subprocess.Popen, str, float]:
    port = _free_port()
    env = {**os.environ, "SHANHAI_VAR_DIR": str(var_dir), "DATABASE_URL": f"sqlite:///{var_dir / 'demo.sqlite3'}",
           "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "shanhai.cli", "demo", "--addrport", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/admin/login/"
    output = []
    deadline = started + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local test server
                body = response.read().decode()
                assert response.status == 200
                return proc, body, time.monotonic() - started
        except OSError:
            if proc.poll() is not None:
                output.append(proc.stdout.read())
                pytest.fail("demo exited early:\n" + "".join(output))
            time.sleep(0.5)
    proc.kill()
    pytest.fail("demo did not answer in time")


def _stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def test_demo_sets_up_serves_and_restarts_quickly(tmp_path: Path) -> None:
    proc, body, first = _run_demo(tmp_path)
    out = _stop(proc)
    assert "山海" in body  # the admin login page, in Chinese
    login = re.search(r"用户名 admin\s+密码 (\S+)", out)
    assert login, out
    assert "ziyun" in out
    proc, body, second = _run_demo(tmp_path)
    out2 = _stop(proc)
    assert re.search(r"用户名 admin\s+密码 (\S+)", out2).group(1) == login.group(1)  # same login, data reused
    assert "合成数据" not in out2  # nothing generated the second time
    print(f"demo: first start {first:.1f}s, second start {second:.1f}s")
    assert second < first


@pytest.mark.django_db(transaction=True)
def test_demo_fills_every_app_with_rows() -> None:
    from django.apps import apps

    from shanhai.demo.services import demo_setup
    from shanhai.network.models import Pairing

    logins = demo_setup()
    assert {login.username for login in logins} == {"admin", "ziyun"}
    empty = [
        m._meta.label for app in ("network", "people", "activities", "projects", "economy")
        for m in apps.get_app_config(app).get_models() if not m._meta.label.split(".")[1].startswith("Historical")
        and not m.objects.exists()
    ]
    assert not empty, f"no demo rows for {empty}"
    names = set(Pairing.objects.values_list("east_region__name", "west_region__name"))
    assert ("南沙区", "紫云苗族布依族自治县") in names and ("中山区", "水城区") in names
    assert ("延庆区", "内乡县") in names and ("北京市", "内蒙古自治区") in names
    assert Pairing.objects.filter(kind="school", programme__kind="jingjinji").exists()
