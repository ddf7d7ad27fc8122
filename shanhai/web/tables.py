"""One description of a table serves both the page (sortable HTML) and its .xlsx/CSV export.

A page builds `Table`s of plain rows (dicts); the template renders them with the sorter's raw
sort keys and links, and `table_export` hands the very same rows and columns to
`shanhai.transfer.exports.export_response`, so what is downloaded is what is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from shanhai.transfer.exports import Column, Kind, export_response


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    kind: Kind = "text"
    link_key: str = ""  # row key holding the URL this cell links to

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "money", "decimal", "percent")

    def export_column(self, rows: Sequence[Mapping[str, Any]]) -> Column:
        # A mixed-unit value column is exported as integers unless a row carries a fraction (107.5 %).
        kind = self.kind
        if kind == "int" and any(_fractional(row.get(self.key)) for row in rows):
            kind = "decimal"
        return Column(self.key, str(self.header), kind)


def _fractional(value: Any) -> bool:
    return isinstance(value, Decimal) and value != value.to_integral_value()


@dataclass(frozen=True)
class Table:
    name: str  # used in ?export=<name>
    title: str
    columns: list[Col]
    rows: list[dict[str, Any]] = field(default_factory=list)
    filename: str = ""  # without extension; defaults to the title

    def cells(self) -> list[list[tuple[Col, Any]]]:
        """Rows as (column, value) pairs, for the template."""
        return [[(col, row.get(col.key)) for col in self.columns] for row in self.rows]


def table_export(table: Table, fmt: str) -> HttpResponse:
    return export_response(
        rows=table.rows,
        columns=[col.export_column(table.rows) for col in table.columns],
        filename=table.filename or table.title,
        fmt=fmt,  # type: ignore[arg-type]
        sheet_title=table.title,
    )
