"""Writes for the upload page: check an uploaded file (a dry run kept as an ImportRun), then confirm it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from shanhai.core.errors import ShanhaiError
from shanhai.transfer.engine import ImportResult, import_file
from shanhai.transfer.models import ImportRun, RunStatus
from shanhai.transfer.readers import Limits
from shanhai.transfer.specs import TypeSpec, get_spec


def can_import(user: User, spec: TypeSpec) -> bool:
    meta = spec.model._meta
    return user.is_superuser or user.has_perm(f"{meta.app_label}.add_{meta.model_name}") or user.has_perm(
        f"{meta.app_label}.change_{meta.model_name}"
    )


def _check_permission(user: User, type_key: str) -> None:
    spec = get_spec(type_key)
    if not can_import(user, spec):
        raise ShanhaiError(f"您没有导入“{spec.label}”的权限。", code="forbidden")


@contextmanager
def _local_copy(run: ImportRun) -> Iterator[Path]:
    """The stored upload as a local file (storage may be remote or in memory)."""
    suffix = Path(run.filename).suffix[:8]
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with run.file.open("rb") as stored:
            shutil.copyfileobj(stored, tmp)
        tmp.flush()
        yield Path(tmp.name)


def _finish(run: ImportRun, result: ImportResult) -> ImportRun:
    run.type_key = result.type_key or run.type_key
    run.result = result.as_dict()
    if not result.ok:
        run.status = RunStatus.REFUSED
    elif result.committed:
        run.status = RunStatus.IMPORTED
        run.finished_at = timezone.now()
    else:
        run.status = RunStatus.CHECKED
    run.save()
    return run


def import_run_check(*, user: User, upload: UploadedFile, type_key: str | None = None) -> ImportRun:
    """Store the upload and check it (a dry run); nothing is imported yet."""
    if type_key:
        _check_permission(user, type_key)
    limits = Limits.from_settings()
    if upload.size is not None and upload.size > limits.max_file_bytes:
        raise ShanhaiError(
            f"文件大小为{upload.size / 1024 / 1024:.1f} MB，超过上限{limits.max_file_bytes / 1024 / 1024:.0f} MB；请拆分后分别导入。",
            field="file", code="too_large",
        )
    name = Path(upload.name or "upload").name[:200]
    run = ImportRun(user=user, type_key=type_key or "", filename=name)
    run.file.save(name, upload, save=False)
    run.save()
    with _local_copy(run) as path:
        result = import_file(path, type_key=type_key or None, dry_run=True, user=user, filename=name)
    if result.type_key and not can_import(user, get_spec(result.type_key)):
        result.file_errors.append(f"您没有导入“{result.type_label}”的权限。")
    return _finish(run, result)


def import_run_commit(*, run: ImportRun, user: User) -> ImportRun:
    """Import a checked upload for real; it is checked again, all or nothing."""
    if run.user_id != user.pk and not user.is_superuser:
        raise ShanhaiError("这不是您上传的文件。", code="forbidden")
    if run.status != RunStatus.CHECKED:
        raise ShanhaiError("该文件已导入或已被拒绝，不能再次确认；请重新上传。", code="state")
    _check_permission(user, run.type_key)
    with _local_copy(run) as path:
        result = import_file(path, type_key=run.type_key, dry_run=False, user=user, filename=run.filename)
    return _finish(run, result)
