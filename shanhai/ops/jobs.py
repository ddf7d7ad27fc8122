"""Background jobs: queued through Django's Tasks API, run as the user who asked, with progress, and safe
when a worker dies mid-way.

- `job_submit` records a `Job` and enqueues the one task, `ops.tasks.run_job`, in the same transaction
  (the database backend's queue is a table beside the data), so a job is never queued without its row.
- `job_execute` (in the worker) claims the job, checks that the user who asked may still act, runs the
  kind's function (`KINDS`) with a `JobProgress`, and records the outcome with a Chinese message.
- Each kind's work is all-or-nothing (an import is one transaction) or resumable (a rebuild commits in
  batches that a rerun recomputes identically), so a worker killed with SIGKILL leaves nothing half-saved.
- `jobs_reap` finds jobs whose worker is gone (its process no longer exists on this machine, or its
  heartbeat in the "jobs" cache is older than `SHANHAI_JOB_STALE_SECONDS`) and queues them again, up to
  `max_attempts`, else marks them failed saying why. The worker runs it on start and every half minute;
  the job's status page runs it for the job it shows.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from shanhai.core.errors import ShanhaiError
from shanhai.core.progress import Progress, duration_zh, seconds_left
from shanhai.ops.models import Job, JobStatus

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0


@dataclass(frozen=True)
class Kind:
    function: str  # dotted path of fn(job, progress) -> JobOutcome
    on_interrupt: str  # what an interruption leaves behind, in the user's words


KINDS: dict[str, Kind] = {
    "transfer.import": Kind("shanhai.transfer.jobs.import_commit",
                            "导入在一个事务中进行，中断时没有写入任何数据"),
    "indicators.rebuild": Kind("shanhai.indicators.jobs.rebuild",
                               "汇总表按批次重算，已完成的批次是正确的，重新运行会得到相同的结果"),
    "portal.publish": Kind("shanhai.portal.jobs.publish", "公开门户先写入临时目录，中断时原有的静态网站保持不变"),
    "evidence.batch": Kind("shanhai.evidence.jobs.read_batch",
                           "每篇报告单独入库，已读完的报告完整保留，重新运行会跳过已读过的报告"),
}


@dataclass
class JobOutcome:
    message: str  # shown to the user, in Chinese
    result: dict[str, Any] = field(default_factory=dict)
    url: str = ""  # where the result is seen


def stale_seconds() -> float:
    return float(getattr(settings, "SHANHAI_JOB_STALE_SECONDS", 60))


def _cache() -> Any:
    return caches["jobs"]


def _cache_set(key: str, value: Any) -> None:
    try:
        _cache().set(key, value)
    except Exception:  # progress is a courtesy: a cache outage must not fail the job  # noqa: BLE001
        logger.warning("后台任务进度无法写入缓存：%s", key)


def _cache_get(key: str) -> Any:
    try:
        return _cache().get(key)
    except Exception:  # noqa: BLE001
        return None


def _progress_key(job_id: int) -> str:
    return f"job:{job_id}:progress"


def _beat_key(job_id: int) -> str:
    return f"job:{job_id}:beat"


# ---- submitting ------------------------------------------------------------------------------

def job_submit(*, kind: str, label: str, user: User | None, subject: str = "", params: dict[str, Any] | None = None,
               backend: str = "default", max_attempts: int = 2) -> Job:
    """Record the job and queue it (in one transaction). With the immediate backend (tests) it has run
    by the time this returns."""
    if kind not in KINDS:
        raise ValueError(kind)
    with transaction.atomic():
        job = Job.objects.create(kind=kind, label=label[:255], user=user, subject=subject, params=params or {},
                                 backend=backend, max_attempts=max_attempts)
        _enqueue(job)
    job.refresh_from_db()
    return job


def queue_in_database(backend: str) -> bool:
    """A queue outside the database (Redis/RQ) must not see a job before its row is committed."""
    from django_tasks import task_backends

    return not type(task_backends[backend]).__module__.startswith("django_tasks_rq")


def _enqueue(job: Job) -> None:
    if queue_in_database(job.backend):
        _enqueue_now(job)
    else:
        transaction.on_commit(lambda: _enqueue_now(job, soft=True))


def _enqueue_now(job: Job, *, soft: bool = False) -> None:
    from shanhai.ops.tasks import run_job

    try:
        result = run_job.using(backend=job.backend).enqueue(job.pk)
    except Exception:
        if not soft:
            raise
        # Redis unreachable: the job stays recorded as queued; jobs_requeue_lost sends it when Redis is back.
        logger.exception("后台任务 %s 无法送入队列，将在队列恢复后重试", job.pk)
        Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            message="任务队列暂时无法连接，任务已记录，队列恢复后将自动开始。")
        return
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


def jobs_requeue_lost(older_than: float | None = None) -> list[Job]:
    """Queued jobs the Redis queue does not hold (Redis restarted empty, or down at submit): sent again.
    The database queue cannot lose a job, so this looks only at jobs on other backends."""
    from django_tasks import task_backends
    from django_tasks.exceptions import TaskResultDoesNotExist

    cutoff = timezone.now() - timedelta(seconds=stale_seconds() if older_than is None else older_than)
    sent = []
    for job in Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff):
        if queue_in_database(job.backend):
            continue
        try:
            if job.task_id:
                task_backends[job.backend].get_result(job.task_id)
                continue
        except TaskResultDoesNotExist:
            pass
        _enqueue_now(job, soft=True)
        sent.append(job)
    return sent


def job_active_for(subject: str) -> Job | None:
    return Job.objects.filter(subject=subject, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()


def job_latest_for(subject: str) -> Job | None:
    return Job.objects.filter(subject=subject).order_by("-created_at", "-pk").first()


# ---- running ---------------------------------------------------------------------------------

def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class JobProgress(Progress):
    """Stores rows done, total, stage and time left in the "jobs" cache (at most twice a second), and
    beats every few seconds from a thread so the reaper can tell a long SQL statement from a dead worker."""

    def __init__(self, job: Job) -> None:
        super().__init__(job.label)
        self.job_id = job.pk
        self._stored = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job.pk}-heartbeat", daemon=True)

    def begin(self) -> None:
        _cache_set(_beat_key(self.job_id), time.time())
        self._thread.start()

    def end(self) -> None:
        self._stop.set()
        self._thread.join(timeout=HEARTBEAT_SECONDS)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            _cache_set(_beat_key(self.job_id), time.time())

    def changed(self, *, force: bool = False, final: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._stored < 0.5:
            return
        self._stored = now
        _cache_set(_progress_key(self.job_id), {
            "done": self.done, "total": self.total, "stage": self.stage_label, "label": self.label,
            "unit": self.unit, "elapsed": self.elapsed, "at": time.time(),
        })


def job_execute(job_id: int) -> str:
    """Run one queued job (called by the task). Returns its final status."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return "skipped"  # already run, reaped, or rolled back with what queued it
        job.status, job.attempts, job.worker = JobStatus.RUNNING, job.attempts + 1, worker_name()
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "worker", "started_at"])
    progress = JobProgress(job)
    progress.begin()
    try:
        if job.user is not None and not job.user.is_active:
            raise ShanhaiError("发起这项任务的账号已停用，任务没有执行。", code="forbidden")
        work = import_string(KINDS[job.kind].function)
        outcome: JobOutcome = work(job, progress)
    except ShanhaiError as e:
        _finish(job, JobStatus.FAILED, e.message)
    except Exception as e:  # recorded for the user; the traceback goes to the log
        logger.exception("后台任务 %s（%s）出错", job.pk, job.kind)
        _finish(job, JobStatus.FAILED, f"后台任务出错（{type(e).__name__}），{KINDS[job.kind].on_interrupt}。"
                                       f"请稍后重试；如仍失败，请把任务编号 {job.pk} 告诉管理员。")
    else:
        progress.finish()
        _finish(job, JobStatus.SUCCEEDED, outcome.message, result=outcome.result, url=outcome.url)
    finally:
        progress.end()
    return Job.objects.filter(pk=job.pk).values_list("status", flat=True).first() or "skipped"


def _finish(job: Job, status: str, message: str, *, result: dict[str, Any] | None = None, url: str = "") -> None:
    # Only this attempt's own row: a job reaped meanwhile (wrongly thought dead) is not overwritten.
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts, worker=job.worker).update(
        status=status, message=message, result=result or {}, url=url or job.url, finished_at=timezone.now(),
    )


# ---- a worker that died ----------------------------------------------------------------------

def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a killed child nobody has waited for yet is a zombie: gone all the same
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] in ("Z", "X")
    except OSError:
        return False


def job_worker_dead(job: Job, now: float | None = None) -> bool:
    """True when the running job's worker is certainly gone: its process no longer exists (same machine),
    or it has not beaten for `stale_seconds` (any machine; unknown when the cache cannot be read)."""
    if job.status != JobStatus.RUNNING:
        return False
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and _process_gone(int(pid)):
        return True
    beat = _cache_get(_beat_key(job.pk))
    now = now or time.time()
    if beat is None:
        started = job.started_at.timestamp() if job.started_at else now
        return now - started > stale_seconds() * 2 and _cache_reachable()
    return now - float(beat) > stale_seconds()


def _cache_reachable() -> bool:
    try:
        _cache().get("job:ping")
    except Exception:  # noqa: BLE001
        return False
    return True


def jobs_reap(job: Job | None = None) -> list[Job]:
    """Queue again (or fail) the running jobs whose worker is gone; returns those it changed."""
    candidates = [job] if job is not None else list(Job.objects.filter(status=JobStatus.RUNNING))
    changed = []
    for candidate in candidates:
        if not job_worker_dead(candidate):
            continue
        with transaction.atomic():
            current = Job.objects.select_for_update().filter(
                pk=candidate.pk, status=JobStatus.RUNNING, worker=candidate.worker, attempts=candidate.attempts,
            ).first()
            if current is None:
                continue
            _task_failed(current)
            note = KINDS[current.kind].on_interrupt if current.kind in KINDS else ""
            if current.attempts < current.max_attempts:
                current.status = JobStatus.QUEUED
                current.message = (f"第{current.attempts}次执行时工作进程意外退出，{note}；已自动重新排队。")
                current.save(update_fields=["status", "message"])
                _enqueue(current)
            else:
                current.status, current.finished_at = JobStatus.FAILED, timezone.now()
                current.message = (f"工作进程在执行中意外退出（已执行{current.attempts}次），{note}。"
                                   "请稍后重新提交；如反复出现，请联系管理员检查服务器的内存和磁盘。")
                current.save(update_fields=["status", "message", "finished_at"])
            logger.warning("后台任务 %s 的工作进程 %s 已不存在：%s", current.pk, current.worker, current.message)
            changed.append(current)
    return changed


def _task_failed(job: Job) -> None:
    """The Tasks API's own row of the dead attempt says RUNNING for ever otherwise."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the backend is installed with the project
        return
    if job.task_id:
        DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
            status="FAILED", finished_at=timezone.now())


WORKER_BEAT_KEY = "workers:beat"


def worker_beat() -> None:
    """A worker says it is alive (at start and every reaper pass), for /healthz."""
    _cache_set(WORKER_BEAT_KEY, {"at": time.time(), "worker": worker_name()})


def queue_health() -> dict[str, Any]:
    """Jobs waiting and running, and how long ago a worker last said it was alive (None: never seen)."""
    counts = dict.fromkeys((JobStatus.QUEUED, JobStatus.RUNNING), 0)
    for status in Job.objects.filter(status__in=list(counts)).values_list("status", flat=True):
        counts[status] += 1
    beat = _cache_get(WORKER_BEAT_KEY)
    seen = round(time.time() - float(beat["at"]), 1) if isinstance(beat, dict) else None
    return {"queued": counts[JobStatus.QUEUED], "running": counts[JobStatus.RUNNING], "worker_seen_seconds": seen}


# ---- what a page shows -----------------------------------------------------------------------

def job_status(job: Job) -> dict[str, Any]:
    """The job as the page's progress bar reads it (reaping it first if its worker is gone)."""
    if job.status == JobStatus.RUNNING and jobs_reap(job):
        job.refresh_from_db()
    p = _cache_get(_progress_key(job.pk)) if job.active else None
    out: dict[str, Any] = {
        "id": job.pk, "label": job.label, "status": job.status, "status_label": str(job.get_status_display()),
        "active": job.active, "message": job.message, "url": job.url, "attempts": job.attempts,
        "done": 0, "total": None, "percent": None, "stage": "", "left": "", "text": "",
    }
    if job.status == JobStatus.QUEUED:
        ahead = Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__lt=job.created_at).count()
        out["text"] = f"排队中，前面还有{ahead}项任务。" if ahead else "排队中，即将开始。"
    if p:
        done, total = int(p.get("done") or 0), p.get("total")
        elapsed = float(p.get("elapsed") or 0) + (time.time() - float(p.get("at") or time.time()))
        out.update(done=done, total=total, stage=p.get("stage") or "")
        if total:
            out["percent"] = min(100, int(done * 100 / total))
        left = seconds_left(done, total, float(p.get("elapsed") or 0))
        out["left"] = duration_zh(left) if left else ""
        unit = p.get("unit") or "行"
        parts = [f"{done:,}/{total:,} {unit}" if total else f"{done:,} {unit}"]
        parts.append(out["stage"] or (f"剩余约 {out['left']}" if out["left"] else ""))
        parts.append(f"已用 {duration_zh(elapsed)}")
        out["text"] = " · ".join(x for x in parts if x)
    return out


def job_visible(user: User, job: Job) -> bool:
    from shanhai.accounts.writes import is_national

    return job.user_id == user.pk or user.is_superuser or is_national(user)


def jobs_recent(user: User, limit: int = 20) -> list[Job]:
    qs = Job.objects.all() if user.is_superuser else Job.objects.filter(user=user)
    return list(qs.order_by("-created_at")[:limit])


def jobs_purge(days: int = 30) -> int:
    """Finished jobs older than `days`: gone, with the Tasks API's rows of them."""
    cutoff = timezone.now() - timedelta(days=days)
    old = Job.objects.filter(finished_at__lt=cutoff).exclude(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    return old.delete()[0]
