"""Readers: a CSV or .xlsx file as sheets of numbered rows, within limits, or a Chinese refusal.

- The kind of file is told from its first bytes, not its name: a zip is an .xlsx, an OLE2 file is an
  old .xls (or an encrypted workbook) and is refused with the advice to save it as .xlsx.
- CSV: UTF-8 with or without BOM, UTF-16 with BOM, otherwise GB18030 (a superset of GBK); the
  delimiter (comma, tab, semicolon) is sniffed from the first lines.
- xlsx: before openpyxl opens the zip, the declared sizes are checked (members, total, ratio per
  member, shared strings), so a zip bomb is refused before anything is inflated; zipfile itself
  stops reading a member at its declared size. openpyxl reads in read-only mode with cached formula
  values; a formula Excel never calculated (no cached value) is marked so the row is refused rather
  than read as blank; merged ranges are filled with their top-left value (headers and data alike).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

from shanhai.core.errors import ShanhaiError


class ReaderError(ShanhaiError):
    """The whole file cannot be read (format, encoding, limits): nothing is imported."""


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 300 * 1024 * 1024
    max_rows: int = 2_000_000
    max_columns: int = 200
    max_cell_chars: int = 10_000
    max_zip_members: int = 2_000
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    max_compression_ratio: int = 200
    max_shared_strings_bytes: int = 256 * 1024 * 1024

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(**getattr(settings, "SHANHAI_IMPORT_LIMITS", {}))


class FormulaWithoutValue:
    """Marks a formula cell the file holds no calculated value for."""

    def __repr__(self) -> str:
        return "<formula without cached value>"

    def __str__(self) -> str:
        return ""


NO_VALUE = FormulaWithoutValue()
EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}

Row = tuple[int, list[Any]]


@dataclass
class Sheet:
    name: str
    rows: Iterator[Row]
    notes: list[str] = field(default_factory=list)
    hidden: bool = False


_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def sniff_kind(head: bytes, filename: str = "") -> str:
    """'xlsx' or 'csv' from the first bytes; refuses .xls and other binary files."""
    if head.startswith(_XLS_MAGIC):
        raise ReaderError(
            "这是旧版 Excel（.xls）文件或加密的 Excel 文件，无法导入；请在 Excel 中取消密码并“另存为”"
            " Excel 工作簿（.xlsx）后再导入。",
            code="xls",
        )
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head[:8192]:
        raise ReaderError("文件不是 CSV 文本，也不是 Excel（.xlsx）工作簿；请上传 .xlsx 或 .csv 文件。", code="format")
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ReaderError("文件扩展名是 .xlsx，但内容不是有效的 Excel 工作簿（可能已损坏）。", code="format")
    return "csv"


class Book:
    """An opened file: its sheets, read lazily; close() releases the workbook."""

    def __init__(self, kind: str, sheets: list[Sheet], closer: Any = None) -> None:
        self.kind = kind
        self.sheets = sheets
        self._closer = closer

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_book(path: Path, *, limits: Limits | None = None, filename: str = "") -> Book:
    """The sheets of the file at `path`, or a ReaderError. `filename` is the name the user gave."""
    limits = limits or Limits.from_settings()
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise ReaderError(
            f"文件大小为{size / 1024 / 1024:.1f} MB，超过上限{limits.max_file_bytes / 1024 / 1024:.0f} MB；请拆分后分别导入。",
            code="too_large",
        )
    if size == 0:
        raise ReaderError("文件是空的。", code="empty")
    with path.open("rb") as f:
        head = f.read(8192)
    kind = sniff_kind(head, filename or path.name)
    if kind == "xlsx":
        return _xlsx_book(path, limits)
    return Book("csv", [_csv_sheet(path, limits, Path(filename or path.name).stem or "CSV")])


# ---- CSV -------------------------------------------------------------------------------------

def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ",", 0
    for delimiter in (",", "\t", ";"):
        counts = [line.count(delimiter) for line in lines]
        score = max(counts, default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_sheet(path: Path, limits: Limits, name: str) -> Sheet:
    with path.open("rb") as f:
        sample = f.read(256 * 1024)
    encoding = detect_encoding(sample)
    # The sample may end inside a multi-byte character: decode it leniently for sniffing only.
    delimiter = _sniff_delimiter(sample.decode(encoding.replace("-sig", ""), errors="ignore"))
    label = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16", "gb18030": "GBK/GB18030"}[encoding]
    sheet = Sheet(name=name, rows=_csv_rows(path, encoding, label, delimiter, limits))
    sheet.notes.append(f"按 {label} 编码读取。")
    return sheet


def _csv_rows(path: Path, encoding: str, label: str, delimiter: str, limits: Limits) -> Iterator[Row]:
    csv.field_size_limit(limits.max_cell_chars)
    number = 0
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for number, values in enumerate(reader, start=1):
                if number > limits.max_rows:
                    raise ReaderError(f"文件超过{limits.max_rows:,}行的上限；请拆分后分别导入。", code="too_many_rows")
                if len(values) > limits.max_columns:
                    raise ReaderError(
                        f"第{number}行有{len(values)}列，超过上限{limits.max_columns}列。", code="too_many_columns"
                    )
                yield number, values
        except UnicodeDecodeError as e:
            raise ReaderError(
                f"第{number + 1}行附近有无法按 {label} 解码的字节：文件编码不一致，请在 Excel 中另存为"
                "“CSV UTF-8（逗号分隔）”后再导入。",
                code="encoding",
            ) from e
        except csv.Error as e:
            if "field larger than field limit" in str(e):
                raise ReaderError(
                    f"第{number + 1}行有单元格超过{limits.max_cell_chars:,}个字符的上限。", code="cell_too_long"
                ) from e
            raise ReaderError(f"第{number + 1}行不是有效的 CSV（{e}）。", code="format") from e


# ---- xlsx ------------------------------------------------------------------------------------

def check_zip(path: Path, limits: Limits) -> None:
    """Refuse a malformed or bomb-like .xlsx from the zip directory alone (nothing is inflated)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ReaderError("文件不是有效的 .xlsx 工作簿（压缩包已损坏）。", code="malformed") from e
    if len(infos) > limits.max_zip_members:
        raise ReaderError(f"工作簿内含{len(infos)}个部件，超过上限，已拒绝。", code="zip_bomb")
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ReaderError("压缩包不是 Excel 工作簿（缺少 [Content_Types].xml 或 xl/ 目录）；请上传 .xlsx 文件。", code="malformed")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ReaderError("工作簿已加密；请取消密码后另存为 .xlsx 再导入。", code="encrypted")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_compression_ratio:
            raise ReaderError(
                f"工作簿部件 {info.filename} 的压缩比为{ratio:.0f}倍，超过上限{limits.max_compression_ratio}倍"
                "（疑似压缩炸弹），已拒绝。",
                code="zip_bomb",
            )
        if info.filename.endswith("sharedStrings.xml") and info.file_size > limits.max_shared_strings_bytes:
            raise ReaderError("工作簿的共享字符串过大，超过上限，已拒绝。", code="zip_bomb")
    if total > limits.max_uncompressed_bytes:
        raise ReaderError(
            f"工作簿解压后为{total / 1024 / 1024:.0f} MB，超过上限{limits.max_uncompressed_bytes / 1024 / 1024:.0f} MB，已拒绝。",
            code="zip_bomb",
        )


_F_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3}\d+)\"[^>]*>")
_V_TAG = re.compile(rb"<(?:\w+:)?v>[^<]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)\"")


def scan_sheet_xml(stream: IO[bytes]) -> tuple[set[tuple[int, int]], list[tuple[int, int, int, int]]]:
    """One pass over a sheet's XML: formula cells with no cached value, and merged ranges."""
    uncached: set[tuple[int, int]] = set()
    merges: list[tuple[int, int, int, int]] = []
    carry = b""
    while True:
        chunk = stream.read(4 * 1024 * 1024)
        data = carry + chunk
        for match in _F_TAG.finditer(data):
            window_start = max(0, match.start() - 4096)
            cells = list(_CELL_START.finditer(data, window_start, match.start()))
            end = data.find(b"c>", match.end())
            if not cells or end < 0:
                continue
            # A formula whose text result is "" is saved as t="str" with an empty <v>: that is a value.
            if not _V_TAG.search(data, match.end(), end) and b't="str"' not in cells[-1].group(0):
                uncached.add(coordinate_to_tuple(cells[-1].group(1).decode()))
        for match in _MERGE.finditer(data):
            min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode())
            merges.append((min_row, min_col, max_row, max_col))
        if not chunk:
            break
        carry = data[-65536:]
    return uncached, sorted(set(merges))


def _xlsx_book(path: Path, limits: Limits) -> Book:
    check_zip(path, limits)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types on a damaged part
        raise ReaderError("无法读取 .xlsx 工作簿：文件已损坏或不是 Excel 保存的工作簿。", code="malformed") from e
    sheets = []
    try:
        for ws in wb.worksheets:
            try:
                with wb._archive.open(ws._worksheet_path) as stream:
                    uncached, merges = scan_sheet_xml(stream)
            except (KeyError, zipfile.BadZipFile, OSError, AttributeError) as e:
                raise ReaderError(f"工作表“{ws.title}”已损坏，无法读取。", code="malformed") from e
            sheets.append(Sheet(name=ws.title, rows=_xlsx_rows(ws, uncached, merges, limits),
                                hidden=ws.sheet_state != "visible"))
    except BaseException:
        wb.close()
        raise
    return Book("xlsx", sheets, wb.close)


def _xlsx_rows(
    ws: Any, uncached: set[tuple[int, int]], merges: list[tuple[int, int, int, int]], limits: Limits
) -> Iterator[Row]:
    active: list[tuple[int, int, int, int, Any]] = []  # merges covering the current row, with their value
    pending = list(merges)
    uncached_by_row: dict[int, list[int]] = {}
    for r, c in uncached:
        uncached_by_row.setdefault(r, []).append(c)
    try:
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > limits.max_rows:
                raise ReaderError(f"文件超过{limits.max_rows:,}行的上限；请拆分后分别导入。", code="too_many_rows")
            row = list(values)
            if len(row) > limits.max_columns:
                if any(v is not None for v in row[limits.max_columns:]):
                    raise ReaderError(f"第{number}行超过{limits.max_columns}列的上限。", code="too_many_columns")
                row = row[: limits.max_columns]
            for i, value in enumerate(row):
                if isinstance(value, str) and len(value) > limits.max_cell_chars:
                    raise ReaderError(
                        f"工作表“{ws.title}”第{number}行第{i + 1}列超过{limits.max_cell_chars:,}个字符的上限。",
                        code="cell_too_long",
                    )
            for c in uncached_by_row.get(number, ()):
                if c <= len(row):
                    row[c - 1] = NO_VALUE
            while pending and pending[0][0] == number:
                min_row, min_col, max_row, max_col = pending.pop(0)
                value = row[min_col - 1] if min_col <= len(row) else None
                active.append((min_row, min_col, max_row, max_col, value))
            if active:
                for min_row, min_col, _max_row, max_col, value in active:
                    if len(row) < max_col:
                        row.extend([None] * (max_col - len(row)))
                    for c in range(min_col, max_col + 1):
                        if (number, c) != (min_row, min_col):
                            row[c - 1] = value
                active = [m for m in active if m[2] > number]
            yield number, row
    except ReaderError:
        raise
    except Exception as e:  # a damaged sheet part found while streaming
        raise ReaderError(f"工作表“{ws.title}”已损坏，无法读取。", code="malformed") from e
