"""`shanhai worker`: runs background jobs from the database queue (the Procfile's `worker`; `make demo` starts one).

Before taking work it waits for the database's migrations (the web process applies them at start) and
queues again or fails the jobs of a worker that died; while running it does so every 15 seconds, and
says it is alive (for /healthz)."""

from __future__ import annotations

import os
import signal
import threading
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor

from shanhai.ops.jobs import jobs_reap, jobs_requeue_lost, queue_in_database, worker_beat

REAP_EVERY = 15.0


def _migrations_pending() -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _on_redis(backend: str) -> bool:
    return not queue_in_database(backend)


def _exit_with(parent: int) -> None:
    """Stop this worker (gracefully, as on SIGTERM) once `parent` is no longer its parent process."""
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


class Command(BaseCommand):
    help = "运行后台任务（导入、重算汇总、导出）/ Run background jobs"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--backend", default="default", help="队列后端（settings.TASKS 中的名称）")
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时每隔几秒查看一次")
        parser.add_argument("--wait-migrations", type=float, default=600.0,
                            help="最多等待数据库迁移完成的秒数")
        parser.add_argument("--batch", action="store_true", help="做完队列中的任务后退出")
        parser.add_argument("--parent", type=int, default=0,
                            help="该进程号的进程结束时本进程随之退出（演示站点用）")

    def handle(self, *args: Any, backend: str, interval: float, wait_migrations: float, batch: bool,
               parent: int, **options: Any) -> None:
        if parent:
            threading.Thread(target=_exit_with, args=(parent,), name="parent-watch", daemon=True).start()
        deadline = time.monotonic() + wait_migrations
        told = False
        while _migrations_pending():
            if time.monotonic() > deadline:
                raise CommandError("数据库迁移一直没有完成，后台任务进程退出；请先运行 shanhai migrate。")
            if not told:
                self.stderr.write("等待数据库迁移完成……")
                told = True
            time.sleep(2)
        connection.close()
        worker_beat()
        for job in jobs_reap():
            self.stderr.write(f"任务 {job.pk}（{job.label}）：{job.message}")
        stop = threading.Event()
        reaper = threading.Thread(target=self._reap_loop, args=(stop,), name="job-reaper", daemon=True)
        reaper.start()
        try:
            if _on_redis(backend):
                self._rq_work(backend, batch)
            else:
                call_command("db_worker", backend_name=backend, queue_name="*", interval=interval, batch=batch,
                             reload=False, startup_delay=False, verbosity=options.get("verbosity", 1))
        finally:
            stop.set()

    def _rq_work(self, backend: str, batch: bool) -> None:
        """RQ's own worker on the backend's queues: each job in a forked child (a crash or SIGKILL of the
        child leaves the worker, and the reaper finds the job's process gone)."""
        import django_rq
        from django_tasks import task_backends
        from django_tasks_rq import Job as RQJob

        for job in jobs_requeue_lost(older_than=0):
            self.stderr.write(f"任务 {job.pk}（{job.label}）：已重新送入队列")
        worker = django_rq.get_worker(*sorted(task_backends[backend].queues), job_class=RQJob)
        worker.work(burst=batch, with_scheduler=False, logging_level="WARNING")

    def _reap_loop(self, stop: threading.Event) -> None:
        while not stop.wait(REAP_EVERY):
            worker_beat()
            try:
                jobs_reap()
                jobs_requeue_lost()
            except Exception as e:  # noqa: BLE001 - a database hiccup must not stop the worker
                self.stderr.write(f"检查中断的任务时出错：{e}")
            finally:
                connection.close()  # this thread's own connection
