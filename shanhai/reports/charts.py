"""The summary's charts as PNG, drawn with Pillow and the shipped CJK font (no matplotlib: a few bars
need neither its size nor its font setup). Trend over years; completion by indicator."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from shanhai.reports.data import ReportData

FONT = Path(__file__).parent / "fonts" / "ShanhaiSans-Regular.otf"
W, H = 1500, 700
BLUE, GREY, RED = (47, 84, 150), (120, 120, 120), (192, 0, 0)


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def trend_png(data: ReportData) -> bytes | None:
    """One small bar group per trend indicator: its computed value in each of the last four years."""
    series = [(code, rows) for code, rows in data.trends.items() if any(v for _y, v in rows)]
    if not series:
        return None
    names = {f.code: (f.zh, f.unit) for f in data.figures}
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    d.text((W // 2, 30), f"{data.scope_label} 主要指标年度趋势", font=_font(36), fill="black", anchor="mt")
    panel = (W - 100) // len(series)
    for i, (code, rows) in enumerate(series):
        x0 = 50 + i * panel
        zh, unit = names.get(code, (code, ""))
        d.text((x0 + panel // 2, 100), zh[:12] + ("（万元）" if unit == "yuan" else ""), font=_font(26),
               fill="black", anchor="mt")
        top = max(float(v or 0) for _y, v in rows) or 1.0
        bar = (panel - 60) // len(rows)
        for k, (year, v) in enumerate(rows):
            value = float(v or 0) / (10000 if unit == "yuan" else 1)
            height = int(400 * float(v or 0) / top)
            bx = x0 + 30 + k * bar
            d.rectangle((bx + 8, 600 - height, bx + bar - 8, 600), fill=BLUE if year == data.year else GREY)
            d.text((bx + bar // 2, 590 - height), f"{value:,.0f}", font=_font(20), fill="black", anchor="mb")
            d.text((bx + bar // 2, 615), f"{year}年", font=_font(22), fill="black", anchor="mt")
    return _png(img)


def completion_png(data: ReportData) -> bytes | None:
    """Horizontal bars: completion (actual ÷ target, else ÷ last year) of each indicator that has one."""
    rows = [(f.zh, f.completion) for f in data.figures if f.completion is not None and f.has_value][:14]
    if not rows:
        return None
    height = 140 + 52 * len(rows)
    img = Image.new("RGB", (W, height), "white")
    d = ImageDraw.Draw(img)
    d.text((W // 2, 30), f"{data.scope_label} {data.period_label}各指标完成率", font=_font(36), fill="black",
           anchor="mt")
    top = max(max(float(c) for _n, c in rows), 1.0)
    left, span = 560, W - 560 - 160
    x100 = left + int(span / top)
    for i, (name, ratio) in enumerate(rows):
        y = 110 + i * 52
        d.text((left - 16, y + 20), name[:20], font=_font(24), fill="black", anchor="rm")
        width = int(span * float(ratio) / top)
        d.rectangle((left, y + 6, left + width, y + 36), fill=BLUE if ratio >= Decimal(1) else RED)
        d.text((left + width + 10, y + 20), f"{float(ratio) * 100:.1f}%", font=_font(22), fill="black", anchor="lm")
    d.line((x100, 100, x100, height - 20), fill=GREY, width=2)
    return _png(img)
