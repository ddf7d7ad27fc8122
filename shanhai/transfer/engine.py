"""The import engine: a file in, every row checked, then all of it written or none of it.

    read (readers) → find the header (headers) → parse each cell (parsers) → resolve names and
    build field values (specs + resolve) → validate (model rules) → match existing records by
    natural key → report; and unless it is a dry run or any row failed, write in one transaction.

Two ways to validate and write, with the same outcome:

- the general path (every type): a model instance per row, `full_clean()` exactly as the admin
  validates, natural keys matched in Python, writes through `bulk_create_with_history` /
  `bulk_update_with_history` (pairings through `save()`, which maintains their tree path);
- the fast path (placements, sales; see `fastpath.py`): the same declared rules checked in Python
  (`checks.ModelRules`), rows staged in a temporary table and matched, inserted, updated and
  recorded in history with a handful of set-based SQL statements.

All-or-nothing: errors are collected for every row before anything is written; any error, or a
dry run, rolls the whole transaction back. The database is as it was.
"""

from __future__ import annotations

import functools
import gc
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from shanhai.accounts.writes import PAIRING_SHAPE, pairing_children_errors
from shanhai.core.db import read_atomic
from shanhai.core.fields import Domain
from shanhai.core.privacy import mask_id_number, mask_phone
from shanhai.transfer import bulk
from shanhai.transfer import parsers as p
from shanhai.transfer.checks import ModelRules
from shanhai.transfer.headers import HEADER_SCAN_ROWS, HeaderMap, detect_type, find_header
from shanhai.transfer.readers import EXCEL_ERRORS, NO_VALUE, Limits, ReaderError, open_book
from shanhai.transfer.resolve import Resolver
from shanhai.transfer.specs import TYPES, Col, RowValues, TypeSpec, get_spec
from shanhai.transfer.templates import GUIDE_SHEET

MAX_LISTED_ERRORS = 50_000
MAX_LISTED_CHANGES = 200
MAX_LISTED_WARNINGS = 1_000
DATED_KINDS = frozenset({"date", "year"})  # a year beyond next year in these is a warning to confirm


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    value: str
    reason: str


@dataclass
class Change:
    sheet: str
    row: int
    action: str  # "create" | "update"
    label: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (header, old, new)


@dataclass
class ImportResult:
    type_key: str = ""
    type_label: str = ""
    filename: str = ""
    dry_run: bool = False
    path: str = ""  # "general" | "fast"
    rows: int = 0  # data rows read (not counting blank and total rows)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    bad_rows: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0
    # Cells that parse but look wrong (a date or year beyond next year): listed, and the file is written
    # only when the user has confirmed them (`accept_warnings`, the page's checkbox, --accept-warnings).
    warnings: list[RowError] = field(default_factory=list)
    warning_count: int = 0
    accept_warnings: bool = False
    # What a committed import wrote, per type (`records_link`); see `records`.
    written: list[dict[str, Any]] = field(default_factory=list)

    def add_records(self, model: type[models.Model], action: str, ids: list[Any]) -> None:
        """List the records this import wrote (created or updated), with a link to the admin list of them."""
        if ids:
            self.written.append(records_link(model, action, ids))

    @property
    def records(self) -> list[dict[str, Any]]:
        """{"model", "label", "action", "count", "url", "ids"} per type written. The admin URL is worked out
        when first asked for (a command-line import need not load the URL configuration to write)."""
        for written in self.written:
            if "url" not in written:
                base, query = _changelist_url(written["model"]), written.pop("query")
                written["url"] = base + query if base else ""
        return self.written

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors and not self.error_count

    @property
    def held(self) -> bool:
        """No errors, but warnings nobody has confirmed yet: not written."""
        return self.ok and bool(self.warning_count) and not self.accept_warnings

    @property
    def writable(self) -> bool:
        return self.ok and not self.held

    def add_warning(self, warning: RowError) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED_WARNINGS:
            self.warnings.append(warning)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(error)

    def add_change(self, change: Change) -> None:
        if len(self.changes) < MAX_LISTED_CHANGES:
            self.changes.append(change)

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type_key, "type_label": self.type_label, "filename": self.filename,
            "dry_run": self.dry_run, "path": self.path, "ok": self.ok, "committed": self.committed,
            "rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "skipped": self.skipped, "bad_rows": self.bad_rows, "error_count": self.error_count,
            "errors": [e.__dict__ for e in self.errors], "file_errors": self.file_errors, "notes": self.notes,
            "warnings": [w.__dict__ for w in self.warnings], "warning_count": self.warning_count,
            "held": self.held, "records": self.records,
            "changes": [
                {"sheet": c.sheet, "row": c.row, "action": c.action, "label": c.label, "fields": c.fields}
                for c in self.changes
            ],
            "seconds": round(self.seconds, 3),
        }


def _changelist_url(label: str) -> str:
    """The admin list of a model ("app.model"), or "" without one ("" means: no link)."""
    from django.apps import apps
    from django.urls import NoReverseMatch, reverse

    model = apps.get_model(label)
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    except NoReverseMatch:
        return ""


MAX_LINKED_IDS = 300  # beyond this, a link names the range of ids written (ids are taken in one run)


def records_link(model: type[models.Model], action: str, ids: list[Any], *,
                 span: tuple[int, int, int] | None = None) -> dict[str, Any]:
    """{"model", "label", "action", "count", "url", "ids"}: the admin list filtered to these records.

    Few records are named by id (id__in); many by the range of their ids (id__gte/id__lte), which an
    import takes in one run, so the range holds the import's records (and, on a busy PostgreSQL,
    possibly a record someone else created meanwhile). `ids` lists them as ranges "a-b".
    """
    spans: list[list[Any]] = []
    if span is not None:  # (first id, last id, count): a fast-path batch
        ordered, spans = sorted({span[0], span[1]}), [[span[0], span[1]]]
    else:
        ordered = sorted(ids)
        for pk in ordered:
            if spans and isinstance(pk, int) and pk == spans[-1][1] + 1:
                spans[-1][1] = pk
            else:
                spans.append([pk, pk])
    if len(spans) == 1 and spans[0][0] != spans[0][1] or len(ordered) > MAX_LINKED_IDS:
        query = f"?id__gte={ordered[0]}&id__lte={ordered[-1]}"
    else:
        query = "?id__in=" + ",".join(str(pk) for pk in ordered)
    return {
        "model": model._meta.label_lower, "label": str(model._meta.verbose_name_plural), "action": action,
        "count": span[2] if span is not None else len(ordered), "query": query,
        "ids": [f"{a}-{b}" if a != b else str(a) for a, b in spans[:MAX_LINKED_IDS]],
    }


# ---- one sheet, ready to read ----------------------------------------------------------------

@dataclass
class Source:
    number: int
    name: str
    header: HeaderMap
    rows: Iterator[tuple[int, list[Any]]]

    def index_of(self, name: str) -> int | None:
        for i, c in self.header.columns.items():
            if c.name == name:
                return i
        return None


_TOTAL_WORDS = ("合计", "总计", "小计", "累计", "总合计", "全县合计", "全市合计", "汇总")
_FOOTER_WORDS = ("填表人", "填报人", "审核人", "制表人", "负责人", "联系人", "联系电话", "填表说明", "注：", "注:",
                 "说明：", "说明:", "备注：", "备注:", "填表日期")


_FIRST_CHARS = frozenset(w[0] for w in _TOTAL_WORDS + _FOOTER_WORDS)
_SPECIAL = _FIRST_CHARS | frozenset(" \t\r\n\u3000\xa0")


def _clean_text(value: Any) -> str:
    return unicodedata.normalize("NFKC", p.display(value)).replace(" ", "").replace("\u3000", "")


def classify_row(row: list[Any], header_texts: list[str]) -> str:
    """'data', 'blank', 'total', 'footer' or 'header' (a header repeated on a printed page).

    Called once per row of a million-row file: the common case (a data row) costs a few checks.
    """
    firsts: list[Any] = []
    for v in row:
        if v is None or v == "" or (v.__class__ is str and v.isspace()):
            continue
        firsts.append(v)
        if len(firsts) == 3:
            break
    if not firsts:
        return "blank"
    for v in firsts:
        if v.__class__ is str and (v[0] in _FIRST_CHARS or (v[0].isspace() and v.lstrip()[:1] in _FIRST_CHARS)):
            text = _clean_text(v)
            if text.startswith(_TOTAL_WORDS):
                return "total"
            if v is firsts[0] and text.startswith(_FOOTER_WORDS):
                return "footer"
    if header_texts and row and p.display(row[0]).strip() == header_texts[0].strip():
        texts = [p.display(v).strip() for v in row]
        if texts[: len(header_texts)] == [t.strip() for t in header_texts][: len(texts)]:
            return "header"
    return "data"


# ---- cell parsers ----------------------------------------------------------------------------

def make_parser(c: Col, scale: int) -> Callable[[Any], Any]:
    kind = c.kind
    fn: Callable[[Any], Any]
    if kind == "text":
        max_length = c.max_length
        return lambda raw: p.parse_text(raw, max_length=max_length)
    if kind == "money":
        fn = lambda raw: p.parse_money(raw, scale=scale)  # noqa: E731
    elif kind == "decimal":
        fn = lambda raw: p.parse_decimal(raw, scale=scale)  # noqa: E731
    elif kind == "int":
        fn = p.parse_int
    elif kind == "percent":
        fn = p.parse_percent
    elif kind == "date":
        fn = p.parse_date
    elif kind == "year":
        fn = p.parse_year
    elif kind == "month":
        fn = p.parse_month
    elif kind == "bool":
        fn = p.parse_bool
    elif kind == "choice":
        mapping = p.choice_map(c.choices, dict(c.choice_aliases))
        labels = [label for _, label in c.choices]
        fn = lambda raw: p.parse_choice(raw, mapping, labels)  # noqa: E731
    elif kind == "domains":
        mapping = p.choice_map(Domain.choices)
        labels = [str(label) for label in Domain.labels]
        fn = lambda raw: p.parse_domains(raw, mapping, labels)  # noqa: E731
    else:  # pragma: no cover - Col validates kinds
        raise ValueError(kind)
    cache: dict[Any, Any] = {}

    def cached(raw: Any) -> Any:
        # Sheets repeat the same years, months, kinds and amounts: parse each spelling once.
        key = (type(raw), raw)
        try:
            result = cache[key]
        except KeyError:
            try:
                result = fn(raw)
            except p.CellError as e:
                result = e
            if len(cache) < 100_000:
                cache[key] = result
        except TypeError:  # unhashable
            return fn(raw)
        if isinstance(result, p.CellError):
            raise result
        return result

    return cached


def masked(c: Col, raw: Any) -> str:
    text = p.display(raw)
    if not c.secret or not text:
        return text
    if c.name == "id_number" and len(text) >= 10:
        return mask_id_number(text)
    if c.name == "phone" and len(text) >= 7:
        return mask_phone(text)
    return "*" * len(text)


class RowReader:
    """Turns the data rows of the sources into RowValues, recording cell errors on the result."""

    def __init__(self, spec: TypeSpec, result: ImportResult) -> None:
        self.spec = spec
        self.result = result
        self.horizon = timezone.localdate().year + 1  # dates and years after next year are warned about

    def plan(self, source: Source) -> list[tuple[int, Col, Callable[[Any], Any]]]:
        """(file column, spec column, parser) for each column the sheet has."""
        header = source.header
        return [(i, c, make_parser(c, header.scales.get(c.name, 1))) for i, c in sorted(header.columns.items())]

    def skip(self, source: Source, number: int, raw: list[Any]) -> bool:
        """True for blank, total, footer and repeated header rows (counted and noted)."""
        kind = classify_row(raw, source.header.header_texts)
        if kind == "data":
            return False
        self.result.skipped += 1
        if kind in ("total", "footer") and len(self.result.notes) < 50:
            what = "合计行" if kind == "total" else "表尾说明"
            self.result.notes.append(f"工作表“{source.name}”第{number}行是{what}，已跳过。")
        return True

    def parse(self, source: Source, plan: list[tuple[int, Col, Callable[[Any], Any]]], number: int,
              raw: list[Any]) -> RowValues:
        """The row's cells parsed; cell errors are in `.errors`."""
        values: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        width = len(raw)
        for i, c, parse in plan:
            value = raw[i] if i < width else None
            if value is None or value == "" or (value.__class__ is str and value.isspace()):
                if c.required and not c.required_unless:
                    errors.append((c.name, f"「{c.base_header}」为必填项。"))
                values[c.name] = c.blank_value
                continue
            if value is NO_VALUE:
                errors.append((c.name, "该单元格是公式，但文件中没有计算结果；请在 Excel 中打开、重新计算并保存后再导入。"))
                continue
            if value.__class__ is str and value.strip() in EXCEL_ERRORS:
                errors.append((c.name, f"公式结果为错误值{value.strip()}。"))
                continue
            try:
                values[c.name] = parsed = parse(value)
            except p.CellError as e:
                errors.append((c.name, e.reason))
                continue
            if c.kind in DATED_KINDS and beyond(parsed, self.horizon):
                self.warn_future(source, number, c, value, parsed)
        rv = RowValues(values, (self.result.filename, source.name, number))
        rv.errors = errors
        return rv

    def rows(self, sources: list[Source]) -> Iterator[tuple[Source, int, list[Any], RowValues]]:
        for source in sources:
            plan = self.plan(source)
            for number, raw in source.rows:
                if self.skip(source, number, raw):
                    continue
                self.result.rows += 1
                yield source, number, raw, self.parse(source, plan, number, raw)

    def batches(self, sources: list[Source], size: int) -> Iterator[tuple[Source, list[tuple[int, list[Any]]]]]:
        """The data rows in batches (skipped rows already counted), for column-wise checking."""
        for source in sources:
            header0 = source.header.header_texts[0].strip() if source.header.header_texts else None
            batch: list[tuple[int, list[Any]]] = []
            for number, raw in source.rows:
                # The common data row: its first three cells are plain text starting with no total/footer
                # word or space, and it does not repeat the header. Anything else is fully classified.
                try:
                    a, b, c = raw[0], raw[1], raw[2]
                    plain = bool(a and b and c and a[0] not in _SPECIAL and b[0] not in _SPECIAL
                                 and c[0] not in _SPECIAL and a != header0)
                except (IndexError, TypeError, KeyError):  # short rows, numbers, dates
                    plain = False
                if not plain and self.skip(source, number, raw):
                    continue
                self.result.rows += 1
                batch.append((number, raw))
                if len(batch) >= size:
                    yield source, batch
                    batch = []
            if batch:
                yield source, batch

    def warn_future(self, source: Source, number: int, c: Col, raw: Any, value: Any) -> None:
        header = source.header.headers.get(c.name) or c.header
        year = value if isinstance(value, int) else value.year
        self.result.add_warning(RowError(
            source.name, number, header, masked(c, raw),
            f"「{c.base_header}」为{year}年，晚于明年（{self.horizon}年）；请核对是否填写有误。",
        ))

    def report(self, source: Source, number: int, raw: list[Any], errors: list[tuple[str, str]]) -> None:
        self.result.bad_rows += 1
        for name, reason in errors:
            index = source.index_of(name)
            header = source.header.headers.get(name) or _column_label(self.spec, name)
            value = ""
            if index is not None and index < len(raw):
                c = source.header.columns[index]
                value = masked(c, raw[index])
            self.result.add_error(RowError(source.name, number, header, value, reason))


def beyond(value: Any, horizon: int) -> bool:
    """True for a parsed date or year later than the horizon year."""
    year = value if value.__class__ is int else getattr(value, "year", None)
    return year is not None and year > horizon


def _column_label(spec: TypeSpec, name: str) -> str:
    for c in spec.columns:
        if c.name == name:
            return c.header
    return name


# ---- natural keys and field → column mapping --------------------------------------------------

def key_part(value: Any) -> Any:
    if isinstance(value, models.Model):
        return ("pk", value.pk) if value.pk is not None else ("new", id(value))
    if isinstance(value, str):
        return value.strip()  # as the database compares: exact, after the parser's trimming
    return value


def key_of_values(spec: TypeSpec, values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(key_part(values.get(name)) for name in spec.natural_key)


def key_of_instance(spec: TypeSpec, obj: models.Model) -> tuple[Any, ...]:
    parts = []
    for name in spec.natural_key:
        f = obj._meta.get_field(name)
        if isinstance(f, models.ForeignKey):
            fk = getattr(obj, f.attname)
            if fk is None and f.is_cached(obj) and getattr(obj, name) is not None:
                parts.append(key_part(getattr(obj, name)))
            else:
                parts.append(("pk", fk) if fk is not None else None)
        else:
            parts.append(key_part(getattr(obj, name)))
    return tuple(parts)


def field_columns(spec: TypeSpec, present: set[str]) -> dict[str, str]:
    """Model field → the file column an error about it belongs to."""
    mapping = {c.name: c.name for c in spec.columns}
    pairing_col = "pairing_no" if "pairing_no" in present else "east_region"
    mapping.update({"pairing": pairing_col, "parent": "east_region", "person": "name", "programme": "programme"})
    if spec.key == "pairing":
        mapping["kind"] = "pairing_kind"
    if spec.key == "dispatch":
        mapping["person"] = "id_number" if "id_number" in present else "name"
    return mapping


def validation_errors(
    spec: TypeSpec, e: ValidationError, present: set[str], rules: ModelRules
) -> list[tuple[str, str]]:
    columns = field_columns(spec, present)
    by_message = rules.messages_to_fields()
    first = next((c.name for c in spec.columns if c.name in present), "")
    out: list[tuple[str, str]] = []
    for name, messages in e.message_dict.items():
        for message in messages:
            if name == NON_FIELD_ERRORS:
                fields = by_message.get(message, [])
                target = next((columns[f] for f in fields if columns.get(f) in present), first)
            else:
                target = columns.get(name, name)
            out.append((target, message))
    return out


def rules_errors(spec: TypeSpec, errors: dict[str, list[str]], present: set[str], rules: ModelRules) -> list[tuple[str, str]]:
    return validation_errors(spec, ValidationError(errors), present, rules) if errors else []


MAX_ROW_ERRORS = 20  # errors listed for one row (a row of a wrong sheet fails in every column)


def build_row(spec: TypeSpec, rv: RowValues, resolver: Resolver, rules: ModelRules,
              present: set[str]) -> dict[str, Any] | None:
    """The row's field values, or None with every error of the row in `rv.errors`.

    A file's errors come in one check: a row whose cells or names fail is still built from the cells
    that parsed, and the model's own rules (field checks, check constraints such as dates in order or
    no negative counts, `clean()`) are checked on the fields that parsed and resolved, as
    `full_clean(exclude=…)` checks them — so a wrong end date is reported beside an unknown region,
    not after it is corrected. Each column's first error is kept once.
    """
    cell_columns = {column for column, _ in rv.errors}
    before = len(rv.errors)
    values = spec.build(rv, resolver)
    if not rv.errors:
        return values
    built = [e for e in rv.errors[before:] if e[0] not in cell_columns]  # "required" said once, by the cell
    del rv.errors[before:]
    rv.errors.extend(built)
    failed = {column for column, _ in rv.errors}
    # A builder that could not resolve the pairing builds nothing: the plain cells still have rules.
    plain = {n: v for n, v in rv.values.items() if n not in values and _is_plain_field(spec.model, n)}
    for error in partial_rule_errors(spec, rules, {**plain, **values}, failed, present):
        if error not in rv.errors:
            rv.errors.append(error)
    del rv.errors[MAX_ROW_ERRORS:]
    return None


@functools.cache
def _is_plain_field(model: type[models.Model], name: str) -> bool:
    try:
        f = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist: a column the builder resolves (东部地区)
        return False
    return f.concrete and not f.is_relation


def partial_rule_errors(spec: TypeSpec, rules: ModelRules, values: dict[str, Any], failed: set[str],
                        present: set[str]) -> list[tuple[str, str]]:
    """The model's rules on the fields of a failing row that did parse and resolve (the rest excluded)."""
    columns = field_columns(spec, present)
    model = spec.model
    fields = {f.name: f for f in model._meta.concrete_fields}
    usable: dict[str, Any] = {}
    for name, value in values.items():
        f = fields.get(name)
        if f is None or columns.get(name, name) in failed:
            continue
        if f.is_relation and (value is None or (isinstance(value, models.Model) and value.pk is None)):
            continue  # unresolved, or new in this file: nothing to check it against
        usable[name] = value
    if not usable:
        return []
    obj = rules.instance({fields[n].attname: (v.pk if isinstance(v, models.Model) else v) for n, v in usable.items()})
    for name, value in usable.items():
        if isinstance(value, models.Model):
            fields[name].set_cached_value(obj, value)  # clean() reads it without a query
    exclude = (set(fields) - set(usable)) | {n for n, v in usable.items() if isinstance(v, models.Model)}
    try:
        rules.full_clean(obj, exclude)
    except ValidationError as e:
        return [(column, message) for column, message in validation_errors(spec, e, present, rules)
                if column not in failed]
    except Exception:  # noqa: BLE001 - a clean() that needs what failed: the row's own errors stand
        return []
    return []


# ---- preparing the sources -------------------------------------------------------------------

def _prepare(book: Any, spec: TypeSpec | None, result: ImportResult) -> tuple[TypeSpec | None, list[Source]]:
    heads: list[tuple[Any, list[tuple[int, list[Any]]]]] = []
    for sheet in book.sheets:
        if sheet.hidden:  # lists behind drop-downs, scratch sheets: not what the user sees as data
            result.notes.append(f"工作表“{sheet.name}”是隐藏的，已跳过。")
            continue
        heads.append((sheet, list(islice(sheet.rows, HEADER_SCAN_ROWS))))
        result.notes.extend(sheet.notes)
    if spec is None:
        for _, head in heads:
            spec = detect_type(head)
            if spec is not None:
                break
        if spec is None:
            result.file_errors.append(
                "无法从表头判断导入类型；请下载对应模板，或指定导入类型（--type）。可选类型："
                + "、".join(f"{k}（{s.label}）" for k, s in TYPES.items()) + "。"
            )
            return None, []
        result.notes.append(f"根据表头识别为“{spec.label}”。")
    sources: list[Source] = []
    for number, (sheet, head) in enumerate(heads, start=1):
        header = find_header(spec, head)
        if header is None or len(header.columns) < 2:
            # our own template's help sheet is expected, not news to the user
            if sheet.name != GUIDE_SHEET and head and any(any(not p.is_blank(v) for v in row) for _, row in head):
                result.notes.append(f"工作表“{sheet.name}”中没有“{spec.label}”的表头，已跳过。")
            continue
        missing = header.missing_required()
        if missing and sheet.name == GUIDE_SHEET:
            continue  # our template's help sheet, whose own headings (说明, 示例) look like a few columns
        if missing:
            result.file_errors.append(
                f"工作表“{sheet.name}”缺少必填列：" + "、".join(f"「{c.header}」" for c in missing)
                + f"（表头在第{header.header_row}行）。"
            )
            continue
        if header.ignored:
            result.notes.append(f"工作表“{sheet.name}”中以下列不属于“{spec.label}”，已忽略：{'、'.join(header.ignored)}。")
        for name, scale in header.scales.items():
            if scale != 1:
                result.notes.append(f"「{header.headers.get(name, name)}」按{scale:,}倍折算为元。")
        rest = [(n, r) for n, r in head if n > header.header_row]
        sources.append(Source(number, sheet.name, header, _chain(rest, sheet.rows)))
    if not sources and not result.file_errors:
        result.file_errors.append(f"文件中没有找到“{spec.label}”的表头；请使用下载的模板。")
    return spec, sources


def _chain(first: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    yield from first
    yield from rest


# ---- the entry point -------------------------------------------------------------------------

def import_file(
    path: Path | str,
    *,
    type_key: str | None = None,
    dry_run: bool = False,
    user: User | AnonymousUser | None = None,
    filename: str = "",
    limits: Limits | None = None,
    fast: bool | None = None,
    accept_warnings: bool = False,
    on_commit_inside: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import one file; see the module docstring. `fast=False` forces the general path (tests).

    A file with warnings (`result.warnings`) is written only with `accept_warnings`. `on_commit_inside`
    runs inside the import's transaction right after the data is written (the caller's bookkeeping,
    such as the upload's status): it commits with the data or rolls back with it.
    """
    started = time.perf_counter()
    path = Path(path)
    filename = filename or path.name
    result = ImportResult(filename=filename, dry_run=dry_run, accept_warnings=accept_warnings)
    spec = get_spec(type_key) if type_key else None
    try:
        with open_book(path, limits=limits, filename=filename) as book:
            spec, sources = _prepare(book, spec, result)
            if spec is not None:
                result.type_key, result.type_label = spec.key, spec.label
            if result.file_errors or spec is None:
                return result
            use_fast = spec.fast if fast is None else (fast and spec.fast)
            if use_fast and "id_number" in {n for s in sources for n in s.header.present}:
                use_fast = False
            result.path = "fast" if use_fast else "general"
            reason = f"导入：{filename}"
            if use_fast:
                from shanhai.transfer.fastpath import run_fast

                run_fast(spec, sources, result, user=user, dry_run=dry_run, reason=reason,
                         on_commit_inside=on_commit_inside)
            else:
                run_general(spec, sources, result, user=user, dry_run=dry_run, reason=reason,
                            on_commit_inside=on_commit_inside)
    except ReaderError as e:
        result.file_errors.append(e.message)
    finally:
        result.seconds = time.perf_counter() - started
    return result


def refresh_rollups(pairing_ids: set[int], years: set[int], model: type[models.Model] | None = None) -> None:
    """Tell the indicators app which pairings and years changed (when it offers the hook).

    With `model`, only the indicators counted from that model's records are recomputed, as the
    indicators' own save signal does: no other indicator can change when only those records do.
    """
    try:
        from shanhai.indicators.rollups import rollups_refresh_for
        from shanhai.indicators.rules import rules_by_model
    except ImportError:  # the indicators app is optional for the importer
        return
    if not pairing_ids:
        return
    codes = None
    if model is not None:
        codes = [r.code for r in rules_by_model().get(model, [])]
        if not codes:
            return
    rollups_refresh_for(sorted(pairing_ids), sorted(y for y in years if y) or None, codes=codes)


def year_of(spec: TypeSpec, obj: models.Model) -> int | None:
    if spec.year_field is None:
        return None
    value = getattr(obj, spec.year_field, None)
    return value.year if hasattr(value, "year") else value


def history_user(user: User | AnonymousUser | None) -> User | None:
    return user if isinstance(user, User) and user.pk is not None else None


class _Rollback(Exception):
    pass


def fewer_collections(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run `fn` with Python's cyclic garbage collector triggered less often.

    Every row leaves a few long-lived objects behind (its planned record), so at the default
    thresholds the collector walks an ever larger heap again and again: about 40% of the time of a
    20,000-row sheet. Nothing is kept longer than it would be; collection resumes as before after.
    """

    @functools.wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        before = gc.get_threshold()
        gc.set_threshold(max(before[0], 50_000), *before[1:])
        try:
            return fn(*args, **kwargs)
        finally:
            gc.set_threshold(*before)

    return wrapped


def mark_committed(result: ImportResult, on_commit_inside: Callable[[ImportResult], None] | None) -> None:
    """Called inside the transaction once the data is written: the hook's writes share its fate."""
    result.committed = True
    if on_commit_inside is not None:
        try:
            on_commit_inside(result)
        except BaseException:
            result.committed = False  # the exception leaves the atomic block: nothing is kept
            raise


# ---- the general path ------------------------------------------------------------------------

def run_general(
    spec: TypeSpec, sources: list[Source], result: ImportResult, *, user: Any, dry_run: bool, reason: str,
    on_commit_inside: Callable[[ImportResult], None] | None = None,
) -> None:
    try:
        # A check (dry run) only reads: on SQLite it takes no write lock, so it never waits behind an import.
        with read_atomic() if dry_run else transaction.atomic():
            plan = GeneralPlan(spec, result, user)
            plan.validate(sources)
            if result.writable and not dry_run:
                plan.write(reason)
                mark_committed(result, on_commit_inside)
            if not result.committed:
                raise _Rollback
    except _Rollback:
        pass


@dataclass(frozen=True)
class _Stored:
    """A stored record's id, known by its natural key before the record itself is read."""

    pk: Any
    part: tuple[Any, Any]
    qs: Any = field(compare=False, repr=False)


class GeneralPlan:
    def __init__(self, spec: TypeSpec, result: ImportResult, user: Any) -> None:
        self.spec = spec
        self.result = result
        self.user = user
        self.resolver = Resolver(user)
        self.rules = ModelRules(spec.model)
        self.model = spec.model
        self.partition = self._partition_fields()
        self.existing: dict[Any, dict[tuple[Any, ...], list[_Stored]]] = {}
        self.records: dict[Any, models.Model] = {}
        self._key_columns: dict[int, tuple[set[str], str]] = {}
        self._foreign_keys = [f.name for f in self.model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
        self._defaults: dict[str, Any] | None = None
        self._callable_defaults: list[models.Field] = []
        self.seen: dict[tuple[Any, ...], tuple[str, int]] = {}
        self.creates: list[models.Model] = []
        self.updates: list[tuple[models.Model, list[str]]] = []
        self.m2m_values: list[tuple[models.Model, dict[str, list[Any]]]] = []
        self.touched: set[tuple[int | None, int | None]] = set()

    def _partition_fields(self) -> list[str]:
        """Foreign keys of the natural key, best first: existing records are loaded per value of one."""
        fks = [n for n in self.spec.natural_key if isinstance(self.model._meta.get_field(n), models.ForeignKey)]
        preferred = [n for n in ("pairing", "region", "east_region") if n in fks]
        return preferred + [n for n in fks if n not in preferred]

    def _existing_for(self, values: dict[str, Any]) -> dict[tuple[Any, ...], list[models.Model]]:
        field, obj = None, None
        for name in self.partition:
            candidate = values.get(name)
            if isinstance(candidate, models.Model) and candidate.pk is not None:
                field, obj = name, candidate
                break
        if self.partition and field is None:
            return {}  # the key holds only new objects: nothing can match
        part = (field, obj.pk if obj is not None else None)
        if part not in self.existing:
            # Only the natural keys (and ids) are read here; whole records only where a row matches one.
            qs = self.model._default_manager.all() if field is None else self.model._default_manager.filter(**{field: obj})
            index: dict[tuple[Any, ...], list[Any]] = {}
            names = self.spec.natural_key
            fks = [isinstance(self.model._meta.get_field(n), models.ForeignKey) for n in names]
            attnames = [self.model._meta.get_field(n).attname for n in names]
            for pk, *parts in qs.values_list("pk", *attnames):
                key = tuple([(None if v is None else ("pk", v)) if fk else key_part(v)
                             for v, fk in zip(parts, fks, strict=True)])
                index.setdefault(key, []).append(_Stored(pk, part, qs))
            self.existing[part] = index
        return self.existing[part]

    def _record(self, stored: _Stored) -> models.Model:
        """The whole record a row matched (its partition's records are read once, on the first match)."""
        if stored.pk not in self.records:
            self.records.update({o.pk: o for o in stored.qs})
        return self.records[stored.pk]

    @fewer_collections
    def validate(self, sources: list[Source]) -> None:
        reader = RowReader(self.spec, self.result)
        spec = self.spec
        for source, number, raw, rv in self._read_ahead(reader.rows(sources)):
            present = source.header.present
            self.resolver.where = (source.name, number)
            values = build_row(spec, rv, self.resolver, self.rules, present)
            if values is None:
                reader.report(source, number, raw, rv.errors)
                continue
            errors = self._plan_row(source, number, values, present)
            if errors:
                reader.report(source, number, raw, errors)
        self._list_people_updates()

    def _read_ahead(self, rows: Iterator[tuple[Source, int, list[Any], RowValues]]
                    ) -> Iterator[tuple[Source, int, list[Any], RowValues]]:
        """The rows as they come, with the spec's `prefetch` run on each batch of them first."""
        prefetch = self.spec.prefetch
        if prefetch is None:
            yield from rows
            return
        while batch := list(islice(rows, 2000)):
            prefetch([rv for *_, rv in batch if not rv.errors], self.resolver)
            yield from batch

    def _list_people_updates(self) -> None:
        """Every existing person the file changes is listed first (never cut off): a changed name or
        employer of a known person must be seen before it is confirmed."""
        updates = self.resolver.people_updates()
        if not updates:
            return
        listed = [Change(sheet, row, "update", f"已有人员：{person.name}（{person.id_number_masked or '未填身份证号'}）", fields)
                  for person, fields, (sheet, row) in
                  ((p, f, self.resolver.people_where.get(p.pk, ("", 0))) for p, f in updates)]
        self.result.changes[:0] = listed
        self.result.notes.append(f"将更新{len(listed)}名已有人员的信息（见变化明细开头）。")

    def _plan_row(self, source: Source, number: int, values: dict[str, Any], present: set[str]) -> list[tuple[str, str]]:
        spec = self.spec
        m2m = {name: values.pop(name) for name in spec.m2m if name in values}  # set once the record is written
        key = key_of_values(spec, values)
        key_column = self._key_column(present)
        if key in self.seen:
            sheet, row = self.seen[key]
            return [(key_column, f"与工作表“{sheet}”第{row}行是同一条记录（{spec.natural_key_doc}相同）；同一文件中每条记录只能出现一次。")]
        self.seen[key] = (source.name, number)
        matches = self._existing_for(values).get(key, [])
        if len(matches) > 1:
            ids = "、".join(str(m.pk) for m in matches[:5])
            return [(key_column, f"数据库中已有{len(matches)}条记录（编号{ids}）与此行的{spec.natural_key_doc}相同，无法确定更新哪一条。")]
        guard = self.resolver.guard
        if matches:
            obj = self._record(matches[0])
            if not guard.state_ok(obj):  # the record as it is now must be the user's to change
                return [(key_column, f"此行对应的已有{self.model._meta.verbose_name}不在您可填报的数据范围内，不能修改。")]
            locked = guard.lock_error(obj)  # the record as it is now: not in an approved period
            if locked:
                return [(key_column, locked)]
            shape = {f: getattr(obj, f) for f in PAIRING_SHAPE} if spec.key == "pairing" else {}
            changed = [
                name for name, value in values.items()
                if self._differs(obj, name, value)
            ]
            old = {name: self._shown(obj, name) for name in changed}
        else:
            obj = self._blank()
            changed = list(values) + list(m2m)
            old = {}
        shown = {name: "、".join(r.name for r in related) for name, related in m2m.items()}
        if matches:
            for name, related in m2m.items():
                stored = list(getattr(obj, name).all())
                if {r.pk for r in stored} != {r.pk for r in related}:
                    changed.append(name)
                    old[name] = "、".join(r.name for r in stored)
        for name, value in values.items():
            setattr(obj, name, value)
        if spec.key == "pairing" and obj.parent_id is None:
            obj.parent = self.resolver.parent_pairing(obj)  # type: ignore[attr-defined]
            if obj.parent is not None and matches:
                changed.append("parent")
                old["parent"] = ""
        # Role and the record as it will be: the same rule as every other write (accounts.writes).
        refused = guard.errors(obj, action="change" if matches else "add")
        if refused:
            return [(key_column or "east_region", refused[0])]
        if matches and any(getattr(obj, f) != v for f, v in shape.items()):
            children = pairing_children_errors(obj)
            if children:
                return [(key_column or "east_region", children[0])]
        # Foreign keys the builder resolved (or is about to create) need no existence query.
        exclude = [name for name in self._foreign_keys if isinstance(values.get(name), models.Model)]
        try:
            self.rules.full_clean(obj, exclude)  # obj.full_clean(exclude, validate_unique=False), no query per check
        except ValidationError as e:
            return validation_errors(spec, e, present, self.rules)
        if spec.key == "pairing" and not matches:
            self.resolver.created_pairings.append(obj)  # type: ignore[arg-type]
        if m2m and (not matches or any(name in changed for name in m2m)):
            self.m2m_values.append((obj, m2m))
        listed = len(self.result.changes) < MAX_LISTED_CHANGES  # add_change keeps only the first ones
        label = self._label(values) if listed else ""
        if not matches:
            self.creates.append(obj)
            self.result.created += 1
            if listed:
                self.result.add_change(Change(source.name, number, "create", label))
        elif changed:
            self.updates.append((obj, changed))
            self.result.updated += 1
            if listed:
                headers = {c.name: c.header for c in spec.columns}
                self.result.add_change(Change(
                    source.name, number, "update", label,
                    [(headers.get(n, str(self.model._meta.get_field(n).verbose_name)), old.get(n, ""),
                      shown[n] if n in shown else self._shown(obj, n)) for n in changed],
                ))
        else:
            self.result.unchanged += 1
        return []

    def _key_column(self, present: set[str]) -> str:
        """The column a natural-key error points at, for a sheet with these columns (worked out once per sheet)."""
        found = self._key_columns.get(id(present))
        if found is None or found[0] is not present:
            columns = field_columns(self.spec, present)
            found = (present, next((columns[n] for n in self.spec.natural_key if columns.get(n) in present), ""))
            self._key_columns[id(present)] = found
        return found[1]

    def _blank(self) -> models.Model:
        """`self.model()`: each field at its default and a fresh state, without Model.__init__'s per-field
        dispatch (as Django's own `from_db` skips it); through `__init__` when init signals are listened to."""
        if self._defaults is None:
            self._defaults = {}
            self._callable_defaults = []
            for f in self.model._meta.concrete_fields:
                if f.has_default() and callable(f.default):
                    self._callable_defaults.append(f)
                else:
                    self._defaults[f.attname] = f.get_default()
        if pre_init.has_listeners(self.model) or post_init.has_listeners(self.model):
            return self.model()
        obj = self.model.__new__(self.model)
        obj.__dict__.update(self._defaults)
        for f in self._callable_defaults:
            obj.__dict__[f.attname] = f.get_default()
        obj._state = ModelState()
        return obj

    def _differs(self, obj: models.Model, name: str, value: Any) -> bool:
        f = obj._meta.get_field(name)
        if isinstance(f, models.ForeignKey):
            new = value.pk if isinstance(value, models.Model) else value
            return getattr(obj, f.attname) != new or new is None and value is not None
        return getattr(obj, name) != value

    def _shown(self, obj: models.Model, name: str) -> str:
        f = obj._meta.get_field(name)
        if f.choices:
            return str(getattr(obj, f"get_{name}_display")())
        value = getattr(obj, name)
        if isinstance(value, list):
            labels = dict(Domain.choices)
            return "、".join(str(labels.get(v, v)) for v in value)
        return "" if value is None else str(value)

    def _label(self, values: dict[str, Any]) -> str:
        parts = []
        for name in self.spec.natural_key:
            value = values.get(name)
            if value in (None, ""):
                continue
            f = self.model._meta.get_field(name)
            if f.choices:
                value = dict(f.flatchoices).get(value, value)
            elif isinstance(value, bool):
                value = f"{f.verbose_name}：{'是' if value else '否'}"
            parts.append(str(value))
        return " · ".join(parts)[:200]

    @fewer_collections
    def write(self, reason: str) -> None:
        user = history_user(self.user)
        model = self.model
        now = timezone.now()
        fast = bulk.supported(model)
        if self.spec.key == "pairing":
            saved = self.creates + [o for o, _ in self.updates]
            if fast and self.creates:
                # New pairings get their ids first, so a parent created earlier in the file is known to
                # its children and each tree path ("12/340/") is written with the row, as save() sets it.
                bulk.assign_ids(self.creates)
                for obj in self.creates:
                    if obj.parent is not None and obj.parent_id is None:  # type: ignore[attr-defined]
                        obj.parent = obj.parent  # type: ignore[attr-defined]  # picks up the parent's new pk
                    parent = obj.parent if obj.parent_id else None  # type: ignore[attr-defined]
                    obj.path = f"{parent.path if parent is not None else ''}{obj.pk}/"  # type: ignore[attr-defined]
                bulk.insert(model, self.creates, now=now)
                bulk.history(model, [o.pk for o in self.creates], "+", now=now, user=user, reason=reason)
                saved = [o for o, _ in self.updates]  # changed pairings: save() keeps subtrees and roll-ups right
            for obj in saved:
                obj._history_user = user  # type: ignore[attr-defined]
                obj._change_reason = reason  # type: ignore[attr-defined]
                if obj.parent is not None and obj.parent_id is None:  # type: ignore[attr-defined]
                    obj.parent = obj.parent  # type: ignore[attr-defined]  # picks up the parent's new pk
                obj.save()
        else:
            people = ("person",) if self.spec.key == "dispatch" else self.spec.people
            if people:
                self.resolver.write_people(user, reason)
                for obj in self.creates + [o for o, _ in self.updates]:
                    for name in people:
                        setattr(obj, name, getattr(obj, name))  # the person's new pk
            if self.creates and fast:
                bulk.assign_ids(self.creates)
                bulk.insert(model, self.creates, now=now)
                bulk.history(model, [o.pk for o in self.creates], "+", now=now, user=user, reason=reason)
            elif self.creates:
                bulk_create_with_history(self.creates, model, batch_size=500, default_user=user,
                                         default_change_reason=reason, default_date=now)
            if self.updates:
                fields = sorted({n for _, changed in self.updates for n in changed} | {"updated_at"})
                fields = [n for n in fields if any(f.name == n for f in model._meta.concrete_fields)]
                objs = [o for o, _ in self.updates]
                if fast:
                    bulk.update(model, objs, fields, now=now)
                    bulk.history(model, [o.pk for o in objs], "~", now=now, user=user, reason=reason)
                else:
                    for obj in objs:
                        if hasattr(obj, "updated_at"):
                            obj.updated_at = now  # type: ignore[attr-defined]  # bulk_update skips auto_now
                    bulk_update_with_history(objs, model, fields, batch_size=500, default_user=user,
                                             default_change_reason=reason, default_date=now)
        for obj, m2m in self.m2m_values:
            for name, related in m2m.items():
                getattr(obj, name).set(related)
        self.result.add_records(model, "created", [o.pk for o in self.creates])
        self.result.add_records(model, "updated", [o.pk for o, _ in self.updates])
        if self.spec.key == "dispatch" or self.spec.people:
            from shanhai.people.models import Person

            self.result.add_records(Person, "created", [p.pk for p in self.resolver.people_new])
            self.result.add_records(Person, "updated", list(self.resolver.people_changed))
        pairing_ids: set[int] = set()
        years: set[int] = set()
        for obj in self.creates + [o for o, _ in self.updates]:
            pid = obj.pk if self.spec.key == "pairing" else getattr(obj, "pairing_id", None)
            if pid is not None:
                pairing_ids.add(pid)
            year = year_of(self.spec, obj)
            if year:
                years.add(year)
        refresh_rollups(pairing_ids, years, model)


def bulk_create_with_history(*args: Any, **kwargs: Any) -> Any:
    from simple_history.utils import bulk_create_with_history as create

    return create(*args, **kwargs)


def bulk_update_with_history(*args: Any, **kwargs: Any) -> Any:
    from simple_history.utils import bulk_update_with_history as update

    return update(*args, **kwargs)

