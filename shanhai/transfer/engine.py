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

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.base import ModelState
from django.db.models.signals import m2m_changed, post_init, pre_init
from django.utils import timezone

from shanhai.accounts.writes import PAIRING_SHAPE, pairing_children_errors
from shanhai.core.db import read_atomic
from shanhai.core.fields import Domain
from shanhai.core.progress import Progress
from shanhai.transfer import bulk
from shanhai.transfer import parsers as p
from shanhai.transfer.checks import ModelRules
from shanhai.transfer.fastpath import run_fast
from shanhai.transfer.headers import HEADER_SCAN_ROWS, detect_type, find_header
from shanhai.transfer.readers import Limits, ReaderError, open_book
from shanhai.transfer.resolve import Resolver
from shanhai.transfer.rows import (
    MAX_LISTED_CHANGES,
    Change,
    ImportResult,
    RowReader,
    Source,
    _Rollback,
    build_row,
    fewer_collections,
    field_columns,
    history_user,
    key_of_values,
    key_part,
    mark_committed,
    refresh_rollups,
    validation_errors,
    year_of,
)

# Callers (the API, uploads, tests) import these from the engine, the import's public face.
from shanhai.transfer.rows import RowError as RowError
from shanhai.transfer.rows import masked as masked
from shanhai.transfer.rows import records_link as records_link
from shanhai.transfer.specs import TYPES, RowValues, TypeSpec, get_spec, prefetch_pairing_refs
from shanhai.transfer.templates import GUIDE_SHEET

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
    progress: Progress | None = None,
) -> ImportResult:
    """Import one file; see the module docstring. `fast=False` forces the general path (tests).

    A file with warnings (`result.warnings`) is written only with `accept_warnings`. `on_commit_inside`
    runs inside the import's transaction right after the data is written (the caller's bookkeeping,
    such as the upload's status): it commits with the data or rolls back with it. `progress` is told the
    rows read (its caller has started it with the expected total) and the write stage.
    """
    started = time.perf_counter()
    path = Path(path)
    filename = filename or path.name
    result = ImportResult(filename=filename, dry_run=dry_run, accept_warnings=accept_warnings, progress=progress)
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
                result.stage("正在写入数据库")
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


class _Partition:
    """The records of one partition (one pairing's), as a queryset built only when first iterated: a
    sheet naming thousands of pairings builds no query for those whose rows match nothing stored."""

    __slots__ = ("_qs", "field", "manager", "value")

    def __init__(self, manager: Any, field: str | None, value: Any) -> None:
        self.manager, self.field, self.value, self._qs = manager, field, value, None

    def __iter__(self) -> Iterator[models.Model]:
        if self._qs is None:
            self._qs = self.manager.all() if self.field is None else self.manager.filter(**{self.field: self.value})
        return iter(self._qs)  # the queryset keeps its rows: read once


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
            if field is None:
                self._load_partitions(None, [None])
            else:
                self._load_partitions(field, [obj.pk])
        return self.existing[part]

    def _load_partitions(self, field: str | None, values: list[Any]) -> None:
        """Index the stored natural keys (and ids) of the records with `field` equal to each of `values`
        (one query per 1,000 values); whole records are read only where a row matches one (`_record`)."""
        wanted = [v for v in dict.fromkeys(values) if (field, v) not in self.existing]
        manager = self.model._default_manager
        names = self.spec.natural_key
        fks = [isinstance(self.model._meta.get_field(n), models.ForeignKey) for n in names]
        attnames = [self.model._meta.get_field(n).attname for n in names]
        column = None if field is None else self.model._meta.get_field(field).attname
        for i in range(0, len(wanted), 1000):
            chunk = wanted[i:i + 1000]
            indexes: dict[Any, dict[tuple[Any, ...], list[Any]]] = {}
            qsets: dict[Any, _Partition] = {}
            for v in chunk:
                indexes[v] = self.existing[(field, v)] = {}
                qsets[v] = _Partition(manager, field, v)
            qs = manager.all() if field is None else manager.filter(**{f"{field}__in": chunk})
            for pk, *parts in qs.values_list("pk", *([column] if column else []), *attnames):
                v = parts.pop(0) if column else None
                key = tuple([(None if x is None else ("pk", x)) if fk else key_part(x)
                             for x, fk in zip(parts, fks, strict=True)])
                indexes[v].setdefault(key, []).append(_Stored(pk, (field, v), qsets[v]))

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
        """The rows as they come, with the spec's `prefetch` (and for records of a pairing, the pairings
        they name and their stored natural keys) read on each batch of them first."""
        prefetches = [f for f in (prefetch_pairing_refs if self.spec.pairing_field == "pairing" else None,
                                  self.spec.prefetch) if f is not None]
        if not prefetches:
            yield from rows
            return
        while batch := list(islice(rows, 2000)):
            ready = [rv for *_, rv in batch if not rv.errors]
            for prefetch in prefetches:
                prefetch(ready, self.resolver)
            if self.partition[:1] == ["pairing"]:
                self._load_partitions("pairing", self.resolver.pairings_read())
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
        self._write_m2m()
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
        fresh = {o.pk for o in self.creates} if self.spec.key == "pairing" else set()
        refresh_rollups(pairing_ids, years, model, fresh)

    def _write_m2m(self) -> None:
        """Many-to-many values (a programme's provinces). A new record has no rows in the link table yet,
        so its rows are inserted with every other new record's, one bulk insert per field, when nothing
        listens to that table's m2m_changed; a changed record's are set one by one, as before."""
        created = {id(o) for o in self.creates}
        links: dict[Any, list[models.Model]] = {}
        for obj, m2m in self.m2m_values:
            for name, related in m2m.items():
                f = self.model._meta.get_field(name)
                through = f.remote_field.through
                if id(obj) not in created or m2m_changed.has_listeners(through):
                    getattr(obj, name).set(related)
                    continue
                source, target = f.m2m_field_name() + "_id", f.m2m_reverse_field_name() + "_id"
                links.setdefault(through, []).extend(  # each related record once, as set() adds them
                    through(**{source: obj.pk, target: pk}) for pk in dict.fromkeys(r.pk for r in related))
        for through, rows in links.items():
            through._default_manager.bulk_create(rows, batch_size=500)


def bulk_create_with_history(*args: Any, **kwargs: Any) -> Any:
    from simple_history.utils import bulk_create_with_history as create

    return create(*args, **kwargs)


def bulk_update_with_history(*args: Any, **kwargs: Any) -> Any:
    from simple_history.utils import bulk_update_with_history as update

    return update(*args, **kwargs)

