"""The production queue (SHANHAI_TASKS_BACKEND=rq): jobs go through Redis (RQ, django-tasks-rq) to real
`shanhai worker` processes; the job row in the database stays the record. Against the local Redis
(127.0.0.1:6379, a database of its own) and a SQLite file, in subprocesses with a worker's settings:
a queued import runs to the end; two workers on one queue each take a different job; a job whose
queue entry is lost (Redis emptied) is sent again by the worker."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ops.test_jobs_kill import PROBE, ROOT, _database

REDIS_DB = 13


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_up() and not os.environ.get("CI"),
                                reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    client.flushdb()  # this test's own database number
    yield client
    client.flushdb()


def _env(tmp_path: Path, url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SHANHAI_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "shanhai.settings.base", "SHANHAI_SECRET_KEY": "k" * 50,
            "SHANHAI_PII_HASH_KEY": "p" * 50, "SHANHAI_TASKS_BACKEND": "rq",
            "SHANHAI_QUEUE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}"}


def _probe(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run([sys.executable, str(PROBE), *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _worker(env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "shanhai.cli", "worker", *extra], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _wait_all(query, jobs: list[int], timeout: float, log: Path) -> list[tuple]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = query(f"SELECT id, status, message, worker FROM ops_job WHERE id IN ({','.join(map(str, jobs))}) "
                     "ORDER BY id")
        if all(r[1] in ("succeeded", "failed") for r in rows):
            return rows
        time.sleep(0.2)
    pytest.fail(f"任务未在{timeout}秒内完成：{log.read_text()[-3000:]}")


def test_two_rq_workers_share_one_queue_and_run_each_job_once(tmp_path, redis_db):
    with _database(tmp_path) as (url, query):
        env = _env(tmp_path, url)
        first = _probe(env, "setup", "20000")
        second = _probe(env, "submit")
        jobs = [first["job"], second["job"]]
        assert first["job_status"] == second["job_status"] == "queued"
        assert redis_db.llen("rq:queue:default") == 2  # both waiting in Redis, not in a database table
        log = tmp_path / "workers.log"
        workers = [_worker(env, log), _worker(env, log)]
        try:
            rows = _wait_all(query, jobs, 300, log)
        finally:
            for w in workers:
                w.terminate()
            for w in workers:
                try:
                    w.wait(30)
                except subprocess.TimeoutExpired:
                    w.kill()
        assert [r[1] for r in rows] == ["succeeded", "succeeded"], rows
        # the two workers run at once: whichever commits first creates the rows, the other finds them all there
        assert sorted(r[2] for r in rows) == ["导入完成：新增0条，更新0条。", "导入完成：新增20,000条，更新0条。"], rows
        assert query("SELECT count(*) FROM economy_placement")[0][0] == 20000  # the second import matched them all
        # each job ran once, in a different worker's process (RQ forks a child per job: the pids differ
        # anyway, so the parents are compared through RQ's record of who took it)
        takers = {redis_db.hget(f"rq:job:{tid}", "worker_name") for (tid,) in
                  query(f"SELECT task_id FROM ops_job WHERE id IN ({jobs[0]}, {jobs[1]})")}
        assert len(takers) == 2 and None not in takers, takers
        assert query("SELECT max(attempts) FROM ops_job")[0][0] == 1


def test_a_job_lost_from_redis_is_sent_again_by_the_worker(tmp_path, redis_db):
    with _database(tmp_path) as (url, query):
        env = _env(tmp_path, url)
        job = _probe(env, "setup", "300")["job"]
        redis_db.flushdb()  # Redis restarted without its data
        log = tmp_path / "worker.log"
        worker = _worker(env, log, "--batch")
        try:
            worker.wait(300)
        finally:
            if worker.poll() is None:
                worker.kill()
        (row,) = _wait_all(query, [job], 30, log)
        assert row[1] == "succeeded", (row, log.read_text()[-2000:])
        assert query("SELECT count(*) FROM economy_placement")[0][0] == 300
