"""The roll-up rebuild as a background job (ops/jobs.py): the national office's, resumable."""

from __future__ import annotations

from shanhai.core.errors import ShanhaiError
from shanhai.indicators.rollups import rollups_rebuild
from shanhai.ops.jobs import JobOutcome, JobProgress
from shanhai.ops.models import Job


def rebuild(job: Job, progress: JobProgress) -> JobOutcome:
    """Recompute every roll-up; an interrupted run continues from its last finished batch."""
    # A rebuild rewrites every region's figures: only the national office may start one.
    if job.user is None or not job.user.has_perm("accounts.national_office"):
        raise ShanhaiError("只有全国管理员可以重建指标汇总，没有做任何改动。", code="forbidden")
    report = rollups_rebuild(batch=int(job.params.get("batch", 2000)), resume=True, progress=progress)
    resumed = f"（从结对 id {report.resumed_from} 之后续跑）" if report.resumed_from else ""
    return JobOutcome(
        message=f"指标汇总重建完成{resumed}：结对 {report.pairings:,} 个，结对值 {report.pairing_values:,} 行，"
                f"地区汇总 {report.region_values:,} 行。",
        result={"pairings": report.pairings, "pairing_values": report.pairing_values,
                "tree_values": report.tree_values, "region_values": report.region_values},
    )
