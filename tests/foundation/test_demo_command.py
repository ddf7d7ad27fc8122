"""`shanhai demo` end to end: it sets up a fresh SQLite database, prints a login and serves the site."""

import os
import re
import signal
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
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
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
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("demo did not answer in time")


def _stop(proc: subprocess.Popen) -> str:
    """Terminate the demo as a user's Ctrl-C or service stop would; its output ends only once every process
    holding it (the server and the worker it started) is gone, so a worker left behind fails here."""
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the demo or its background worker did not stop within 30 s of SIGTERM")
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
    # one login per role of the yearly cycle
    assert {login.username for login in logins} == {"admin", "guojia", "guangdong", "guizhou", "anshun", "nansha",
                                                     "ziyun", "viewer", "school"}
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


    # the programme's year: 2022 closed and locked; 2023 at every stage, 南沙→紫云 telling the story
    from shanhai.workflow.models import Confirmation, Submission

    states = set(Submission.objects.filter(period__year=2023).values_list("state", flat=True))
    assert states == {"draft", "submitted", "reviewed", "returned", "approved", "accepted"}
    assert set(Submission.objects.filter(period__year=2022).values_list("state", flat=True)) == {"accepted"}
    nz = Pairing.objects.get(kind="county", east_region__name="南沙区")
    assert Submission.objects.get(pairing=nz, period__year=2023, kind="plan").state == "approved"
    assert Submission.objects.get(pairing=nz, period__year=2023, kind="report", side="west").state == "draft"
    assert Confirmation.objects.get(pairing=nz, state="disputed").indicator.code == "labor.employed"
    from django.contrib.auth.models import User

    from shanhai.indicators.selectors import indicator_table

    rows = {r.code: r for r in indicator_table(User.objects.get(username="admin"), pairing=nz.pk, year=2023)}
    assert rows["labor.employed"].target == 4500 and rows["labor.employed"].reported == 5005
    assert f"{rows['labor.employed'].completion:.4f}" == "1.1122"  # 5,005 of 4,500: the seed's figure, against target
    assert rows["labor.employed"].last_year  # and last year's beside it

    # 2023 assessed: every county pair graded, 紫云's draft adjusted with a reason and its objection decided
    from shanhai.assessment.models import Assessment, Objection, Score

    graded = {(a.pairing.east_region.name, a.grade, a.state) for a in
              Assessment.objects.filter(scheme__year=2023).select_related("pairing__east_region")}
    assert {east for east, _g, _s in graded} == {"南沙区", "中山区", "海淀区", "朝阳区", "丰台区", "延庆区"}
    assert all(grade in ("好", "较好", "一般", "差") for _e, grade, _s in graded)
    assert {east for east, _g, state in graded if state == "final"} == {"丰台区", "延庆区"}  # reports locked
    ziyun_a = Assessment.objects.get(scheme__year=2023, pairing=nz)
    assert ziyun_a.grade and ziyun_a.self_evaluation and ziyun_a.total > ziyun_a.computed
    adjusted = Score.objects.get(assessment=ziyun_a, item__code="consume.sales")
    assert adjusted.adjusted == 12 and "计入" in adjusted.reason and adjusted.level == "省级"
    objection = Objection.objects.get(score__assessment=ziyun_a)
    assert objection.state == "rejected" and objection.decided_by.username == "anshun"
    assert "兼全国考核评审" in next(x.note for x in logins if x.username == "guojia")

    before = (Submission.objects.count(), Confirmation.objects.count(), User.objects.count(),
              Assessment.objects.count(), Score.history.count())
    again = demo_setup()  # idempotent: nothing doubled
    assert len(again) == len(logins)
    assert (Submission.objects.count(), Confirmation.objects.count(), User.objects.count(),
            Assessment.objects.count(), Score.history.count()) == before
