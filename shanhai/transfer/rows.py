"""What both import paths share: the result, row reading and parsing, natural keys, row checks.

`engine.py` (the entry point and the general path) and `fastpath.py` (placements, sales) both build on
this module and neither imports the other's internals, so the engine can import the fast path at the top.
"""

from __future__ import annotations

import functools
import gc
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone

from shanhai.core.fields import Domain
from shanhai.core.privacy import mask_id_number, mask_phone
from shanhai.core.progress import Progress
from shanhai.transfer import parsers as p
from shanhai.transfer.checks import ModelRules
from shanhai.transfer.headers import HeaderMap
from shanhai.transfer.readers import EXCEL_ERRORS, NO_VALUE
from shanhai.transfer.resolve import Resolver
from shanhai.transfer.specs import Col, RowValues, TypeSpec

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
    # Where rows read so far are reported (`core.progress`: the command's bar, a background job's page).
    progress: Progress | None = field(default=None, repr=False, compare=False)

    def counted(self) -> None:
        """A data row was read: tell the progress every 4,096 rows (a row costs one bit test here)."""
        if not self.rows & 4095 and self.progress is not None:
            self.progress.update(self.rows)

    def stage(self, label: str) -> None:
        if self.progress is not None:
            self.progress.update(self.rows)
            self.progress.stage(label)

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
                self.result.counted()
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
                self.result.counted()
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


def refresh_rollups(pairing_ids: set[int], years: set[int], model: type[models.Model] | None = None,
                    fresh: set[int] | frozenset[int] = frozenset()) -> None:
    """Tell the indicators app which pairings and years changed (when it offers the hook).

    With `model`, only the indicators counted from that model's records are recomputed, as the
    indicators' own save signal does: no other indicator can change when only those records do.
    `fresh`: pairings this import created (their values are inserted whole, `rollups._refresh_fresh`).
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
    rollups_refresh_for(sorted(pairing_ids), sorted(y for y in years if y) or None, codes=codes, fresh=fresh)


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
