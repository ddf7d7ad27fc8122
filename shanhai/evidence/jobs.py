"""Reading a folder or a zip of reports as a background job (ops/jobs.py kind "evidence.batch").

Each report is filed on its own (`review.document_ingest`, all or nothing per report), so a job that
stops half-way leaves whole documents only, and running it again skips what it already read: a report
whose bytes or cleaned text the pairing already holds is counted as skipped, not read twice.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from pathlib import Path

from shanhai.core.errors import ShanhaiError
from shanhai.evidence import EvidenceError, read_document
from shanhai.evidence.models import SourceDocument
from shanhai.evidence.review import document_ingest
from shanhai.ops.jobs import JobOutcome, JobProgress
from shanhai.ops.models import Job

SUFFIXES = frozenset({".txt", ".htm", ".html", ".docx", ".pdf"})
MAX_MEMBER_BYTES = 50 * 1024 * 1024


def _reports(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every report in a folder (recursively) or a zip, in name order."""
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and p.suffix.lower() in SUFFIXES:
                yield p.name, p.read_bytes()
        return
    with zipfile.ZipFile(path) as z:
        for info in sorted(z.infolist(), key=lambda i: i.filename):
            if info.is_dir() or Path(info.filename).suffix.lower() not in SUFFIXES:
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                continue  # refused like an oversized upload, before it is unpacked
            yield Path(info.filename).name, z.read(info)


def _count(path: Path) -> int:
    if path.is_dir():
        return sum(1 for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    with zipfile.ZipFile(path) as z:
        return sum(1 for i in z.infolist() if not i.is_dir() and Path(i.filename).suffix.lower() in SUFFIXES)


def read_batch(job: Job, progress: JobProgress) -> JobOutcome:
    """params: {"path": a folder or .zip on the server, "pairing": the pairing's id}."""
    path = Path(job.params["path"])
    if not path.exists() or not (path.is_dir() or zipfile.is_zipfile(path)):
        raise ShanhaiError(f"「{path}」不是文件夹或 zip 文件，没有读取任何报告。", code="state")
    pairing = int(job.params["pairing"])
    user = job.user
    progress.start(_count(path), "读取报告")
    read = skipped = refused = 0
    problems: list[str] = []
    for name, data in _reports(path):
        progress.advance()
        held = SourceDocument.objects.filter(pairing_id=pairing)
        if held.filter(sha256=hashlib.sha256(data).hexdigest()).exists():
            skipped += 1
            continue
        try:
            text = read_document(data, name=name).text
        except EvidenceError as e:
            refused += 1
            problems.append(f"{name}：{e}")
            continue
        if held.filter(text=text).exists():
            skipped += 1
            continue
        try:
            document_ingest(user=user, pairing=pairing, data=data, filename=name)  # type: ignore[arg-type]
        except ShanhaiError as e:
            if e.code == "forbidden":
                raise
            refused += 1
            problems.append(f"{name}：{e.message}")
            continue
        read += 1
    message = f"读取完成：新读取{read}篇，已读过跳过{skipped}篇，无法读取{refused}篇。"
    return JobOutcome(message=message, result={"read": read, "skipped": skipped, "refused": refused,
                                               "problems": problems[:50]})
