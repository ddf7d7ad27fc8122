"""Imports and exports as background jobs (ops/jobs.py): thin, as the user who asked."""

from __future__ import annotations

from django.urls import reverse

from shanhai.core.errors import ShanhaiError
from shanhai.ops.jobs import JobOutcome, JobProgress
from shanhai.ops.models import Job
from shanhai.transfer.models import ImportRun, RunStatus
from shanhai.transfer.services import import_run_commit


def import_commit(job: Job, progress: JobProgress) -> JobOutcome:
    """Confirm a checked upload (`import_run_commit`): all of it written, or nothing."""
    run = ImportRun.objects.filter(pk=job.params["run"]).first()
    if run is None:
        raise ShanhaiError("要导入的上传记录已不存在（可能已被删除），没有写入任何数据。", code="state")
    url = reverse("transfer:run", args=[run.pk])
    Job.objects.filter(pk=job.pk).update(url=url)
    job.url = url
    run = import_run_commit(run=run, user=job.user, accept_warnings=bool(job.params.get("accept_warnings")),
                            progress=progress)
    if run.status == RunStatus.REFUSED:
        raise ShanhaiError("确认导入时再次检查未通过，没有写入任何数据；出错的行见导入记录。", code="refused")
    result = run.result
    return JobOutcome(
        message=f"导入完成：新增{result.get('created', 0):,}条，更新{result.get('updated', 0):,}条。",
        result={k: result.get(k, 0) for k in ("rows", "created", "updated", "unchanged")}, url=url,
    )
