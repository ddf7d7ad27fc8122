"""A worker killed with SIGKILL in the middle of an import's write leaves nothing half-saved; the next
worker finds the job's worker gone, queues it again, and runs it to the same result as an uninterrupted
import; importing the file once more changes nothing. On the database the suite runs on (SQLite, or
PostgreSQL under DATABASE_URL=postgres://…), in a database of its own, with real worker processes."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.db import connection

PROBE = Path(__file__).with_name("job_probe.py")
ROOT = PROBE.parents[2]
ROWS = 60_000


@contextmanager
def _database(tmp_path: Path):
    """(DATABASE_URL, query function) of an empty database of the suite's kind, dropped afterwards."""
    if connection.vendor == "sqlite":
        path = tmp_path / "shanhai.sqlite3"

        def query(sql: str) -> list[tuple]:
            db = sqlite3.connect(path, timeout=30)
            try:
                return db.execute(sql).fetchall()
            finally:
                db.close()

        yield f"sqlite:///{path}", query
        return
    import psycopg

    s = connection.settings_dict
    kwargs = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"] or "postgres"}
    if s["PASSWORD"]:
        kwargs["password"] = s["PASSWORD"]
    name = f"shanhai_jobkill_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **kwargs) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def query(sql: str) -> list[tuple]:
        with psycopg.connect(dbname=name, autocommit=True, **kwargs) as db:
            return db.execute(sql).fetchall()

    auth = kwargs["user"] + (f":{kwargs['password']}" if "password" in kwargs else "") + "@"
    try:
        yield f"postgres://{auth}{kwargs['host']}:{kwargs['port']}/{name}", query
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **kwargs) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "shanhai.cli", "worker", "--interval", "0.2"], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _wait(what: str, check, timeout: float, worker: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"工作进程提前退出（{worker.returncode}）：{log.read_text()[-3000:] if log else ''}")
        time.sleep(0.02)
    pytest.fail(f"等待超时：{what}；{log.read_text()[-3000:] if log else ''}")


def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_is_retried(tmp_path):
    with _database(tmp_path) as (url, query):
        env = {**os.environ, "DATABASE_URL": url, "SHANHAI_VAR_DIR": str(tmp_path),
               "DJANGO_SETTINGS_MODULE": "shanhai.settings.base", "SHANHAI_SECRET_KEY": "k" * 50,
               "SHANHAI_PII_HASH_KEY": "p" * 50, "SHANHAI_SESSION_ENGINE": "django.contrib.sessions.backends.db"}
        done = subprocess.run([sys.executable, str(PROBE), "setup", str(ROWS)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        setup = json.loads(done.stdout.strip().splitlines()[-1])
        assert setup["run_status"] == "checked" and setup["created"] == ROWS and setup["job_status"] == "queued"
        job, run = setup["job"], setup["run"]

        def count() -> int:
            return query("SELECT count(*) FROM economy_placement")[0][0]

        def job_row() -> tuple:
            return query(f"SELECT status, attempts, message FROM ops_job WHERE id = {job}")[0]

        def run_status() -> str:
            return query(f"SELECT status FROM transfer_importrun WHERE id = {run}")[0][0]

        cache = FileBasedCache(str(tmp_path / "jobs"), {})
        log = tmp_path / "worker.log"

        # 1. A worker takes the job; it is killed once the import has begun writing.
        first = _worker(env, log)
        try:
            seen = _wait("导入进入写入阶段", lambda: (cache.get(f"job:{job}:progress") or {}).get("stage") == "正在写入数据库"
                         and cache.get(f"job:{job}:progress"), 300, first, log)
            os.kill(first.pid, signal.SIGKILL)
            first.wait(30)
        finally:
            if first.poll() is None:
                first.kill()
        assert seen["done"] == ROWS and seen["total"] == ROWS  # every row read and counted before the write
        status, attempts, _ = job_row()
        assert (status, attempts) == ("running", 1), "the import finished before the kill: the test proves nothing"
        assert count() == 0  # nothing half-saved
        assert run_status() == "checked"
        assert query("SELECT count(*) FROM transfer_importbatch")[0][0] == 0

        # 2. The next worker finds the job's worker gone, queues it again and runs it to the end.
        second = _worker(env, log)
        try:
            _wait("重新执行的导入完成", lambda: job_row()[0] in ("succeeded", "failed"), 300, second, log)
        finally:
            second.send_signal(signal.SIGTERM)
            try:
                second.wait(30)
            except subprocess.TimeoutExpired:
                second.kill()
        status, attempts, message = job_row()
        assert (status, attempts) == ("succeeded", 2), message
        assert message == f"导入完成：新增{ROWS:,}条，更新0条。"
        assert count() == ROWS and run_status() == "imported"
        assert query("SELECT count(DISTINCT employer) FROM economy_placement")[0][0] == ROWS
        # The Tasks API's own row of the killed attempt is not left "running" for ever.
        assert query("SELECT status FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at")[0][0] == "FAILED"

        # 3. The same file again: every row matches, nothing to write.
        again = subprocess.run([sys.executable, str(PROBE), "again"], cwd=ROOT, env=env, capture_output=True,
                               text=True, timeout=600)
        assert again.returncode == 0, again.stderr[-3000:]
        assert json.loads(again.stdout.strip().splitlines()[-1])["run_status"] == "unchanged"
        assert count() == ROWS
