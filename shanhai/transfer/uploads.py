"""Uploads at rest: encrypted, kept no longer than needed, and only with personal numbers masked once imported.

The policy (also in the README):

- an upload is stored only after its check passes; a refused upload is never kept;
- what is stored is encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) under a key
  derived from `SECRET_KEY` (older keys in `SECRET_KEY_FALLBACKS` still decrypt), in 4 MB chunks that
  carry their index and a last-chunk flag, so a reordered or truncated file is refused, never imported;
- the file is named by a random id (the name the user gave is kept on the ImportRun only) and written
  mode 600 in folders mode 700 (`FILE_UPLOAD_PERMISSIONS`, `FILE_UPLOAD_DIRECTORY_PERMISSIONS`);
- between check and confirmation the full file is needed (it is checked again when confirmed); once
  imported it is replaced by a copy with the identity-number and phone columns masked (and any
  identity-number-like or mobile-number-like text in other cells), kept `SHANHAI_UPLOAD_RETENTION_DAYS`;
- `shanhai uploads_cleanup` (scheduled daily) removes kept copies past retention, checked uploads never
  confirmed after a day, and stray files.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import shutil
import struct
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import IO, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db.models import Q
from django.utils import timezone

from shanhai.core.errors import ShanhaiError
from shanhai.core.redact import CANDIDATE, redact_value
from shanhai.transfer.engine import masked
from shanhai.transfer.headers import HEADER_SCAN_ROWS, find_header
from shanhai.transfer.models import ImportRun, RunStatus
from shanhai.transfer.readers import NO_VALUE, Limits, open_book
from shanhai.transfer.specs import TYPES

UPLOAD_DIR = "imports"
MAGIC = b"SHANHAI-UPLOAD-1\n"
CHUNK = 4 * 1024 * 1024
_HEAD = struct.Struct(">QB")  # chunk index, last-chunk flag
UNCONFIRMED_DAYS = 1


class UploadUnreadable(ShanhaiError):
    pass


def _key(secret: str) -> bytes:
    digest = hmac.new(secret.encode(), b"shanhai.transfer.uploads", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest)


def _fernet() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_key(s)) for s in secrets])


def seal(src: IO[bytes], dst: IO[bytes]) -> None:
    """Encrypt `src` into `dst`: a magic line, then one Fernet token per chunk, one per line."""
    f = _fernet()
    dst.write(MAGIC)
    index = 0
    data = src.read(CHUNK)
    while True:
        following = src.read(CHUNK) if data else b""
        last = not following
        dst.write(f.encrypt(_HEAD.pack(index, last) + data) + b"\n")
        if last:
            return
        data, index = following, index + 1


def unseal(src: IO[bytes], dst: IO[bytes]) -> None:
    """Decrypt what `seal` wrote; a file from before encryption (no magic line) is copied as it is."""
    head = src.read(len(MAGIC))
    if head != MAGIC:
        dst.write(head)
        shutil.copyfileobj(src, dst)
        return
    f = _fernet()
    expected = 0
    while line := src.readline():
        try:
            plain = f.decrypt(line.rstrip(b"\n"))
        except InvalidToken as e:
            raise UploadUnreadable("保存的上传文件无法解密（密钥已更换或文件已损坏），请重新上传。", code="unreadable") from e
        index, last = _HEAD.unpack_from(plain)
        if index != expected:
            break
        dst.write(plain[_HEAD.size:])
        if last:
            if src.readline():
                break
            return
        expected += 1
    raise UploadUnreadable("保存的上传文件不完整或已被改动，请重新上传。", code="unreadable")


def store(run: ImportRun, path: Path, *, storage_masked: bool = False) -> None:
    """Encrypt the local file at `path` into storage as the run's file (replacing any previous one)."""
    previous = run.file.name if run.file else ""
    with tempfile.TemporaryFile() as sealed:
        with path.open("rb") as clear:
            seal(clear, sealed)
        sealed.seek(0)
        run.file.save(f"{uuid.uuid4().hex}.enc", File(sealed), save=False)
    run.file_masked = storage_masked
    if previous and previous != run.file.name:
        run.file.storage.delete(previous)


def remove(run: ImportRun) -> bool:
    """Delete the run's stored file, if any; True when something was deleted."""
    if not run.file:
        return False
    name = run.file.name
    run.file.storage.delete(name)
    run.file = ""
    run.file_masked = False
    run.file_removed_at = timezone.now()
    return True


@contextmanager
def local_copy(run: ImportRun) -> Iterator[Path]:
    """The stored upload decrypted into a private temporary file (storage may be remote or in memory)."""
    if not run.file:
        raise ShanhaiError("上传的文件已按保留规定删除，请重新上传。", code="state")
    suffix = Path(run.filename).suffix[:8]
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:  # mode 600
        try:
            stored = run.file.open("rb")
        except FileNotFoundError as e:
            raise ShanhaiError("上传的文件已不在服务器上，请重新上传。", code="state") from e
        with stored:
            unseal(stored, tmp)
        tmp.flush()
        yield Path(tmp.name)


# ---- the retained copy ------------------------------------------------------------------------

def _masked_rows(sheet: Any, type_key: str) -> Iterator[list[Any]]:
    """The sheet's rows with the type's secret columns masked and personal numbers masked elsewhere.

    One search per row finds the rare row that may hold a number (`redact.CANDIDATE`); only its cells
    are looked at one by one, so a million-row sheet costs seconds, not a minute.
    """
    spec = TYPES.get(type_key)
    head = list(islice(sheet.rows, HEADER_SCAN_ROWS))
    header = find_header(spec, head) if spec is not None else None
    secret = {i: c for i, c in header.columns.items() if c.secret} if header is not None else {}
    start = header.header_row if header is not None else 0
    search = CANDIDATE.search
    for number, row in _chain(head, sheet.rows):
        out = [None if v is NO_VALUE else v for v in row]
        if search("\x1f".join(v if v.__class__ is str else str(v) for v in out if v is not None)):
            out = [redact_value(v) for v in out]
        if secret and number > start:
            for i, c in secret.items():
                if i < len(out) and out[i] not in (None, ""):
                    out[i] = masked(c, out[i])
        yield out


def _chain(first: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    yield from first
    yield from rest


def write_masked_copy(path: Path, filename: str, type_key: str, dst: IO[bytes]) -> None:
    """The file as read (every sheet, every row), personal numbers masked, as .csv or .xlsx like the upload."""
    with open_book(path, limits=Limits.from_settings(), filename=filename) as book:
        if book.kind == "csv":
            text = io.TextIOWrapper(dst, encoding="utf-8-sig", newline="", write_through=True)
            writer = csv.writer(text, lineterminator="\r\n")
            for sheet in book.sheets:
                for row in _masked_rows(sheet, type_key):
                    writer.writerow(["" if v is None else v for v in row])
            text.flush()
            text.detach()
            return
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        for sheet in book.sheets:
            ws = wb.create_sheet(title=sheet.name[:31] or "Sheet")
            if sheet.hidden:
                ws.sheet_state = "hidden"
            for row in _masked_rows(sheet, type_key):
                ws.append(row)
        wb.save(dst)


def keep_masked(run: ImportRun, path: Path) -> None:
    """Replace the run's stored upload with its masked copy (from the clear local file at `path`)."""
    suffix = Path(run.filename).suffix[:8]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        write_masked_copy(path, run.filename, run.type_key, copy)
        copy.flush()
        store(run, Path(copy.name), storage_masked=True)


# ---- the scheduled cleanup -------------------------------------------------------------------

@dataclass
class Done:
    name: str  # the name the user gave (or the storage name of a stray file)
    why: str
    removed: bool = True  # False: the file was replaced by its masked copy


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for d in dirs:
        yield from _walk(storage, f"{folder}/{d}")


def cleanup(now: Any = None, storage: Storage | None = None) -> list[Done]:
    """Apply the retention policy once; idempotent. Returns what was done, in Chinese."""
    now = now or timezone.now()
    retention = int(getattr(settings, "SHANHAI_UPLOAD_RETENTION_DAYS", 30))
    done: list[Done] = []
    runs = ImportRun.objects.exclude(file="").select_related("user")
    for run in runs.filter(status=RunStatus.IMPORTED, file_masked=False):
        # imported but the masked copy was never made (a crash right after the commit, or an older upload)
        try:
            with local_copy(run) as path:
                keep_masked(run, path)
        except ShanhaiError:
            remove(run)
            done.append(Done(run.filename, "已导入，保存的文件无法读取，已删除"))
        else:
            done.append(Done(run.filename, "已导入，已改为脱敏副本", removed=False))
        run.save(update_fields=["file", "file_masked", "file_removed_at"])
    expired = Q(status=RunStatus.IMPORTED, finished_at__lt=now - timedelta(days=retention))
    stale = Q(status=RunStatus.CHECKED, created_at__lt=now - timedelta(days=UNCONFIRMED_DAYS))
    refused = Q(status__in=[RunStatus.REFUSED, RunStatus.EXPIRED])
    for run in runs.filter(expired | stale | refused):
        if run.status == RunStatus.IMPORTED:
            why = f"已导入，超过保留期{retention}天"
        elif run.status == RunStatus.CHECKED:
            why = f"检查后超过{UNCONFIRMED_DAYS}天未确认导入"
            run.status = RunStatus.EXPIRED
        else:
            why = "未通过检查"
        remove(run)
        run.save(update_fields=["file", "file_masked", "file_removed_at", "status"])
        done.append(Done(run.filename, why))
    storage = storage or default_storage
    kept = set(ImportRun.objects.exclude(file="").values_list("file", flat=True))
    for name in _walk(storage, UPLOAD_DIR):
        if name in kept:
            continue
        try:
            modified = storage.get_modified_time(name)
        except (FileNotFoundError, NotImplementedError):
            continue
        if modified < now - timedelta(days=UNCONFIRMED_DAYS):  # a file just saved may not have its row yet
            storage.delete(name)
            done.append(Done(name, "没有对应的导入记录"))
    return done
