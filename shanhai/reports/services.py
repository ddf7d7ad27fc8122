"""Write a report file: gather the figures, build the document in a temporary file beside the target,
then rename it into place, so a failure (a broken template, no data, LibreOffice missing) leaves no file
and never a half-written one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.contrib.auth.models import User

from shanhai.core.errors import ShanhaiError
from shanhai.reports.data import ReportData, report_data
from shanhai.reports.summary import summary_document
from shanhai.reports.tables import tables_workbook

FORMATS = ("docx", "xlsx", "pdf")


def _build(data: ReportData, fmt: str, part: Path, *, money: str, template: str | Path | None,
           pdf_of: str) -> None:
    if fmt == "xlsx":
        tables_workbook(data, money=money).save(part)
    elif fmt == "docx":
        summary_document(data, template=template).save(str(part))
    else:
        from shanhai.reports.pdf import to_pdf

        with tempfile.TemporaryDirectory(prefix="shanhai-report-") as tmp:
            src = Path(tmp) / f"report.{pdf_of}"
            _build(data, pdf_of, src, money=money, template=template, pdf_of=pdf_of)
            to_pdf(src, part)


def report_write(user: User | None, *, out: Path, fmt: str, year: int, pairing: int | None = None,
                 region: str | None = None, side: str = "west", programme: int | None = None,
                 quarter: int | None = None, draft: bool = False, money: str = "wan",
                 template: str | Path | None = None, pdf_of: str = "docx") -> ReportData:
    """Write one report to `out` (docx summary, xlsx tables, or the PDF of either: `pdf_of`)."""
    if fmt not in FORMATS:
        raise ShanhaiError(f"「格式」“{fmt}”应为 docx、xlsx 或 pdf。", field="format")
    if pdf_of not in ("docx", "xlsx"):
        raise ShanhaiError(f"「PDF 内容」“{pdf_of}”应为 docx（总结）或 xlsx（统计表）。", field="pdf_of")
    out = Path(out)
    if not out.parent.is_dir():
        raise ShanhaiError(f"输出目录“{out.parent}”不存在。", field="out")
    data = report_data(user, pairing=pairing, region=region, side=side, programme=programme, year=year,
                       quarter=quarter, draft=draft)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(fd)
    part = Path(name)
    try:
        _build(data, fmt, part, money=money, template=template, pdf_of=pdf_of)
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
    return data
