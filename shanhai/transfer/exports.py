"""Exports of any list or indicator table to .xlsx and CSV.

One entry point, `export_response`, used by the admin action, the pages and the dashboards:

- xlsx: written with openpyxl in write-only mode (constant memory for big lists), typed cells
  (integers, money as whole yuan, decimals, percentages, dates), units in the headers
  ("金额（元）"), a bold frozen header row;
- CSV: UTF-8 with a BOM so that Excel on Chinese Windows opens it without mojibake;
- every text cell starting with = + - @ (or a tab / carriage return) is prefixed with a single
  quote, so a spreadsheet never runs it as a formula (OWASP "CSV injection").

Percent values are ratios (0.853 means 85.3 %): the xlsx cell keeps the ratio with a percent
format, the CSV writes 85.3 under a header ending in "（%）".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

Kind = Literal["text", "int", "money", "decimal", "percent", "date"]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters a spreadsheet treats as the start of a formula (or a DDE payload).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNITS: dict[str, str] = {"money": "元", "percent": "%"}
_NUMBER_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "money": "#,##0",
    "decimal": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
}
_WIDTHS: dict[str, int] = {"text": 24, "int": 12, "money": 16, "decimal": 14, "percent": 12, "date": 12}


@dataclass(frozen=True)
class Column:
    """One exported column: `key` into each row mapping, Chinese `header`, and the cell `kind`."""

    key: str
    header: str
    kind: Kind = "text"

    @property
    def full_header(self) -> str:
        """The header with its unit, unless the header already names it: 金额 → 金额（元）."""
        unit = _UNITS.get(self.kind)
        if unit is None or f"（{unit}）" in self.header or f"({unit})" in self.header:
            return self.header
        return f"{self.header}（{unit}）"


def neutralise(text: str) -> str:
    """Prefix a text that a spreadsheet would run as a formula with a quote, so it stays text."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _typed(value: Any, kind: Kind) -> Any:
    """The value as the cell should hold it: int, Decimal, date or neutralised text; None stays empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if kind in ("int", "money") and isinstance(value, int | Decimal | float):
        return int(round(value))
    if kind == "decimal" and isinstance(value, int | Decimal | float):
        return value if isinstance(value, int | Decimal) else Decimal(str(value))
    if kind == "percent" and isinstance(value, int | Decimal | float):
        return value
    if kind == "date" and isinstance(value, dt.date):
        # Excel has no time zones: a datetime is exported as its local date.
        return value.date() if isinstance(value, dt.datetime) else value
    return neutralise(str(value))


def _csv_text(value: Any, kind: Kind) -> str:
    typed = _typed(value, kind)
    if typed is None:
        return ""
    if kind == "percent" and isinstance(typed, int | Decimal | float):
        return f"{Decimal(str(typed)) * 100:.1f}"
    if isinstance(typed, dt.date):
        return typed.isoformat()
    return str(typed)


def _xlsx_rows(ws: Any, rows: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> Iterator[list[Any]]:
    styles: list[str | None] = [_NUMBER_FORMATS.get(c.kind) for c in columns]
    for row in rows:
        cells: list[Any] = []
        for column, number_format in zip(columns, styles, strict=True):
            value = _typed(row.get(column.key), column.kind)
            if value is None or number_format is None or isinstance(value, str):
                cells.append(value)
            else:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = number_format
                cells.append(cell)
        yield cells


def write_xlsx(
    out: Any, *, rows: Iterable[Mapping[str, Any]], columns: Sequence[Column], sheet_title: str = "数据"
) -> None:
    """Write the rows to `out` (a path or a binary file) as one sheet with a frozen header."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31] or "数据")
    ws.freeze_panes = "A2"
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(_WIDTHS[column.kind], len(column.full_header) * 2 + 2)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=neutralise(column.full_header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    for cells in _xlsx_rows(ws, rows, columns):
        ws.append(cells)
    wb.save(out)


def write_csv(out: io.TextIOBase, *, rows: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> None:
    """Write the rows as CSV text (the caller adds the BOM for Excel)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c.full_header) for c in columns])
    for row in rows:
        writer.writerow([_csv_text(row.get(c.key), c.kind) for c in columns])


def export_response(
    *,
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[Column],
    filename: str,
    fmt: Literal["xlsx", "csv"],
    sheet_title: str = "数据",
) -> HttpResponse:
    """An attachment response with the rows as .xlsx or CSV; `filename` is given without extension."""
    stem = filename.rsplit(".", 1)[0] if filename.lower().endswith((".xlsx", ".csv")) else filename
    if fmt == "xlsx":
        # Spool to disk past 32 MB so a million-row export does not sit in memory twice.
        with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as buffer:
            write_xlsx(buffer, rows=rows, columns=columns, sheet_title=sheet_title)
            buffer.seek(0)
            response = HttpResponse(buffer.read(), content_type=XLSX_MIME)
        name = f"{stem}.xlsx"
    elif fmt == "csv":
        text = io.StringIO()
        text.write("\ufeff")
        write_csv(text, rows=rows, columns=columns)
        response = HttpResponse(text.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        name = f"{stem}.csv"
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
