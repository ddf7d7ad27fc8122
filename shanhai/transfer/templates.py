"""Downloadable templates for every import type, generated from the TypeSpec (nothing hand-kept).

The .xlsx has the data sheet (Chinese headers, required ones marked *, drop-down lists for choice
columns, frozen header) and a 填写说明 sheet listing each column with whether it is required, its
format or choices, an explanation and an example, then the natural key and the general rules.
The CSV template has the same header row, UTF-8 with BOM.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from shanhai.transfer.specs import TypeSpec

GUIDE_SHEET = "填写说明"  # the help sheet of every template; imports pass over it without a note

GENERAL_RULES = (
    "一行一条记录；表头可以在标题行之下，合并的表头单元格也能识别。",
    "空行、“合计”“小计”行和表尾的填表人、说明行会自动跳过。",
    "金额以元为单位，须为整数元；可写“305.65万”“3.89亿”，或在列名中注明单位，如“安排资金（万元）”。",
    "日期可写 2023-10-26、2023/10/26、2023.10.26 或 2023年10月26日。",
    "地区可写全称、简称或曾用名（如“紫云”“紫云县”“紫云自治县”）；对应多个地区时请写明上级地区。",
    "整个文件要么全部导入，要么全部不导入：任何一行有错，系统会列出所有错误行，数据库保持不变。",
    "重复导入同一文件不会新增记录；按“自然键”找到已有记录后，只更新有变化的字段，并保留修改历史。",
)


def header_text(spec: TypeSpec, name: str) -> str:
    c = spec.column(name)
    return f"*{c.header}" if c.required else c.header


def template_xlsx(spec: TypeSpec) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = spec.label[:31].replace("（", "").replace("）", "").replace("、", "")[:31] or "数据"
    red = Font(bold=True, color="C00000")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF3F8")
    for i, c in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=i, value=header_text(spec, c.name))
        cell.font = red if c.required else bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(c.header) * 2 + 4)
    ws.freeze_panes = "A2"

    lists = wb.create_sheet("选项")
    list_col = 0
    for i, c in enumerate(spec.columns, start=1):
        labels = [label for _, label in c.choices] if c.kind == "choice" else (["是", "否"] if c.kind == "bool" else [])
        if not labels:
            continue
        list_col += 1
        letter = get_column_letter(list_col)
        lists.cell(row=1, column=list_col, value=f"可选值：{c.header}")
        for j, label in enumerate(labels, start=2):
            lists.cell(row=j, column=list_col, value=label)
        source = f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(labels) + 1}"
        validation = DataValidation(type="list", formula1=source, allow_blank=not c.required)
        validation.error = f"请从下拉列表中选择「{c.header}」。"
        validation.errorTitle = "可选值"
        ws.add_data_validation(validation)
        validation.add(f"{get_column_letter(i)}2:{get_column_letter(i)}5000")
    lists.sheet_state = "hidden"

    guide = wb.create_sheet(GUIDE_SHEET)
    guide["A1"] = f"{spec.label}导入模板 · 填写说明"
    guide["A1"].font = Font(bold=True, size=14)
    guide["A2"] = f"自然键（据此识别已有记录，重复导入不新增）：{spec.natural_key_doc}"
    guide.append([])
    guide.append(["列名", "是否必填", "格式 / 可选值", "说明", "示例"])
    for cell in guide[4]:
        cell.font = bold
        cell.fill = fill
    for c in spec.columns:
        required = "必填" if c.required else ("二选一" if c.required_unless or c.name == "pairing_no" else "选填")
        guide.append([c.header, required, c.format_help(), c.help, c.example])
    guide.append([])
    guide.append(["导入规则"])
    guide.cell(row=guide.max_row, column=1).font = bold
    for note in (*spec.notes, *GENERAL_RULES):
        guide.append([note])
    for letter, width in zip("ABCDE", (18, 10, 48, 48, 28), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_csv(spec: TypeSpec) -> bytes:
    import csv

    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerow([header_text(spec, c.name) for c in spec.columns])
    return ("\ufeff" + text.getvalue()).encode("utf-8")
