"""Printable sheets of one unit (openpyxl): the self-evaluation sheet (自评表) and the result sheet (结果表)."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from shanhai.assessment.models import Assessment, ItemKind, Score
from shanhai.assessment.services import unit_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
KINDS = {"self": "自评表", "result": "考核结果表"}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never a formula
    return value


def _basis(s: Score) -> str:
    t = s.trace or {}
    if s.item.kind == ItemKind.INDICATOR:
        base = f"目标{t.get('target')}" if t.get("target") else (f"上年{t.get('last_year')}" if t.get("last_year")
                                                                else "无目标和上年数")
        return f"实际{t.get('actual') or '—'}（{t.get('actual_from') or '无'}）÷{base}＝{t.get('rate_pct') or '—'}；{t.get('band', '')}"
    if s.item.kind == ItemKind.DEDUCTION:
        return "；".join(t.get("found", [])) or "无"
    return f"评审评分（{s.item.min_points or 0}—{s.item.weight}分）"


def _table(ws: Worksheet, head: list[str], rows: list[list[Any]], start: int) -> int:
    for c, h in enumerate(head, 1):
        cell = ws.cell(row=start, column=c, value=h)
        cell.font, cell.border = Font(bold=True), BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start + 1):
        for c, v in enumerate(row, 1):
            cell = ws.cell(row=r, column=c, value=_cell(v))
            cell.border = BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    return start + len(rows) + 1


def workbook(a: Assessment, scores: list[Score], kind: str) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = KINDS[kind]
    unit = unit_label(a.scheme.subject, a.pairing)
    ws["A1"] = f"{a.scheme.year}年度{a.scheme.programme or ''}考核{KINDS[kind]}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"被考核单位：{unit}（{a.scheme.get_subject_display()}）　结对关系：{a.pairing}"
    ws["A3"] = f"考核方案：{a.scheme}　状态：{a.get_state_display()}"
    if kind == "self":
        head = ["序号", "考核项目", "分值", "计分依据", "计算得分", "自评得分", "说明"]
        rows = [[i, s.item.label, s.item.weight, _basis(s), s.computed, s.self_points, ""]
                for i, s in enumerate(scores, 1)]
        end = _table(ws, head, rows, 5)
        ws.cell(row=end + 1, column=1, value="自评总分")
        ws.cell(row=end + 1, column=6, value=a.self_points)
        ws.cell(row=end + 2, column=1, value="自评情况")
        ws.cell(row=end + 2, column=2, value=a.self_evaluation or "")
        ws.cell(row=end + 4, column=1, value="单位负责人（签字）：　　　　　　　　　　填报日期：　　年　　月　　日")
    else:
        head = ["序号", "考核项目", "分值", "计分依据", "计算得分", "评审得分", "评审层级", "评审理由", "异议及裁定", "最终得分"]
        rows = []
        for i, s in enumerate(scores, 1):
            o = getattr(s, "objection_or_none", None)
            objection = f"{o.text}→{o.get_state_display()}：{o.decision}" if o is not None else ""
            rows.append([i, s.item.label, s.item.weight, _basis(s), s.computed, s.adjusted, s.level, s.reason,
                         objection, s.points])
        end = _table(ws, head, rows, 5)
        ws.cell(row=end + 1, column=1, value="计算总分")
        ws.cell(row=end + 1, column=5, value=a.computed)
        ws.cell(row=end + 2, column=1, value="最终总分")
        ws.cell(row=end + 2, column=10, value=a.total)
        ws.cell(row=end + 3, column=1, value="等次")
        ws.cell(row=end + 3, column=10, value=a.grade)
        if a.grade_note:
            ws.cell(row=end + 4, column=1, value=f"等次说明：{a.grade_note}")
    widths = {"A": 6, "B": 22, "C": 7, "D": 48, "E": 10, "F": 10, "G": 10, "H": 30, "I": 30, "J": 10}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = "5:5"
    return wb


def response(a: Assessment, scores: list[Score], kind: str) -> HttpResponse:
    if kind not in KINDS:
        from shanhai.core.errors import ShanhaiError

        raise ShanhaiError("没有这种表格。", code="not_found")
    buf = BytesIO()
    workbook(a, scores, kind).save(buf)
    name = f"{a.scheme.year}年{unit_label(a.scheme.subject, a.pairing)}{KINDS[kind]}.xlsx"
    resp = HttpResponse(buf.getvalue(), content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename=\"assessment-{a.pk}-{kind}.xlsx\"; filename*=UTF-8''{quote(name)}"
    return resp
