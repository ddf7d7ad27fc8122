"""Readers: a CSV or .xlsx file as sheets of numbered rows, within limits, or a Chinese refusal.

- The kind of file is told from its first bytes, not its name: a zip is an .xlsx, an OLE2 file is an
  old .xls (or an encrypted workbook) and is refused with the advice to save it as .xlsx.
- CSV: UTF-8 with or without BOM, UTF-16 with BOM, otherwise GB18030 (a superset of GBK) — or
  Traditional Big5 when the text reads as common characters in Big5 and as rare ones in GB18030
  (then every cell is converted to Simplified, so names match the division table, and a note says
  so); the delimiter (comma, tab, semicolon) is sniffed from the first lines. Bytes the encoding
  cannot decode are reported at their row as Excel numbers it (one row per CSV record, the first
  line is row 1) and column, naming the encoding tried.
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
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
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

ENCODING_LABELS = {
    "utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16", "gb18030": "GBK/GB18030",
    "cp950": "繁体 Big5", "big5hkscs": "繁体 Big5（香港）",
}
BIG5 = ("cp950", "big5hkscs")  # Windows' Big5 first, then Hong Kong's superset
BIG5_HINT = "该文件似乎是繁体 Big5 编码，请另存为 UTF-8 或 GB18030 后再导入。"


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    gb = common_share(_decoded(sample, "gb18030"))
    for encoding in BIG5:
        big5 = common_share(_decoded(sample, encoding))
        if big5 is not None and big5 >= 0.8 and (gb is None or big5 - gb >= 0.2):
            return encoding
    return "gb18030"


def looks_big5(sample: bytes) -> bool:
    """Does the text read better as Big5 than as GB18030, even if some bytes fit neither?"""
    gb = common_share(_decoded(sample, "gb18030", errors="replace"))
    big5 = common_share(_decoded(sample, "cp950", errors="replace"))
    return big5 is not None and big5 >= 0.6 and (gb is None or big5 - gb >= 0.2)


def _decoded(sample: bytes, encoding: str, errors: str = "strict") -> str | None:
    """The sample as text (a character cut at its end is left out), or None if it does not decode."""
    try:
        return codecs.getincrementaldecoder(encoding)(errors).decode(sample[:65536], final=False)
    except UnicodeDecodeError:
        return None


def common_share(text: str | None) -> float | None:
    """Share of common Chinese characters (GB2312 level 1 and their Traditional forms) among the
    letters beyond ASCII; None when there are too few to tell. Text decoded with the wrong one of
    GB18030 and Big5 reads as rare characters, private-use code points and kana."""
    if not text:
        return None
    from shanhai.evidence.normalize import common_chars

    common = common_chars()
    letters = common_hits = 0
    for c in text:
        if c < "\x80" or unicodedata.category(c)[0] in "PZNS":
            continue
        letters += 1
        common_hits += c in common
    return common_hits / letters if letters >= 4 else None


@lru_cache(maxsize=1)
def _t2s() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC's t2s: phrases, then characters); ASCII as is."""
    return text if text.isascii() else _t2s().convert(text)  # type: ignore[attr-defined]


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
    label = ENCODING_LABELS[encoding]
    rows = _csv_rows(path, encoding, label, delimiter, limits)
    hint = ""
    if encoding in BIG5:
        rows = _simplified(rows)
    elif encoding == "gb18030" and looks_big5(sample):
        hint = BIG5_HINT
    sheet = Sheet(name=name, rows=_with_hint(rows, hint) if hint else rows)
    if encoding in BIG5:
        sheet.notes.append(
            f"该文件似乎是{label}编码：已按 Big5 读取，并把繁体字转换为简体字；请核对人名、单位名等转换结果。"
            "如有不对，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入。"
        )
    else:
        sheet.notes.append(f"按 {label} 编码读取。{hint}")
    return sheet


def _simplified(rows: Iterator[Row]) -> Iterator[Row]:
    for number, values in rows:
        yield number, [to_simplified(v) if v else v for v in values]


def _with_hint(rows: Iterator[Row], hint: str) -> Iterator[Row]:
    """Add `hint` to a decoding error's message (the file may be in another encoding)."""
    try:
        yield from rows
    except ReaderError as e:
        if e.code == "encoding":
            raise ReaderError(f"{e.message}{hint}", code="encoding") from e
        raise


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
            # The wrapper decodes ahead of the row being read: find the row the bytes are really in.
            row, column = locate_undecodable(path, encoding, delimiter)
            where = f"第{row}行第{column}列" if row else f"第{number + 1}行之后"
            raise ReaderError(
                f"{where}含有无法按 {label} 编码解码的字节（{e.object[e.start:e.end].hex(' ').upper()}）："
                "文件中混有其他编码的文字，或文件已损坏。请在 Excel 中打开、核对该单元格，另存为"
                "“CSV UTF-8（逗号分隔）”后再导入。",
                code="encoding",
            ) from e
        except csv.Error as e:
            if "field larger than field limit" in str(e):
                raise ReaderError(
                    f"第{number + 1}行有单元格超过{limits.max_cell_chars:,}个字符的上限。", code="cell_too_long"
                ) from e
            raise ReaderError(f"第{number + 1}行不是有效的 CSV（{e}）。", code="format") from e


_UNDECODABLE = "\U0010fffe"  # a noncharacter standing for undecodable bytes while they are located
codecs.register_error("shanhai_mark", lambda e: (_UNDECODABLE, e.end))  # type: ignore[arg-type, return-value]


def locate_undecodable(path: Path, encoding: str, delimiter: str) -> tuple[int, int]:
    """(row, column) of the first bytes `encoding` cannot decode, as Excel numbers them: one row per
    CSV record (a cell may span lines), the file's first line is row 1. (0, 0) if not found."""
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="shanhai_mark", newline="")
        try:
            for number, values in enumerate(csv.reader(text, delimiter=delimiter), start=1):
                for column, value in enumerate(values, start=1):
                    if _UNDECODABLE in value:
                        return number, column
        except csv.Error:
            pass
    return 0, 0


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
        # A formula tag contains "<f" or (prefixed) ":f", a merge "mergeCell": a plain sheet of values
        # has neither, and finding that out with bytes.find is far cheaper than running the patterns.
        formulas = b"<f" in data or b":f" in data
        for match in _F_TAG.finditer(data) if formulas else ():
            window_start = max(0, match.start() - 4096)
            cells = list(_CELL_START.finditer(data, window_start, match.start()))
            end = data.find(b"c>", match.end())
            if not cells or end < 0:
                continue
            # A formula whose text result is "" is saved as t="str" with an empty <v>: that is a value.
            if not _V_TAG.search(data, match.end(), end) and b't="str"' not in cells[-1].group(0):
                uncached.add(coordinate_to_tuple(cells[-1].group(1).decode()))
        for match in _MERGE.finditer(data) if b"mergeCell" in data else ():
            min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode())
            merges.append((min_row, min_col, max_row, max_col))
        if not chunk:
            break
        carry = data[-65536:]
    return uncached, sorted(set(merges))


def _xlsx_book(path: Path, limits: Limits) -> Book:
    check_zip(path, limits)
    try:
        reader = _excel_reader()(path, read_only=True, data_only=True)
        reader.read()
        wb = reader.wb
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


_is_str = str.__instancecheck__  # isinstance(v, str) without a Python frame per cell


def _xlsx_rows(
    ws: Any, uncached: set[tuple[int, int]], merges: list[tuple[int, int, int, int]], limits: Limits
) -> Iterator[Row]:
    active: list[tuple[int, int, int, int, Any]] = []  # merges covering the current row, with their value
    pending = list(merges)
    uncached_by_row: dict[int, list[int]] = {}
    for r, c in uncached:
        uncached_by_row.setdefault(r, []).append(c)
    try:
        for number, values in enumerate(sheet_values(ws), start=1):
            if number > limits.max_rows:
                raise ReaderError(f"文件超过{limits.max_rows:,}行的上限；请拆分后分别导入。", code="too_many_rows")
            row = list(values)
            if len(row) > limits.max_columns:
                if any(v is not None for v in row[limits.max_columns:]):
                    raise ReaderError(f"第{number}行超过{limits.max_columns}列的上限。", code="too_many_columns")
                row = row[: limits.max_columns]
            # The longest text of the row first (all in C), each cell only when one is too long.
            if max(map(len, filter(_is_str, row)), default=0) > limits.max_cell_chars:
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


# ---- the cell values of a sheet, read straight from its XML ---------------------------------------
#
# openpyxl's read-only reader builds an element tree per row and a dict per cell (~45–90 µs a row).
# Sheets saved by Excel, WPS, LibreOffice, XlsxWriter or openpyxl are regular: unprefixed <row> and
# <c> elements with r/t/s attributes and a <v> value. Those are read here with a few regular
# expressions, converting each cell exactly as openpyxl's `WorkSheetParser.parse_cell` does in
# data-only mode (shared strings, numbers, dates by the cell's number format, booleans, errors,
# formula strings, inline strings through openpyxl's own Text). Anything else — a namespace prefix,
# CDATA, another encoding — goes through openpyxl's reader unchanged. Rows are padded, and missing
# rows filled, as `ws.iter_rows(values_only=True)` does.

# A row's start, the common cell (r, s, t in that order, a bare <v>), or any other cell.
_SHEET_RE = re.compile(
    rb'(<row)\b([^>]*)>'
    rb'|<c r="([A-Z]{1,3})[0-9]+"(?: s="([0-9]+)")?(?: t="([a-z]+)")?(?:/>|><v>([^<]*)</v></c>)'
    rb"|<c\b([^>]*?)(?:/>|>(.*?)</c>)",
    re.S,
)
_ROW_NUMBER_RE = re.compile(rb'\br="([0-9.]+)"')
_CELL_REF_RE = re.compile(rb'\br="([A-Z]{1,3})[0-9]*"')
_ATTR_RE = re.compile(rb'\b([rts])="([^"]*)"')
_VALUE_RE = re.compile(rb"<v>([^<]*)</v>")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_READ_CHUNK = 4 * 1024 * 1024


def _xml_text(raw: bytes) -> str:
    if b"\r" in raw:  # XML's end-of-line handling, as the XML parser applies it
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    text = raw.decode("utf-8")
    if "&" not in text:
        return text

    def entity(m: re.Match[str]) -> str:
        name = m.group(1)
        if name[0] == "#":
            return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
        return _ENTITIES[name]

    return _ENTITY.sub(entity, text)


@lru_cache(maxsize=4096)
def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_xml_is_plain(ws: Any) -> bool:
    """Whether the sheet's XML is the regular kind `_plain_sheet_values` reads (decided from its start)."""
    try:
        with ws.parent._archive.open(ws._worksheet_path) as stream:
            head = stream.read(65536)
    except (AttributeError, KeyError, OSError, zipfile.BadZipFile):
        return False
    declaration = head[:100].lower()
    if b"encoding=" in declaration and b'encoding="utf-8"' not in declaration and b"encoding='utf-8'" not in declaration:
        return False
    return re.search(rb"<worksheet[\s>]", head) is not None  # a prefixed <x:worksheet> is read by openpyxl


def sheet_values(ws: Any) -> Iterator[tuple[Any, ...]]:
    """`ws.iter_rows(values_only=True)` of a read-only worksheet, faster for regular sheet XML."""
    if not _sheet_xml_is_plain(ws):
        yield from ws.iter_rows(values_only=True)
        return
    yield from _plain_sheet_values(ws)


def _plain_sheet_values(ws: Any) -> Iterator[tuple[Any, ...]]:
    from openpyxl.cell.text import Text
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.xml.functions import fromstring

    wb = ws.parent
    strings = ws._shared_strings
    dates, timedeltas, epoch = wb._date_formats, wb._timedelta_formats, wb.epoch
    max_col, max_row = ws.max_column, ws.max_row
    empty: tuple[Any, ...] = (None,) * max_col if max_col else ()
    counter = 1  # the next row number to yield
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

    def convert(attrs: bytes, body: bytes | None) -> Any:
        t, s = b"n", 0
        for name, value in _ATTR_RE.findall(attrs):
            if name == b"t":
                t = value
            elif name == b"s" and value:
                s = int(value)
        if t == b"inlineStr":
            if body is None:
                return None
            node = fromstring(b"<c " + ns + b">" + body + b"</c>")
            child = node.find("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}is")
            return None if child is None else Text.from_tree(child).content
        if body is None or b"<v" not in body:
            return None
        found = _VALUE_RE.search(body)
        if found is None or not found.group(1):
            return None  # <v/> or <v></v>: openpyxl's `findtext(…) or None`
        raw = found.group(1)
        if t == b"n":
            text = raw.decode()
            number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            if s in dates:
                try:
                    return from_excel(number, epoch, timedelta=s in timedeltas)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if t == b"s":
            return strings[int(raw)]
        if t == b"b":
            return bool(int(raw))
        if t == b"d":
            return from_ISO8601(raw.decode())
        return _xml_text(raw)  # "str" (a formula's text), "e" (an error such as #DIV/0!)

    def finish(row_number: int, cells: list[tuple[int, Any]]) -> tuple[Any, ...]:
        width = max_col or (cells[-1][0] if cells else 0)
        values: list[Any] = [None] * width
        for c, v in cells:
            if c <= width:
                values[c - 1] = v
        return tuple(values)

    column_number = _column_number
    converted: dict[tuple[Any, bool], Any] = {}  # (serial number, as a time span) → date, time or span
    row_number = 0
    cells: list[tuple[int, Any]] | None = None  # the row being read
    with wb._archive.open(ws._worksheet_path) as stream:
        carry = b""
        while True:
            chunk = stream.read(_READ_CHUNK)
            data = carry + chunk
            if chunk:
                cut = data.rfind(b"</row>")
                if cut < 0:
                    carry = data
                    continue
                cut += len(b"</row>")
                data, carry = data[:cut], data[cut:]
            for row_tag, row_attrs, col, style, kind, value, attrs, body in _SHEET_RE.findall(data):
                if row_tag:
                    if cells is not None:
                        while counter < row_number:
                            counter += 1
                            yield empty
                        if counter == row_number:
                            counter += 1
                            yield finish(row_number, cells)
                    found = _ROW_NUMBER_RE.search(row_attrs)
                    row_number = int(float(found.group(1))) if found else row_number + 1
                    if max_row is not None and row_number > max_row:
                        cells = None
                        break
                    cells = []
                    column = 0
                    continue
                if cells is None:
                    continue
                if col:  # the common cell: <c r="B7" s="1" t="s"><v>12</v></c>
                    column = column_number(col)
                    if not value:
                        cells.append((column, None))
                    elif not kind or kind == b"n":
                        text = value.decode()
                        number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
                        if style and int(style) in dates:
                            key = (number, int(style) in timedeltas)
                            found = converted.get(key)
                            if found is None:  # a sheet repeats its dates: each converted once
                                try:
                                    found = from_excel(number, epoch, timedelta=key[1])
                                except (OverflowError, ValueError):
                                    found = "#VALUE!"
                                if len(converted) < 100_000:
                                    converted[key] = found
                            number = found
                        cells.append((column, number))
                    elif kind == b"s":
                        cells.append((column, strings[int(value)]))
                    else:
                        cells.append((column, convert(b' t="' + kind + b'"', b"<v>" + value + b"</v>")))
                    continue
                ref = _CELL_REF_RE.search(attrs)
                column = column_number(ref.group(1)) if ref else column + 1
                cells.append((column, convert(attrs, body or None)))
            if not chunk or (max_row is not None and row_number > max_row):
                break
    if cells is not None:
        while counter < row_number:
            counter += 1
            yield empty
        if counter == row_number:
            counter += 1
            yield finish(row_number, cells)
    if max_row is not None and max_row < max(row_number, 1):  # as openpyxl: only after a row past the end
        while counter <= max_row:
            counter += 1
            yield empty


# ---- shared strings ------------------------------------------------------------------------------
#
# openpyxl reads each shared string through its descriptor classes (~40 µs a string: a sheet of
# 40,000 distinct names spends 1.6 s there). A plain string (<si><t>…</t></si>) is read here with a
# regular expression; anything else (rich text runs, phonetic guides) goes through openpyxl's Text, as
# before, and 'x005F_' is dropped as openpyxl's `read_string_table` drops it.

_SI_RE = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_PLAIN_T_RE = re.compile(rb'<t(?: xml:space="preserve")?>([^<]*)</t>|<t/>')


def read_shared_strings(stream: IO[bytes]) -> list[str]:
    from openpyxl.cell.text import Text
    from openpyxl.xml.functions import fromstring

    data = stream.read()
    if re.search(rb"<sst[\s>]", data[:4096]) is None:  # a prefixed <x:sst>: openpyxl's own reader
        from openpyxl.reader.strings import read_string_table

        return read_string_table(io.BytesIO(data))
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    strings: list[str] = []
    for body in _SI_RE.findall(data):
        plain = _PLAIN_T_RE.fullmatch(body)
        if plain is not None:
            text = _xml_text(plain.group(1)) if plain.group(1) else ""
        elif not body:
            text = ""
        else:
            text = Text.from_tree(fromstring(b"<si " + ns + b">" + body + b"</si>")).content
        strings.append(text.replace("x005F_", ""))
    return strings


@lru_cache(maxsize=1)
def _excel_reader() -> type:
    """openpyxl's ExcelReader with the shared strings read by `read_shared_strings`."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    class Reader(ExcelReader):
        def read_strings(self) -> None:
            ct = self.package.find(SHARED_STRINGS)
            if ct is not None:
                with self.archive.open(ct.PartName[1:]) as src:
                    self.shared_strings = read_shared_strings(src)

    return Reader


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:?[A-Z]*(\d*)"')


def estimate_rows(path: Path) -> int | None:
    """About how many rows the file holds, for a progress bar's total, without reading it as data: the
    lines of a CSV less its header, or the declared dimension of each worksheet of an xlsx less its header
    row. None when it cannot tell."""
    try:
        with path.open("rb") as f:
            head = f.read(4)
            if head != _ZIP_MAGIC:
                f.seek(0)
                lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
                f.seek(-1, 2)
                lines += f.read(1) != b"\n"  # a last line without its newline
                return lines - 1 if lines > 1 else None
        total = 0
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                    with z.open(name) as sheet:
                        m = _DIMENSION.search(sheet.read(4096))
                    if m and m.group(1):
                        total += max(0, int(m.group(1)) - 1)
        return total or None
    except (OSError, zipfile.BadZipFile, ValueError):
        return None
