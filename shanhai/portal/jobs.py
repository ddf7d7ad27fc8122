"""The background job an approval queues when SHANHAI_PUBLISH_DIR is set (ops/jobs.py kind "portal.publish")."""

from __future__ import annotations

from pathlib import Path

from shanhai.core.progress import Progress
from shanhai.ops.jobs import JobOutcome
from shanhai.ops.models import Job
from shanhai.portal.publish import publish as publish_site


def publish(job: Job, progress: Progress) -> JobOutcome:
    done = publish_site(Path(job.params["out"]), progress)
    return JobOutcome(f"公开门户已导出 {done.files} 个文件，用时 {done.seconds:.0f} 秒。",
                      result={"files": done.files, "bytes": done.bytes, "out": str(done.out)})
