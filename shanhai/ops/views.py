"""Pages of the ops app: background jobs (progress and result) and the coordinators' login unlock."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from shanhai.ops.jobs import job_status, job_visible, jobs_recent
from shanhai.ops.models import Job


def _job(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job, pk=pk)
    if not job_visible(request.user, job):
        raise Http404("没有这项后台任务。")  # another user's job: not even its existence
    return job


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "ops/job.html", {"job": job, "status": job_status(job)})


@login_required
@require_GET
def job_status_json(request: HttpRequest, pk: int) -> JsonResponse:
    response = JsonResponse(job_status(_job(request, pk)), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "ops/jobs.html", {"jobs": jobs_recent(request.user)})
