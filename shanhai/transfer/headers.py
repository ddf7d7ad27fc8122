"""Finding the header row of a sheet as offices lay it out, and mapping its columns to a TypeSpec.

Handles a title row (or several) above the header, a two-row header whose upper row is merged
across columns (结对关系 over 东部地区 | 西部地区) or down rows, required-marks (*年度), units in
the header (安排资金（万元）) and a "单位：万元" line above the table that scales every money column
whose header names no unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from shanhai.transfer.parsers import display
from shanhai.transfer.specs import TYPES, Col, TypeSpec

HEADER_SCAN_ROWS = 30
_SCALES = {"元": 1, "元人民币": 1, "千元": 1_000, "万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000}
_UNIT = re.compile(r"[（(]([^（）()]*)[）)]$")
_SHEET_UNIT = re.compile(r"单位[:：]\s*(元|千元|万元|亿元)")
_NOISE = re.compile(r"[\s\u3000*＊:：]|[（(]必填[）)]|[（(]选填[）)]")


def normalise_header(text: Any) -> tuple[str, str]:
    """(base name, unit) of a header cell: '*安排资金（万元）' → ('安排资金', '万元')."""
    # NFKC turns full-width brackets and colons into ASCII ones, so one pattern fits both.
    value = _NOISE.sub("", unicodedata.normalize("NFKC", display(text)))
    unit = ""
    match = _UNIT.search(value)
    if match:
        unit = match.group(1)
        value = value[: match.start()]
    return value, unit


def _key(text: str) -> str:
    return normalise_header(text)[0]


@dataclass
class HeaderMap:
    """Which file column holds which spec column, where the data starts, and the scale of money columns."""

    spec: TypeSpec
    header_row: int  # 1-based row number of the (last) header row
    columns: dict[int, Col]  # 0-based file column index → spec column
    headers: dict[str, str]  # spec column name → header text as written in the file
    scales: dict[str, int] = field(default_factory=dict)  # spec column name → multiplier (万元 → 10,000)
    ignored: list[str] = field(default_factory=list)
    header_texts: list[str] = field(default_factory=list)

    @property
    def present(self) -> set[str]:
        return {c.name for c in self.columns.values()}

    def missing_required(self) -> list[Col]:
        present = self.present
        return [
            c for c in self.spec.columns
            if c.required and c.name not in present and not (c.required_unless and c.required_unless in present)
        ]


def _lookup(spec: TypeSpec) -> dict[str, Col]:
    table: dict[str, Col] = {}
    for c in spec.columns:
        for text in (c.header, c.base_header, *c.aliases):
            table.setdefault(_key(text), c)
    return table


def _match_row(spec: TypeSpec, table: dict[str, Col], above: list[Any] | None, row: list[Any]) -> dict[int, tuple[Col, str]]:
    """Spec columns found in `row` (with the row above as the upper part of a two-row header)."""
    found: dict[int, tuple[Col, str]] = {}
    used: set[str] = set()
    for i, cell in enumerate(row):
        candidates = [display(cell)]
        upper = display(above[i]) if above is not None and i < len(above) else ""
        if upper:
            candidates += [upper + display(cell), upper] if display(cell) else [upper]
        for text in candidates:
            if not text.strip():
                continue
            c = table.get(_key(text))
            if c is not None and c.name not in used:
                found[i] = (c, text)
                used.add(c.name)
                break
    return found


def find_header(spec: TypeSpec, head: list[tuple[int, list[Any]]]) -> HeaderMap | None:
    """The best header row among the first rows of a sheet, or None when nothing matches."""
    table = _lookup(spec)
    best: tuple[int, int, dict[int, tuple[Col, str]]] | None = None  # (score, index, matches)
    for index, (_, row) in enumerate(head):
        above = head[index - 1][1] if index > 0 else None
        for upper in (None, above) if above is not None else (None,):
            matches = _match_row(spec, table, upper, row)
            score = len(matches)
            if score and (best is None or score > best[0]):
                best = (score, index, matches)
    if best is None:
        return None
    _, index, matches = best
    number, row = head[index]
    columns = {i: c for i, (c, _) in matches.items()}
    headers = {c.name: text for c, text in matches.values()}
    sheet_scale = 1
    for _, earlier in head[:index]:
        for cell in earlier:
            m = _SHEET_UNIT.search(display(cell))
            if m:
                sheet_scale = _SCALES[m.group(1)]
    scales: dict[str, int] = {}
    for c, text in matches.values():
        if c.kind not in ("money", "decimal", "int"):
            continue
        _, unit = normalise_header(text)
        if unit in _SCALES:
            scales[c.name] = _SCALES[unit]
        elif not unit and c.kind == "money" and sheet_scale != 1:
            scales[c.name] = sheet_scale
    ignored = [display(cell) for i, cell in enumerate(row) if i not in columns and display(cell).strip()]
    return HeaderMap(
        spec=spec, header_row=number, columns=columns, headers=headers, scales=scales, ignored=ignored,
        header_texts=[display(cell) for cell in row],
    )


def detect_type(head: list[tuple[int, list[Any]]]) -> TypeSpec | None:
    """The import type whose columns this sheet matches best (all required columns present), if unique."""
    scored: list[tuple[int, TypeSpec]] = []
    for spec in TYPES.values():
        header = find_header(spec, head)
        if header is None or header.missing_required():
            continue
        distinctive = sum(1 for c in header.columns.values() if not c.name.startswith(("east_", "west_", "pairing", "programme")))
        scored.append((distinctive * 100 + len(header.columns), spec))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]
