"""The PDF of the summary and the tables: LibreOffice with the shipped fonts, every character with a glyph,
fonts embedded, tables within the page, and the reader gets the same facts from the PDF."""

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from shanhai.reports.pdf import FONTS
from shanhai.reports.services import report_write
from tests.reports.test_reports import approved, expected_facts, read_back  # noqa: F401 - `approved` is a fixture
from tests.workflow.conftest import year  # noqa: F401 - a fixture `approved` needs

if not shutil.which("soffice") or not shutil.which("pdftoppm"):
    if os.environ.get("CI") == "true":  # the Makefile's `office` target installs them under CI
        raise RuntimeError("LibreOffice / poppler-utils missing under CI")
    pytest.skip("LibreOffice or poppler-utils not installed (make office)", allow_module_level=True)


def shipped_cmap() -> set[int]:
    cmap: set[int] = set()
    for f in FONTS.iterdir():
        if f.suffix in (".otf", ".ttf"):
            cmap.update(TTFont(f).getBestCmap())
    return cmap


def test_summary_pdf(approved, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "summary.pdf"
    report_write(None, out=out, fmt="pdf", year=2023, pairing=approved.county.pk)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    lines = fonts.splitlines()[2:]
    assert lines and all(" yes yes " in line for line in lines), fonts  # every font embedded and subset
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    flat = re.sub(r"\s", "", text)
    assert "东西部协作工作总结" in flat and "—1—" in flat  # the title and the page number at the foot
    missing = {c for c in text if ord(c) > 0x2E7F and ord(c) not in shipped_cmap()}
    assert not missing, missing  # every CJK character has a glyph in the shipped fonts (no tofu)
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(out), str(tmp_path / "page")],
                   check=True)
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 10_000
    if os.environ.get("SHANHAI_UPDATE_SCREENSHOTS") == "1":
        shot = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "report-county-summary.png"
        subprocess.run(["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-singlefile", "-png", str(out),
                        str(shot.with_suffix(""))], check=True)


def test_tables_pdf_fit_the_page(approved, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "tables.pdf"
    report_write(None, out=out, fmt="pdf", pdf_of="xlsx", year=2023, pairing=approved.county.pk)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    w, h = (float(x) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(w), round(h)) == (842, 595)  # A4 landscape
    reader = PdfReader(out)
    # one page per sheet (cover + nine domains): the columns fit the page width, none spill to a page of their own
    assert len(reader.pages) == 10
    assert "年度目标" in reader.pages[1].extract_text() and "财政援助资金" in reader.pages[2].extract_text()
    assert Decimal(3000) == Decimal(re.search(r"财政援助资金\s*万元\s*([\d,.]+)", reader.pages[2].extract_text())
                                      .group(1).replace(",", ""))


def test_summary_pdf_reads_back(approved, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "summary.pdf"
    data = report_write(None, out=out, fmt="pdf", year=2023, pairing=approved.county.pk)
    expected = expected_facts(approved)
    precision, recall, wrong = read_back(out, expected, data.east, data.west)
    assert precision >= 0.98 and recall >= 0.98, (wrong, sorted(expected))
