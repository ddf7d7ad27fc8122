"""Cell parsers: numbers, money, dates, years, choices and text as offices write them.

Each parser takes what a reader gives (a str from CSV; str, int, float, bool, datetime or None from
xlsx) and returns a Python value, or raises `CellError` with a Chinese reason. A value is either
read exactly or refused; nothing is rounded or guessed:

- full-width digits and punctuation (１２３，４５６) are folded by NFKC first;
- thousands separators must sit every three digits (1,526 yes; 1,52 no);
- 万 / 亿 / 千 scale a number (305.65万 = 3,056,500; 3.89亿 = 389,000,000), and a unit in the column
  header does the same (安排资金（万元）); money must come out as whole yuan;
- Chinese numerals (三百零五, 一千二百) are read by cn2an on the numeral span only;
- dates: Excel date cells, Excel serial numbers in numeric cells, and text such as 2023年10月26日,
  2023.10.26, 2023/10/26, 20231026 and 二〇二三年十月二十六日; a date must name the day.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import cn2an
from openpyxl.utils.datetime import from_excel

__all__ = [
    "CellError", "display", "read_number", "is_blank", "parse_bool", "parse_choice", "parse_date", "parse_decimal",
    "parse_domains", "parse_int", "parse_money", "parse_month", "parse_text", "parse_year", "to_decimal",
]


class CellError(ValueError):
    """A cell that cannot be read; `reason` is the Chinese message shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_SCALES = {"亿": Decimal(100_000_000), "万": Decimal(10_000), "千": Decimal(1_000)}
# Unit words a number may carry in a cell (人次 before 人: the longest suffix is stripped first).
_UNIT_WORDS = (
    "人民币", "人次", "元", "人", "名", "位", "个", "期", "次", "场", "所", "家", "台", "套", "件", "亩",
    "对", "天", "座", "处", "户", "项", "批", "间", "张", "辆", "吨", "斤", "公斤", "平方米", "㎡", "学位",
)
_UNIT_SUFFIX = re.compile("(?:" + "|".join(sorted(map(re.escape, _UNIT_WORDS), key=len, reverse=True)) + ")$")
_PLAIN = re.compile(r"[+-]?\d+(?:\.\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_CN_NUMERAL = re.compile(r"[零〇○一二两三四五六七八九十百千万亿点壹贰叁肆伍陆柒捌玖拾佰仟]+")
_SPACES = re.compile(r"[\s\u3000]+")


def _nfkc(value: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", value))


def display(raw: Any) -> str:
    """The cell as the user typed it, for error reports."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d %H:%M") if (raw.hour or raw.minute) else raw.strftime("%Y-%m-%d")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not _SPACES.sub("", raw))


def _float_decimal(value: float) -> Decimal:
    # Excel stores 305.65 as a binary double, and formulas leave noise (1100.0000000000002):
    # ten significant decimals keep every value a person can type and drop the noise.
    return Decimal(repr(round(value, 10)))


def to_decimal(raw: Any) -> Decimal:
    """Read a number written any usual way (see the module docstring) as an exact Decimal."""
    value, own_scale = read_number(raw)
    return value * (own_scale or 1)


def read_number(raw: Any) -> tuple[Decimal, Decimal | None]:
    """The number and the scale the cell writes itself (万 → 10,000, 元 → 1), None when it writes none.

    A scale in the cell wins over the one in the column header: "3.89亿" in a column headed 万元
    is still 389,000,000 yuan.
    """
    if isinstance(raw, bool):
        raise CellError(f"“{display(raw)}”不是数字。")
    if isinstance(raw, int):
        return Decimal(raw), None
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellError("单元格不是有效数字。")
        return _float_decimal(raw), None
    if isinstance(raw, Decimal):
        return raw, None
    if isinstance(raw, dt.date):
        raise CellError(f"“{display(raw)}”是日期，不是数字。")
    original = str(raw).strip()
    text = _nfkc(original)
    if not text:
        raise CellError("单元格为空。")
    scale: Decimal | None = None
    stripped = _UNIT_SUFFIX.sub("", text)
    if stripped != text and text.endswith(("元", "人民币")):
        scale = Decimal(1)
    text = stripped
    if text.endswith("%") and len(text) > 1:
        text = text[:-1]  # a percentage is kept as written: 85.3% → 85.3
    if len(text) > 1 and text[-1] in _SCALES and (_PLAIN.fullmatch(text[:-1]) or _GROUPED.fullmatch(text[:-1])):
        scale = _SCALES[text[-1]]
        text = text[:-1]
    if "," in text:
        if not _GROUPED.fullmatch(text):
            raise CellError(f"“{original}”的千分位分隔符位置不对（应每三位一个，如1,526）。")
        text = text.replace(",", "")
    if _PLAIN.fullmatch(text):
        return Decimal(text), scale
    if re.search(r"[约近余多逾超左右]", text):
        raise CellError(f"“{original}”是约数；导入表须填写确切数字。")
    if (scale is None or scale == 1) and (
        _CN_NUMERAL.fullmatch(text) or re.fullmatch(r"[\d.]+[万亿千][\d.一二三四五六七八九十百千万亿]*", text)
    ):
        # Chinese numerals (三百零五) and mixed forms (3万2千): cn2an reads the numeral span.
        try:
            value = cn2an.cn2an(text, "smart")
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise CellError(f"“{original}”不是可识别的数字。") from e
        number = _float_decimal(value) if isinstance(value, float) else Decimal(value)
        return number, Decimal(1) if re.search("[万亿千]", text) else scale
    raise CellError(f"“{original}”不是可识别的数字。")


def _integral(value: Decimal, original: Any, what: str) -> int:
    if value != value.to_integral_value():
        raise CellError(f"“{display(original)}”不是整数；{what}须为整数。")
    return int(value)


def parse_int(raw: Any) -> int:
    return _integral(to_decimal(raw), raw, "此列")


def parse_money(raw: Any, *, scale: int = 1) -> int:
    """Whole yuan; `scale` is the header's unit (10,000 for a column headed 万元)."""
    number, own_scale = read_number(raw)
    value = number * (own_scale if own_scale is not None else scale)
    if value != value.to_integral_value():
        raise CellError(f"“{display(raw)}”折合{value.normalize():f}元，不是整数元；金额须精确到元。")
    return int(value)


def parse_decimal(raw: Any, *, scale: int = 1) -> Decimal:
    number, own_scale = read_number(raw)
    return number * (own_scale if own_scale is not None else scale)


def parse_percent(raw: Any) -> Decimal:
    """A percentage as written (85.3% or 85.3 in a column headed %): returns 85.3."""
    if isinstance(raw, str):
        text = _nfkc(raw)
        if text.endswith("%"):
            return to_decimal(text[:-1])
    return to_decimal(raw)


_DATE_TEXT = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH_ONLY = re.compile(r"\d{4}[-/.年]\d{1,2}月?")
# Excel serial numbers we accept in a numeric cell of a date column: 1954-10-03 … 2099-12-31.
_SERIAL_MIN, _SERIAL_MAX = 20_000, 73_050


def _cn_to_digits(text: str) -> str:
    if not re.search(r"[〇○零一二三四五六七八九十]", text):
        return text
    try:
        return str(cn2an.transform(text.replace("○", "〇"), "cn2an"))
    except (ValueError, KeyError, IndexError):
        return text


def parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if _SERIAL_MIN <= raw <= _SERIAL_MAX:
            value = from_excel(raw)
            return value.date() if isinstance(value, dt.datetime) else value
        raise CellError(f"“{display(raw)}”不是日期；请填写如2023-10-26或2023年10月26日。")
    original = str(raw).strip()
    text = _cn_to_digits(_nfkc(original))
    match = _DATE_TEXT.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
    if match is None:
        if _MONTH_ONLY.fullmatch(text):
            raise CellError(f"“{original}”只写到月；日期须写到日，如2023年10月26日。")
        raise CellError(f"“{original}”不是可识别的日期；请填写如2023-10-26或2023年10月26日。")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as e:
        raise CellError(f"“{original}”不是存在的日期。") from e


def parse_year(raw: Any) -> int:
    if isinstance(raw, dt.date):
        raise CellError(f"“{display(raw)}”是日期；「年度」请填写四位年份，如2023。")
    text = _cn_to_digits(_nfkc(str(raw))) if isinstance(raw, str) else raw
    if isinstance(text, str):
        text = text.removesuffix("年度").removesuffix("年")
    try:
        value = to_decimal(text)
    except CellError as e:
        raise CellError(f"“{display(raw)}”不是年份；「年度」请填写四位年份，如2023。") from e
    if value != value.to_integral_value() or not 1000 <= value <= 9999:
        raise CellError(f"“{display(raw)}”不是四位年份。")
    return int(value)


def parse_month(raw: Any) -> int:
    text = _cn_to_digits(_nfkc(str(raw))) if isinstance(raw, str) else raw
    if isinstance(text, str):
        text = text.removesuffix("月份").removesuffix("月")
    try:
        return _integral(to_decimal(text), raw, "「月份」")
    except CellError as e:
        raise CellError(f"“{display(raw)}”不是月份；请填写1到12的数字。") from e


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "✘", "无", "不是"}


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = _nfkc(str(raw)).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"“{display(raw)}”不是是/否；请填写“是”或“否”。")


def parse_text(raw: Any, *, max_length: int | None = None) -> str:
    if raw.__class__ is str:  # the common case first: a CSV cell
        text = raw.strip()
        if max_length is not None and len(text) > max_length:
            raise CellError(f"内容有{len(text)}个字，超过上限{max_length}个字。")
        return text
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    elif isinstance(raw, dt.date):
        text = display(raw)
    else:
        text = str(raw).strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(f"内容有{len(text)}个字，超过上限{max_length}个字。")
    return text


def choice_key(text: str) -> str:
    return _nfkc(text).lower()


def choice_map(choices: Iterable[tuple[str, Any]], aliases: dict[str, str] | None = None) -> dict[str, str]:
    """label or value (normalised) → value, for `parse_choice`."""
    mapping: dict[str, str] = {}
    for value, label in choices:
        mapping[choice_key(str(value))] = value
        mapping[choice_key(str(label))] = value
    for alias, value in (aliases or {}).items():
        mapping[choice_key(alias)] = value
    return mapping


def parse_choice(raw: Any, mapping: dict[str, str], labels: Iterable[str]) -> str:
    value = mapping.get(choice_key(display(raw)))
    if value is None:
        raise CellError(f"“{display(raw)}”不是可选值；可选：{'、'.join(labels)}。")
    return value


_LIST_SEP = re.compile(r"[、,，;；/|\s]+")


def parse_domains(raw: Any, mapping: dict[str, str], labels: Iterable[str]) -> list[str]:
    values: list[str] = []
    for part in _LIST_SEP.split(display(raw).strip()):
        if part:
            value = parse_choice(part, mapping, labels)
            if value not in values:
                values.append(value)
    return values

