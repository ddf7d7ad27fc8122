"""Pages for templates, uploads and exports: thin adapters over services and selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanhai.core.errors import ShanhaiError
from shanhai.ops.jobs import job_latest_for, job_status
from shanhai.transfer.exports import XLSX_MIME, export_response
from shanhai.transfer.models import ImportRun, RunStatus
from shanhai.transfer.selectors import export_columns, export_rows, records, runs_for
from shanhai.transfer.services import can_import, import_run_check, import_run_submit, run_subject
from shanhai.transfer.specs import TYPES, get_spec
from shanhai.transfer.templates import template_csv, template_xlsx


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))
    type_key = forms.ChoiceField(
        label=_("导入类型"), required=False,
        choices=[("", _("按表头自动识别"))] + [(k, s.label) for k, s in TYPES.items()],
    )


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            run = import_run_check(user=request.user, upload=form.cleaned_data["file"],
                                   type_key=form.cleaned_data["type_key"] or None)
        except ShanhaiError as e:
            error = e.message
        else:
            return redirect("transfer:run", pk=run.pk)
    types = [
        {"key": k, "label": s.label, "natural_key": s.natural_key_doc, "can_import": can_import(request.user, s)}
        for k, s in TYPES.items()
    ]
    runs = runs_for(request.user)[:20]
    return render(request, "transfer/index.html", {"form": form, "types": types, "runs": runs, "error": error},
                  status=400 if error else 200)


@login_required
@require_GET
def template(request: HttpRequest, type_key: str, fmt: str) -> HttpResponse:
    if type_key not in TYPES:
        raise Http404
    spec = TYPES[type_key]
    if fmt == "xlsx":
        response = HttpResponse(template_xlsx(spec), content_type=XLSX_MIME)
    else:
        response = HttpResponse(template_csv(spec), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{spec.label}导入模板.{fmt}")
    return response


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(runs_for(request.user), pk=pk)
    return render(request, "transfer/run.html", _run_context(run))


def _run_context(run: ImportRun, **extra: Any) -> dict[str, Any]:
    """The run and, while it is being imported or if its import failed, its background job's status."""
    job = job_latest_for(run_subject(run))
    status = job_status(job) if job is not None and (job.active or run.status == RunStatus.CHECKED) else None
    if status is not None and not status["active"]:
        run.refresh_from_db()  # the job may have finished between the two reads
    return {"run": run, "result": run.result, "job": status, **extra}


@login_required
@require_POST
def run_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the import (it runs in the background as this user); the run page shows its progress."""
    run = get_object_or_404(runs_for(request.user), pk=pk)
    try:
        import_run_submit(run=run, user=request.user, accept_warnings=request.POST.get("accept_warnings") == "1")
    except ShanhaiError as e:
        return render(request, "transfer/run.html", _run_context(run, error=e.message), status=400)
    return redirect("transfer:run", pk=run.pk)


def _int(value: Any) -> int | None:
    return int(value) if value not in (None, "") and str(value).isdigit() else None


@login_required
@require_GET
def export(request: HttpRequest, type_key: str, fmt: str) -> HttpResponse:
    """Records of a type, scoped and filtered, in the import template's columns (re-importable)."""
    if type_key not in TYPES:
        raise Http404
    spec = get_spec(type_key)
    meta = spec.model._meta
    if not request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):  # roles, as well as scope
        raise PermissionDenied(f"您没有查看“{meta.verbose_name}”的权限，不能导出。")
    g = request.GET
    try:
        qs = records(request.user, spec, programme=_int(g.get("programme")), pairing=_int(g.get("pairing")),
                     region=g.get("region") or None, side=g.get("side") or None, year=_int(g.get("year")))
    except ShanhaiError as e:
        return HttpResponse(e.message, status=400, content_type="text/plain; charset=utf-8")
    return export_response(rows=export_rows(spec, qs), columns=export_columns(spec), filename=spec.label,
                           fmt=fmt, sheet_title=spec.label)  # type: ignore[arg-type]
