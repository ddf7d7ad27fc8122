"""Writes for the upload page: check an uploaded file (a dry run kept as an ImportRun), then confirm it.

What is stored, how and for how long is `uploads.py`'s policy: an upload is stored (encrypted) only
once its check passes; a refused one is never kept; after the import it is replaced by a masked copy.
"""

from __future__ import annotations

import errno
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from shanhai.accounts.writes import WriteGuard
from shanhai.core.errors import ShanhaiError
from shanhai.core.progress import Progress
from shanhai.ops.jobs import job_active_for, job_submit
from shanhai.ops.models import Job
from shanhai.transfer import uploads
from shanhai.transfer.engine import ImportResult, _prepare, import_file
from shanhai.transfer.models import ImportRun, RunStatus
from shanhai.transfer.readers import Limits, ReaderError, open_book
from shanhai.transfer.specs import TypeSpec, get_spec

logger = logging.getLogger(__name__)


def can_import(user: User, spec: TypeSpec) -> bool:
    """A user may import a type they may add or change (each row is then checked by accounts.writes)."""
    guard = WriteGuard(user)
    return not guard.role_error(spec.model, "add") or not guard.role_error(spec.model, "change")


def _check_permission(user: User, type_key: str) -> None:
    spec = get_spec(type_key)
    if not can_import(user, spec):
        raise ShanhaiError(f"您没有导入“{spec.label}”的权限。", code="forbidden")


@contextmanager
def _upload_copy(upload: UploadedFile, name: str) -> Iterator[Path]:
    """The upload as a private temporary file (mode 600), deleted on leaving; nothing is stored yet."""
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix[:8]) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        yield Path(tmp.name)


def _detect_type(path: Path, name: str) -> TypeSpec | None:
    """The import type the file's headers name, read before anything is stored (None if unknown)."""
    scratch = ImportResult(filename=name)
    try:
        with open_book(path, limits=Limits.from_settings(), filename=name) as book:
            spec, _ = _prepare(book, None, scratch)
    except ReaderError:
        return None
    return spec


DISK_FULL = (errno.ENOSPC, errno.EDQUOT)  # no space left, or over the disk quota


def _apply(run: ImportRun, result: ImportResult) -> None:
    run.type_key = result.type_key or run.type_key
    run.result = result.as_dict()
    if not result.ok:
        run.status = RunStatus.REFUSED
    elif result.committed:
        run.status = RunStatus.IMPORTED
        run.finished_at = timezone.now()
    else:
        run.status = RunStatus.CHECKED


def _refuse(run: ImportRun, result: ImportResult) -> ImportRun:
    """A refused upload: its result is kept, its file is not (deleted at once if it was stored)."""
    _apply(run, result)
    uploads.remove(run)
    run.save()
    return run


def import_run_check(*, user: User, upload: UploadedFile, type_key: str | None = None) -> ImportRun:
    """Check the upload (a dry run); it is stored, encrypted, only if the check passes."""
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
    with _upload_copy(upload, name) as path:
        spec = get_spec(type_key) if type_key else _detect_type(path, name)
        if spec is not None and not can_import(user, spec):
            # refused before the file is read any further, and never stored
            result = ImportResult(filename=name, dry_run=True, type_key=spec.key, type_label=spec.label)
            result.file_errors.append(f"您没有导入“{spec.label}”的权限。")
            return _refuse(run, result)
        result = import_file(path, type_key=type_key or None, dry_run=True, user=user, filename=name)
        if result.type_key and not can_import(user, get_spec(result.type_key)):
            result.file_errors.append(f"您没有导入“{result.type_label}”的权限。")
        if not result.ok:
            return _refuse(run, result)
        if not result.created and not result.updated and not result.warning_count:
            # nothing would be written: finished now, rather than waiting "待确认" for ever
            _apply(run, result)
            run.status, run.finished_at = RunStatus.UNCHANGED, timezone.now()
            run.save()
            return run
        _apply(run, result)
        try:
            uploads.store(run, path)
        except OSError as e:
            if e.errno not in DISK_FULL:
                raise
            uploads.remove(run)  # a partly written file is not kept; the run was never saved
            raise ShanhaiError(_("服务器磁盘已满，文件未保存，数据未导入；请联系管理员清理磁盘后重新上传。"),
                               field="file", code="disk_full") from e
    run.save()
    return run


def _may_commit(run: ImportRun, user: User, accept_warnings: bool) -> None:
    if run.user_id != user.pk and not user.is_superuser:
        raise ShanhaiError("这不是您上传的文件。", code="forbidden")
    if run.status != RunStatus.CHECKED:
        raise ShanhaiError("该文件已导入、已被拒绝或已过期，不能再次确认；请重新上传。", code="state")
    _check_permission(user, run.type_key)
    if run.result.get("warning_count") and not accept_warnings:
        raise ShanhaiError("请先核对上面列出的日期，勾选“我已核对以上日期”后再确认导入。", code="warnings")


def run_subject(run: ImportRun) -> str:
    return f"transfer.importrun:{run.pk}"


def import_run_submit(*, run: ImportRun, user: User, accept_warnings: bool = False, backend: str = "default") -> Job:
    """Confirm a checked upload: the import runs in the background as this user (`jobs.import_commit`).

    Refused at once, before anything is queued, for what the page can say now (not the uploader, not
    checked, no permission, dates not confirmed, already being imported)."""
    _may_commit(run, user, accept_warnings)
    if job_active_for(run_subject(run)) is not None:
        raise ShanhaiError("该文件正在后台导入，请等待完成。", code="state")
    return job_submit(kind="transfer.import", label=f"导入：{run.filename}", user=user, subject=run_subject(run),
                      params={"run": run.pk, "accept_warnings": accept_warnings}, backend=backend)


def import_run_commit(*, run: ImportRun, user: User, accept_warnings: bool = False,
                      progress: Progress | None = None) -> ImportRun:
    """Import a checked upload for real; it is checked again, all or nothing.

    The run's status and result are saved inside the import's transaction, so they commit or roll back
    with the data. A file with warnings (dates beyond next year) needs `accept_warnings`. The page runs
    this in the background (`import_run_submit`); `progress` is told the rows read against the check's count.
    """
    _may_commit(run, user, accept_warnings)
    if progress is not None:
        progress.start(int(run.result.get("rows") or 0) or None, f"导入：{run.filename}")

    def record(result: ImportResult) -> None:  # inside the transaction, after the data is written
        # A second confirmation racing this one waits here for the first to commit, then finds it imported.
        status = ImportRun.objects.select_for_update().filter(pk=run.pk).values_list("status", flat=True).first()
        if status != RunStatus.CHECKED:
            raise ShanhaiError("该文件已在另一次确认中导入或已过期；本次没有写入任何数据。", code="state")
        _apply(run, result)
        run.save()

    with uploads.local_copy(run) as path:
        result = import_file(path, type_key=run.type_key, dry_run=False, user=user, filename=run.filename,
                             accept_warnings=accept_warnings, on_commit_inside=record, progress=progress)
        if not result.ok:
            return _refuse(run, result)
        if not result.committed:  # new warnings since the check: show them, keep the file
            _apply(run, result)
            run.save()
            raise ShanhaiError("文件中有需要核对的日期；请核对后勾选“我已核对以上日期”，再确认导入。", code="warnings")
        try:
            uploads.keep_masked(run, path)
        except Exception:  # the data is in; `uploads_cleanup` makes the masked copy later
            logger.exception("导入记录%s：生成脱敏副本失败", run.pk)
        else:
            run.save(update_fields=["file", "file_masked"])
    return run
