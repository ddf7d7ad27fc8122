"""The statistical tables (.xlsx) in the layout offices fill in by hand (openpyxl).

A cover sheet (scope, period, source, approval state, generation time), then one sheet per domain:
merged two-row headers (指标 | 单位 | 目标 | 实际完成（计算 / 填报）| 上年同期 | 完成率), frozen panes,
A4 landscape with the title rows repeated on every printed page. Money in 元 or 万元 as the user asks.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from shanhai.core.errors import ShanhaiError
from shanhai.reports.data import Figure, Number, ReportData

UNIT_ZH = {"yuan": "元", "person": "人", "person_time": "人次", "time": "次", "session": "期", "unit": "个",
           "pair": "对", "day": "天", "seat": "个", "percent": "%"}
MONEY_UNITS = ("yuan", "wan")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
FONT = "宋体"


def money_scale(unit: str, money: str) -> tuple[str, Decimal]:
    """(unit label, divisor) for a catalogue unit with the user's money unit."""
    if money not in MONEY_UNITS:
        raise ShanhaiError(f"「金额单位」“{money}”应为 yuan（元）或 wan（万元）。", field="money")
    if unit == "yuan":
        return ("万元", Decimal(10000)) if money == "wan" else ("元", Decimal(1))
    return UNIT_ZH.get(unit, unit), Decimal(1)


def scaled(value: Number | None, divisor: Decimal) -> float | int | None:
    if value is None:
        return None
    if divisor == 1:
        return int(value) if Decimal(value) == int(value) else float(value)
    return float((Decimal(value) / divisor).quantize(Decimal("0.01")))


HEADERS = ("序号", "指标", "单位", "年度目标", "实际完成", None, "上年同期", "完成率", "数据来源")
SUB = (None, None, None, None, "记录计算", "单位填报", None, None, None)
WIDTHS = (6, 34, 8, 14, 14, 14, 14, 10, 48)


def _sheet_title(ws, data: ReportData, title: str) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.cell(1, 1, f"{data.scope_label} {data.period_label}东西部协作统计表 · {title}").font = Font(name=FONT, bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    ws.cell(2, 1, data.status_note).font = Font(name=FONT, size=10, color="C00000" if data.status == "draft" else "000000")
    for col, (head, sub) in enumerate(zip(HEADERS, SUB, strict=True), start=1):
        if head is not None:
            ws.cell(3, col, head)
        if sub is not None:
            ws.cell(4, col, sub)
    for col in (1, 2, 3, 4, 7, 8, 9):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    ws.merge_cells(start_row=3, start_column=5, end_row=3, end_column=6)
    for row in (3, 4):
        for col in range(1, len(HEADERS) + 1):
            c = ws.cell(row, col)
            c.font = Font(name=FONT, bold=True)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            c.fill = HEAD_FILL
            c.border = BOX
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "C5"
    ws.print_title_rows = "1:4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _row(ws, r: int, n: int, f: Figure, money: str) -> None:
    unit, div = money_scale(f.unit, money)
    values = (n, f.zh, unit, scaled(f.target, div), scaled(f.computed, div), scaled(f.reported, div),
              scaled(f.last_year, div), float(f.completion) if f.completion is not None else None,
              "；".join(f.sources)[:1000])
    for col, v in enumerate(values, start=1):
        c = ws.cell(r, col, v)
        c.border = BOX
        c.font = Font(name=FONT)
        if col in (4, 5, 6, 7):
            c.number_format = "#,##0.00" if div != 1 else "#,##0"
        elif col == 8:
            c.number_format = "0.0%"
        elif col in (2, 9):
            c.alignment = Alignment(wrap_text=True, vertical="top")


def _cover(ws, data: ReportData, money: str) -> None:
    ws.title = "封面"
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 70
    ws.cell(1, 1, f"{data.scope_label} {data.period_label}东西部协作统计表").font = Font(name=FONT, bold=True, size=16)
    rows = [("范围", data.scope_label), ("协作项目", data.programme), ("期间", data.period_label),
            ("审定状态", data.status_note), ("金额单位", "万元" if money == "wan" else "元"),
            ("数据来源", "山海协作帮扶平台：记录计算值、单位填报值、年度目标（各表“数据来源”列注明记录与报表行）"),
            ("生成时间", data.generated_at.astimezone().strftime("%Y-%m-%d %H:%M")), ("生成人", data.generated_by)]
    for i, (k, v) in enumerate(rows, start=3):
        ws.cell(i, 1, k).font = Font(name=FONT, bold=True)
        ws.cell(i, 2, v).font = Font(name=FONT, color="C00000" if k == "审定状态" and data.status == "draft" else "000000")
        ws.cell(i, 2).alignment = Alignment(wrap_text=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def tables_workbook(data: ReportData, *, money: str = "wan") -> Workbook:
    money_scale("yuan", money)  # refuse a wrong unit before building anything
    wb = Workbook()
    _cover(wb.active, data, money)
    for _key, zh, _en, figures in data.by_domain():
        ws = wb.create_sheet(zh.replace("/", "、"))
        _sheet_title(ws, data, zh)
        for n, f in enumerate(figures, start=1):
            _row(ws, 4 + n, n, f, money)
    return wb


def tables_write(data: ReportData, out: Path, *, money: str = "wan") -> None:
    tables_workbook(data, money=money).save(out)
