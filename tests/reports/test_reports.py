"""Reports (issue 11): the tables and the summary carry the platform's figures, the summary reads back
through our own reader, and bad input writes no file. 南沙→紫云 2023 from the workflow's `year`."""

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from shanhai.core.errors import ShanhaiError
from shanhai.evidence import extract_facts, read_document
from shanhai.indicators.selectors import indicator_table
from shanhai.indicators.services import target_set
from shanhai.reports.data import report_data, system_user
from shanhai.reports.services import report_write
from shanhai.workflow import grid, services
from shanhai.workflow.models import Kind
from tests.workflow.conftest import FULL, year  # noqa: F401 - `year` is a fixture

EAST = {**FULL, "talent.w2e": "40", "train.labor.people": "568"}


def _approve(y) -> None:
    target_set(indicator="funds.fiscal", year=2023, value=30_000_000, pairing=y.county)
    for side, officer, province in (("west", "ziyun", "guizhou"), ("east", "nansha", "guangdong")):
        sub = services.submission_for(y.county, y.period, Kind.REPORT, side)
        grid.grid_save(None, sub, FULL if side == "west" else EAST)
        services.move(y.users[officer], sub, "submit")
        services.move(y.users[province], sub, "approve")


@pytest.fixture
def approved(year):  # noqa: F811
    _approve(year)
    return year


def expected_facts(y) -> dict[str, Decimal]:
    rows = indicator_table(system_user(), pairing=y.county.pk, year=2023)
    return {r.code: Decimal(r.actual) for r in rows if r.actual and not r.code.startswith("pair.")}


def test_tables_hold_the_platforms_figures(approved, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    report_write(approved.users["ziyun"], out=out, fmt="xlsx", year=2023, pairing=approved.county.pk, money="wan")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "封面" and "资金与项目" in wb.sheetnames and "教育、医疗" in wb.sheetnames
    assert "已经省级审定" in wb["封面"]["B6"].value
    ws = wb["资金与项目"]
    assert "E3:F3" in {str(r) for r in ws.merged_cells.ranges} and ws["E4"].value == "记录计算"
    assert ws.freeze_panes == "C5" and ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$4"
    rows = {ws.cell(r, 2).value: r for r in range(5, ws.max_row + 1)}
    table = {r.zh: r for r in indicator_table(approved.users["ziyun"], pairing=approved.county.pk, year=2023)}
    fiscal = table["财政援助资金"]
    r = rows["财政援助资金"]
    assert ws.cell(r, 3).value == "万元"
    assert ws.cell(r, 6).value == pytest.approx(float(fiscal.reported) / 10000) == 3000
    talent = wb["干部人才"]
    r = next(i for i in range(5, talent.max_row + 1) if talent.cell(i, 2).value == "东部选派挂职干部")
    assert talent.cell(r, 6).value == 12 and talent.cell(r, 3).value == "人"
    # in yuan when asked
    report_write(None, out=out, fmt="xlsx", year=2023, pairing=approved.county.pk, money="yuan")
    ws = openpyxl.load_workbook(out)["资金与项目"]
    r = next(i for i in range(5, ws.max_row + 1) if ws.cell(i, 2).value == "财政援助资金")
    assert ws.cell(r, 6).value == 30_000_000 and ws.cell(r, 3).value == "元"


def read_back(path: Path, expected: dict[str, Decimal], east: str, west: str) -> tuple[float, float, list]:
    facts = extract_facts(read_document(path), doc_id="report").facts
    got = [f.to_dict() for f in facts]
    matched, wrong = 0, []
    left = dict(expected)
    for f in got:
        want = left.get(f["metric"])
        if want is not None and abs(Decimal(str(f["value"])) - want) <= want * Decimal("0.005"):
            del left[f["metric"]]
            matched += 1
            if f["period"] != "2023" or f["east"] != east or f["west"] != west:
                wrong.append(f)
        else:
            wrong.append(f)
    return matched / max(len(got), 1), matched / max(len(expected), 1), wrong


def test_summary_reads_back_through_our_reader(approved, tmp_path: Path) -> None:
    out = tmp_path / "s.docx"
    data = report_write(approved.users["nansha"], out=out, fmt="docx", year=2023, pairing=approved.county.pk)
    expected = expected_facts(approved)
    assert len(expected) >= 8
    precision, recall, wrong = read_back(out, expected, data.east, data.west)
    assert precision >= 0.98 and recall >= 0.98, wrong
    assert not wrong, wrong  # period and both parties right on every fact
    text = read_document(out).text
    assert "完成年度目标的100.0%" in text and "草稿" not in text


def test_bad_input_writes_nothing(year, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "r.docx"
    grid.grid_save(None, services.submission_for(year.county, year.period, Kind.REPORT, "west"), FULL)
    with pytest.raises(ShanhaiError, match="尚未审定"):
        report_write(None, out=out, fmt="docx", year=2023, pairing=year.county.pk)
    with pytest.raises(ShanhaiError, match="不在您的数据范围内"):
        report_write(year.users["ziyun"], out=out, fmt="docx", year=2023, pairing=year.other.pk, draft=True)
    with pytest.raises(ShanhaiError, match="没有任何数据"):
        report_write(None, out=out, fmt="docx", year=2019, pairing=year.county.pk, draft=True)
    broken = tmp_path / "broken.j2"
    broken.write_text("# {{ scope_label }}\n{{ 完成情况 }}\n", encoding="utf-8")
    with pytest.raises(ShanhaiError, match="完成情况"):
        report_write(None, out=out, fmt="docx", year=2023, pairing=year.county.pk, draft=True, template=broken)
    assert list(tmp_path.iterdir()) == [broken]  # no report, no .part left behind
    data = report_write(None, out=out, fmt="docx", year=2023, pairing=year.county.pk, draft=True)
    assert data.status == "draft" and "草稿" in read_document(out).text


def test_region_summary_reads_back(approved, tmp_path: Path) -> None:
    out = tmp_path / "p.docx"
    # 中山→水城 (also in 贵州) has not reported: the province's summary is a draft, saying so
    data = report_data(approved.users["guizhou"], region="520000", side="west", year=2023, draft=True)
    assert data.status == "draft" and "2/4" in data.status_note
    report_write(approved.users["guizhou"], out=out, fmt="docx", year=2023, region="520000", side="west", draft=True)
    rows = indicator_table(approved.users["guizhou"], region="520000", side="west", year=2023)
    # a province's figure: records, else the report figures of its pairings (summed by the selector)
    expected = {r.code: Decimal(r.computed or r.reported_pairings) for r in rows
                if (r.computed or r.reported_pairings) and not r.code.startswith("pair.")}
    assert expected["funds.fiscal"] == 30_000_000 and expected["cadre.e2w"] == 12
    facts = [f.to_dict() for f in extract_facts(read_document(out), doc_id="p").facts]
    got = {(f["metric"], Decimal(str(f["value"]))) for f in facts}
    hits = sum(1 for c, v in expected.items() if any(m == c and abs(g - v) <= v * Decimal("0.005") for m, g in got))
    assert hits / len(expected) >= 0.98 and hits / len(facts) >= 0.98, (expected, facts)
    assert all(f["period"] == "2023" for f in facts)
