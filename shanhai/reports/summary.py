"""The narrative summary (.docx), 年度东西部协作工作总结, in official-document form (GB/T 9704).

The wording is a Jinja template an office may edit (`templates/reports/summary.zh.j2`): each line is a
paragraph, `#`/`##`/`###` lines are the title and headings, `[图:…]`/`[表:…]` place the charts and the
annex. A template that names a field the report does not have is refused in Chinese, naming the field,
before any file is written (StrictUndefined). Fonts as the standard asks: body 仿宋 三号, headings 黑体 /
楷体, title 宋体 bold 二号, page numbers “— N —” at the foot; the PDF maps these names to the fonts the
project ships (`pdf.py`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from shanhai.core.errors import ShanhaiError
from shanhai.reports import charts
from shanhai.reports.data import HEADLINE, Figure, ReportData
from shanhai.reports.tables import UNIT_ZH

TEMPLATE_DIR = Path(__file__).parent / "templates" / "reports"
BODY, HEI, KAI, TITLE = "仿宋", "黑体", "楷体", "宋体"
CN_NUM = "一二三四五六七八九十"
# Measure words the prose uses after a number (the reader's vocabulary: 5名挂职干部, 560人次).
MEASURE = {"person": "名", "person_time": "人次", "time": "次", "session": "期", "unit": "个", "pair": "对",
           "day": "天", "seat": "个", "percent": "%"}


def cn(n: int) -> str:
    return CN_NUM[n - 1] if 1 <= n <= 10 else ("十" + CN_NUM[n - 11] if n <= 19 else str(n))


def amount(value: Any, unit: str) -> str:
    """A figure as the prose writes it: money in 万元 (two decimals, trailing zeros dropped), counts whole."""
    if unit == "yuan":
        wan = (Decimal(value) / 10000).quantize(Decimal("0.01"))
        text = f"{wan:f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    v = Decimal(value)
    text = f"{v.normalize():f}" if v != v.to_integral() else str(int(v))
    return f"{text}{MEASURE.get(unit, UNIT_ZH.get(unit, ''))}"


def rate(f: Figure) -> str:
    if f.completion is None:
        return ""
    pct = f"{(f.completion * 100).quantize(Decimal('0.1')):f}"
    return f"，完成年度目标的{pct}%" if f.completion_basis in ("target", "pairing_targets") else f"，为上年的{pct}%"


@dataclass
class Said:
    """A figure as the template sees it."""

    code: str
    zh: str
    v: str
    rate: str


def _said(f: Figure) -> Said:
    return Said(f.code, f.zh, amount(f.actual, f.unit), rate(f))


def _stated(data: ReportData) -> list[Figure]:
    """The figures the prose states: those with a value; counts of pairings and their units stay in the annex."""
    return [f for f in data.figures if f.has_value and not f.code.startswith("pair.")]


def context(data: ReportData) -> dict[str, Any]:
    stated = _stated(data)
    headline = [f for f in stated if f.code in HEADLINE]
    rest = [f for f in stated if f.code not in HEADLINE]
    sections = []
    for n, (key, zh, _en, _figs) in enumerate(data.by_domain(), start=1):
        sections.append({"number": cn(n), "key": key, "title": zh,
                         "figures": [_said(f) for f in rest if f.domain == key]})
    rankings = []
    for i, r in enumerate(data.rankings[:6], start=1):
        top = r.rows[:5]
        text = "按" + r.title + "排列：" + "；".join(
            f"第{k}名{row.label}" for k, row in enumerate(top, start=1)) + "。"
        rankings.append({"number": cn(i), "title": r.title, "text": text})
    if data.kind == "pairing":
        lead = f"{data.east}与{data.west}深化东西部协作，"
    elif data.kind == "region":
        lead = f"{data.scope_label.split('（')[0]}扎实推进东西部协作，"
    else:
        lead = f"{data.programme}各结对地区扎实推进协作，"
    return {
        "scope_label": data.scope_label, "period_label": data.period_label, "year": data.year,
        "draft": data.status == "draft", "status_note": data.status_note, "programme": data.programme,
        "east": data.east or "东部协作地区", "west": data.west or "西部协作地区", "lead": lead,
        "headline": [_said(f) for f in headline], "sections": sections, "rankings": rankings,
        "rankings_number": cn(len(sections) + 1), "generated_by": data.generated_by,
    }


def render_text(data: ReportData, template: str | Path | None = None) -> list[str]:
    """The template's lines for this report; a missing field is a Chinese ShanhaiError naming it."""
    path = Path(template) if template else TEMPLATE_DIR / "summary.zh.j2"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(path.parent)), undefined=jinja2.StrictUndefined,
                             autoescape=False, keep_trailing_newline=True)  # noqa: S701 - a .docx, not HTML
    try:
        text = env.get_template(path.name).render(**context(data))
    except jinja2.UndefinedError as e:
        name = re.findall(r"'([^']+)'", str(e))
        raise ShanhaiError(f"报告模板“{path.name}”引用了不存在的字段“{name[-1] if name else e}”，未生成文件；"
                           "请检查模板中的字段名。", field="template", code="template") from e
    except jinja2.TemplateError as e:
        raise ShanhaiError(f"报告模板“{path.name}”有错误（第{getattr(e, 'lineno', '?')}行：{e}），未生成文件。",
                           field="template", code="template") from e
    return [line.strip() for line in text.splitlines() if line.strip()]


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _para(doc: Any, text: str, font: str, size: float, *, bold: bool = False, center: bool = False,
          indent: bool = True) -> Any:
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = Pt(28.95)  # 22 lines to a page, as the standard's type area
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), font, size, bold)
    return p


def _page_number(section: Any) -> None:
    """“— N —” centred at the foot of every page (a PAGE field)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), TITLE, 14)
    run = p.add_run()
    _font(run, TITLE, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _font(p.add_run(" —"), TITLE, 14)


def _annex(doc: Any, data: ReportData) -> None:
    # the figures the prose states (pairing counts are in the tables): a count like “1对” beside its name
    # reads, in a PDF's running text, as a fact the prose never stated
    figures = _stated(data)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("指标", "数值", "完成率", "审定", "来源"), strict=True):
        _font(cell.paragraphs[0].add_run(text), HEI, 10.5)
    for f in figures:
        cells = table.add_row().cells
        src = "；".join(f.sources) or "—"
        done = f"{(f.completion * 100).quantize(Decimal('0.1'))}%" if f.completion is not None else "—"
        state = "已审定" if data.status == "approved" else ("草稿" if data.status == "draft" else "—")
        for cell, text in zip(cells, (f.zh, amount(f.actual, f.unit), done, state, src), strict=True):
            _font(cell.paragraphs[0].add_run(text), BODY, 9)
    widths = (Mm(38), Mm(26), Mm(18), Mm(14), Mm(60))
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = w


def summary_document(data: ReportData, *, template: str | Path | None = None) -> Any:
    lines = render_text(data, template)  # before anything is built: a broken template writes nothing
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number(section)
    doc.core_properties.title = lines[0].lstrip("# ") if lines else ""
    doc.core_properties.author = "山海协作帮扶平台"
    for line in lines:
        if line.startswith("### "):
            _para(doc, line[4:], KAI, 16)
        elif line.startswith("## "):
            _para(doc, line[3:], HEI, 16)
        elif line.startswith("# "):
            _para(doc, line[2:], TITLE, 22, bold=True, center=True, indent=False)
        elif line == "[图:趋势]":
            png = charts.trend_png(data)
            if png:
                doc.add_picture(io.BytesIO(png), width=Mm(150))
        elif line == "[图:完成率]":
            png = charts.completion_png(data)
            if png:
                doc.add_picture(io.BytesIO(png), width=Mm(150))
        elif line == "[表:附表]":
            _annex(doc, data)
        else:
            _para(doc, line, BODY, 16)
    return doc


def summary_write(data: ReportData, out: Path, *, template: str | Path | None = None) -> None:
    summary_document(data, template=template).save(str(out))
