"""Background jobs (ops/jobs.py) in one process: a confirmed upload runs as a job as its user, the page and
the status JSON show it to that user only, failures are Chinese messages, a dead worker's job is queued
again or failed, and the shared progress bar's words. The real worker killed mid-import: test_jobs_kill.py."""

import importlib
import io
import subprocess

import pytest
from django.contrib.auth.models import Group, User

from shanhai.accounts.models import Scope
from shanhai.core.errors import ShanhaiError
from shanhai.core.progress import ConsoleBar, duration_zh, seconds_left
from shanhai.economy.models import Placement
from shanhai.ops import jobs
from shanhai.ops.jobs import JobOutcome, job_execute, job_status, job_submit, jobs_reap
from shanhai.ops.models import Job
from shanhai.transfer.models import ImportRun
from tests.transfer.conftest import HEAD, PAIR, pairing  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

CALLS: list[int] = []


def echo(job, progress):
    """A kind for these tests: counts to the job's `n`, or fails as told."""
    CALLS.append(job.pk)
    if job.params.get("fail") == "shanhai":
        raise ShanhaiError("参数不对：缺少年度。")
    if job.params.get("fail") == "bug":
        raise ZeroDivisionError
    progress.start(job.params.get("n", 3))
    for i in range(job.params.get("n", 3)):
        progress.update(i + 1)
    return JobOutcome(message=f"数到了{job.params.get('n', 3)}。", result={"n": job.params.get("n", 3)}, url="/ops/jobs/")


@pytest.fixture(autouse=True)
def _echo_kind(monkeypatch):
    monkeypatch.setitem(jobs.KINDS, "test.echo", jobs.Kind("tests.ops.test_jobs.echo", "测试任务没有写入数据"))
    _calls().clear()


def _calls() -> list[int]:
    """The calls recorded by `echo` as the worker imports it (by its dotted path, maybe a second module)."""
    return importlib.import_module("tests.ops.test_jobs").CALLS


@pytest.fixture
def clerk(pairing):  # noqa: F811 - the fixture imported above
    user = User.objects.create_user("clerk", password="pw")
    user.groups.add(Group.objects.get(name="数据填报员"))
    Scope.objects.create(user=user, pairing=pairing)
    return user


def _upload(rows):
    upload = io.BytesIO(("\ufeff" + "\r\n".join(",".join(r) for r in rows)).encode("utf-8"))
    upload.name = "劳务.csv"
    return upload


def test_a_confirmed_upload_is_imported_by_a_job_as_its_user(client, clerk):
    client.force_login(clerk)
    head = HEAD + ["年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]
    client.post("/data/", {"file": _upload([head, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"]])})
    run = ImportRun.objects.get()
    assert client.post(f"/data/runs/{run.pk}/commit").status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.user, job.status, job.attempts) == ("transfer.import", clerk, "succeeded", 1)
    assert job.subject == f"transfer.importrun:{run.pk}" and job.url == f"/data/runs/{run.pk}/"
    assert job.message == "导入完成：新增1条，更新0条。" and job.task_id
    assert Placement.objects.get().pairing_id and ImportBatch_user(clerk)
    page = client.get(f"/data/runs/{run.pk}/").content.decode()
    assert "导入完成" in page and 'id="job"' not in page  # finished: the result, no progress bar
    status = client.get(f"/ops/jobs/{job.pk}/status.json").json()
    assert status["status"] == "succeeded" and not status["active"] and status["url"] == job.url
    # another user does not learn the job exists
    other = User.objects.create_user("other", password="pw")
    client.force_login(other)
    assert client.get(f"/ops/jobs/{job.pk}/status.json").status_code == 404
    assert client.get(f"/ops/jobs/{job.pk}/").status_code == 404
    assert "劳务.csv" not in client.get("/ops/jobs/").content.decode()


def ImportBatch_user(user):  # noqa: N802 - reads as the assertion it is
    from shanhai.transfer.models import ImportBatch

    return ImportBatch.objects.get().user == user


def test_the_run_page_shows_a_running_import_with_its_progress_bar(client, clerk):
    client.force_login(clerk)
    head = HEAD + ["年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]
    client.post("/data/", {"file": _upload([head, PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"]])})
    run = ImportRun.objects.get()
    job = Job.objects.create(kind="transfer.import", label="导入：劳务.csv", user=clerk, status="running",
                             subject=f"transfer.importrun:{run.pk}", worker=jobs.worker_name(), attempts=1)
    progress = jobs.JobProgress(job)
    progress.start(200)
    progress.update(50)
    progress.changed(force=True)  # stored at once, not at the next half second
    page = client.get(f"/data/runs/{run.pk}/").content.decode()
    assert 'id="job"' in page and "ops/jobs.js" in page and "<progress" in page and 'data-reload="1"' in page
    assert "确认导入</button>" not in page and "正在后台导入" in page
    assert "50/200 行" in page
    assert client.post(f"/data/runs/{run.pk}/commit").status_code == 400  # not while it runs
    assert Job.objects.count() == 1


def test_failures_are_recorded_in_chinese_and_nothing_else(django_user_model):
    user = django_user_model.objects.create_user("u1", password="pw")
    told = job_submit(kind="test.echo", label="测试", user=user, params={"fail": "shanhai"})
    assert (told.status, told.message) == ("failed", "参数不对：缺少年度。")
    bug = job_submit(kind="test.echo", label="测试", user=user, params={"fail": "bug"})
    assert bug.status == "failed" and bug.message.startswith("后台任务出错（ZeroDivisionError），测试任务没有写入数据。")
    assert f"任务编号 {bug.pk}" in bug.message
    user.is_active = False
    user.save()
    off = job_submit(kind="test.echo", label="测试", user=user)
    assert (off.status, off.message) == ("failed", "发起这项任务的账号已停用，任务没有执行。")
    assert _calls() == [told.pk, bug.pk]  # the disabled user's job never ran


def _dead_pid() -> int:
    proc = subprocess.Popen(["sleep", "30"])
    proc.kill()
    proc.wait()
    return proc.pid


def test_a_job_whose_worker_died_is_queued_again_then_failed(django_user_model):
    user = django_user_model.objects.create_user("u2", password="pw")
    host = jobs.worker_name().rpartition(":")[0]
    job = Job.objects.create(kind="test.echo", label="测试", user=user, params={"n": 5}, status="running",
                             attempts=1, max_attempts=2, worker=f"{host}:{_dead_pid()}")
    alive = Job.objects.create(kind="test.echo", label="测试", user=user, status="running", attempts=1,
                               worker=jobs.worker_name())
    jobs.JobProgress(alive).begin()  # beating, and its process (this one) exists
    assert [j.pk for j in jobs_reap()] == [job.pk]
    job.refresh_from_db()
    # queued again; the immediate backend of the tests has already run it
    assert (job.status, job.attempts, job.message) == ("succeeded", 2, "数到了5。")
    alive.refresh_from_db()
    assert alive.status == "running"

    job = Job.objects.create(kind="test.echo", label="测试", user=user, status="running", attempts=2,
                             max_attempts=2, worker=f"{host}:{_dead_pid()}")
    status = job_status(job)  # the page's poll reaps it
    assert status["status"] == "failed" and not status["active"]
    assert status["message"] == ("工作进程在执行中意外退出（已执行2次），测试任务没有写入数据。"
                                 "请稍后重新提交；如反复出现，请联系管理员检查服务器的内存和磁盘。")


def test_a_job_is_run_once_even_if_the_task_is_delivered_twice(django_user_model):
    job = job_submit(kind="test.echo", label="测试", user=django_user_model.objects.create_user("u3", password="pw"))
    assert job_execute(job.pk) == "skipped" and _calls() == [job.pk]


def test_the_progress_bar_words():
    assert duration_zh(5) == "5秒" and duration_zh(200) == "3分20秒" and duration_zh(3900) == "1小时05分"
    assert seconds_left(50, 100, 10.0) == 10.0 and seconds_left(0, 100, 10.0) is None
    out = io.StringIO()
    bar = ConsoleBar("导入", stream=out)
    bar.start(100_000)
    bar.started -= 20  # 20 s in
    bar.update(40_000)
    bar.stage("正在写入数据库")
    bar.finish()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("导入 · 40,000/100,000 行（40%） · 正在写入数据库")
    assert lines[-1].startswith("导入 · 100,000/100,000 行（100%）")
    bar = ConsoleBar("导入", stream=out)
    bar.start(100_000)
    bar.started -= 20
    bar.done = 40_000
    assert "剩余约 30秒" in bar.text()
