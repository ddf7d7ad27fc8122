"""The one task the queue runs: a recorded `Job` (ops/jobs.py), whatever its kind."""

from django_tasks import task

from shanhai.ops.jobs import job_execute


@task()
def run_job(job_id: int) -> str:
    return job_execute(job_id)
