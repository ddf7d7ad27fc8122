# ruff: noqa: S608 - SQL is built only from model metadata and a generated table name; values are parameters.
"""The fast path for big record sheets (placements, sales): the same rules, set-based writes.

Rows are parsed and resolved exactly as on the general path, then checked with the model's own
declared rules in Python (`checks.ModelRules`: check constraints and `clean()`), and streamed
into a temporary staging table (COPY on PostgreSQL, executemany on SQLite). Everything after that
is a handful of SQL statements over the whole file, so memory stays flat however long it is:

1. duplicates inside the file: a window over the natural key;
2. matching: each staged row finds the record with the same natural key (the target is the outer
   loop and the staging table's key index the lookup, so SQLite does not scan a partition per row);
   a key matching several existing records is refused;
3. changed rows: a NULL-safe comparison of the columns the file carries;
4. writes: INSERT … SELECT for new rows, UPDATE … FROM for changed ones;
5. history: created records are recorded as one `ImportBatch` (the id range, user, time and
   file) instead of a million `+` rows, which would double the write; updated records get a `~`
   row in the simple-history table (user, time, "导入：<file>"), preceded — for a record that has
   no history yet — by a `+` row with its original values dated and attributed from its batch, so
   every record's history still shows what changed. All of it is INSERT … SELECT.

On PostgreSQL the target table is locked against other writers (SHARE ROW EXCLUSIVE; readers are
not blocked) for the import, so matching and "ids above the old maximum are ours" stay true.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from shanhai.accounts.writes import WriteGuard
from shanhai.core.db import read_atomic
from shanhai.transfer.bulk import copy_rows
from shanhai.transfer.checks import ModelRules
from shanhai.transfer.models import ImportBatch
from shanhai.transfer.parsers import CellError
from shanhai.transfer.readers import EXCEL_ERRORS, NO_VALUE
from shanhai.transfer.resolve import Resolver
from shanhai.transfer.rows import (
    DATED_KINDS,
    Change,
    ImportResult,
    RowError,
    RowReader,
    Source,
    _column_label,
    _Rollback,
    beyond,
    build_row,
    field_columns,
    history_user,
    mark_committed,
    records_link,
    refresh_rollups,
    rules_errors,
)
from shanhai.transfer.specs import PAIRING_NAMES, RowValues, TypeSpec, cached_pairing_ref

BATCH = 20_000
_NULL_INT = -1  # stands for NULL in nullable integer key columns (month), so keys compare with "="


def run_fast(
    spec: TypeSpec, sources: list[Source], result: ImportResult, *, user: Any, dry_run: bool, reason: str,
    on_commit_inside: Callable[[ImportResult], None] | None = None,
) -> None:
    try:
        # A check (dry run) only reads and stages into temporary tables: on SQLite it takes no write
        # lock, and on PostgreSQL it does not lock the target against writers.
        with read_atomic() if dry_run else transaction.atomic(), _sqlite_cache():
            stage = Stage(spec)
            try:
                suspects = _validate_and_stage(spec, sources, result, user, stage)
                if suspects:
                    stage.report_duplicates(result, sources, suspects, verified=result.ok)
                if result.ok:
                    result.stage("正在比对已有记录")
                    if not dry_run:
                        stage.lock_target()
                    if stage.target_has_rows():
                        stage.finish_loading()
                        stage.match(result, sources)
                    else:
                        stage.no_matches()
                if result.ok:
                    stage.classify(result, {s.number: s.name for s in sources})
                    _require_roles(spec, result, user)
                    _refuse_locked(spec, stage, result, user)
                if result.writable and not dry_run:
                    result.stage("正在写入数据库")
                    pairing_ids, years = stage.write(history_user(user), reason, result.filename)
                    result.written.extend(stage.written)
                    refresh_rollups(pairing_ids, years)
                    mark_committed(result, on_commit_inside)
            finally:
                stage.drop()
            if not result.committed:
                raise _Rollback
    except _Rollback:
        pass


def _require_roles(spec: TypeSpec, result: ImportResult, user: Any) -> None:
    """Rows are matched set-wise here, so the role half of the write rule is checked per action: adding
    needs the add permission, updating the change permission (pairings are resolved only among the
    user's own, so the scope half holds row by row)."""
    guard = WriteGuard(user)
    # a row sent back unchanged is still a write attempt: it needs the change permission
    for action, count in (("add", result.created), ("change", result.updated + result.unchanged)):
        error = guard.role_error(spec.model, action) if count else None
        if error:
            result.file_errors.append(error)


def _refuse_locked(spec: TypeSpec, stage: Stage, result: ImportResult, user: Any) -> None:
    """Rows are written set-wise here, so the lock half of the write rule (workflow.locks) is checked per
    distinct (pairing, year, month) staged; the natural key holds all three, so an updated row's stored
    state lies in the same period as its new one."""
    guard = WriteGuard(user)
    with connection.cursor() as c:
        c.execute(f"SELECT DISTINCT pairing_id, year, month FROM {stage.table}")
        places = c.fetchall()
    for pairing_id, year, month in places:
        probe = spec.model(pairing_id=pairing_id, year=year, month=None if month in (None, _NULL_INT) else month)
        locked = guard.lock_error(probe)
        if locked:
            result.file_errors.append(locked)
            return


@contextmanager
def _sqlite_cache(megabytes: int = 64) -> Iterator[None]:
    """A larger page cache on SQLite while a big file is written (index pages stay in memory)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as c:
        c.execute("PRAGMA cache_size")
        before = c.fetchone()[0]
        c.execute(f"PRAGMA cache_size = {-megabytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as c:
            c.execute(f"PRAGMA cache_size = {int(before)}")


_BAD = object()  # a cell, pairing or rule check that failed: the row goes through the row-by-row path
_MISS = object()


class ColumnChecker:
    """Checks a batch of rows column by column, with the same parsers, lookups and rules as a row.

    Every distinct spelling of a cell, every distinct set of pairing columns and every distinct
    combination of the values the model's rules read is worked out once; a row is then a few
    dictionary lookups. A row that fails anything is handed back to be processed row by row, so
    its errors are reported exactly as the general path reports them.
    """

    def __init__(self, spec: TypeSpec, reader: RowReader, resolver: Resolver, rules: ModelRules, stage: Stage) -> None:
        self.spec, self.reader, self.resolver, self.rules, self.stage = spec, reader, resolver, rules, stage
        self.cells: dict[str, dict[Any, Any]] = {}

    def _cell(self, c: Any, parse: Any, value: Any) -> Any:
        if value is None or value == "" or (value.__class__ is str and value.isspace()):
            return _BAD if c.required and not c.required_unless else c.blank_value
        if value is NO_VALUE or (value.__class__ is str and value.strip() in EXCEL_ERRORS):
            return _BAD
        try:
            parsed = parse(value)
        except CellError:
            return _BAD
        if c.kind in DATED_KINDS and beyond(parsed, self.reader.horizon):
            return _BAD  # row by row, where the reader lists the warning
        return parsed

    def _column(self, c: Any, parse: Any, values: list[Any], bad: set[int]) -> list[Any]:
        """The column parsed: comprehensions for the common case, the full cell check for the rest."""
        if c.kind == "text":  # distinct in almost every row (employer, buyer): no cache
            limit = c.max_length or 10**9
            out = [v.strip() if v.__class__ is str else v for v in values]
            odd = [k for k, v in enumerate(out) if v.__class__ is not str or not v or len(v) > limit]
        else:
            cache = self.cells.setdefault(c.name, {})
            get = cache.get
            out = [get(v if v.__class__ is str else (v.__class__, v), _MISS) for v in values]
            odd = [k for k, r in enumerate(out) if r is _MISS or r is _BAD]
        for k in odd:
            v = values[k]
            r = self._cell(c, parse, v)
            if c.kind != "text" and len(cache) < 100_000:
                cache[v if v.__class__ is str else (v.__class__, v)] = r
            if r is _BAD:
                bad.add(k)
            out[k] = r
        return out

    def check(self, source: Source, plan: list[Any], rows: list[tuple[int, list[Any]]]) -> tuple[list[dict[str, Any]], set[int]]:
        """Column-wise values of the batch's good rows (attname → list) and the indexes of the others."""
        bad: set[int] = set()
        raws = [raw for _, raw in rows]
        parsed: dict[str, list[Any]] = {}
        for i, c, parse in plan:
            parsed[c.name] = self._column(c, parse, [raw[i] if i < len(raw) else None for raw in raws], bad)
        n = len(rows)
        # the pairing each row names
        names = [name for name in PAIRING_NAMES]
        columns = [parsed.get(name) or [None] * n for name in names]
        cache = self.resolver.row_cache
        pairing_ids: list[Any] = []
        for k, key in enumerate(zip(*columns, strict=True)):
            if k in bad:
                pairing_ids.append(None)
                continue
            found = cache.get(key, _MISS)
            if found is _MISS:
                rv = RowValues(dict(zip(names, key, strict=True)))
                cached_pairing_ref(rv, self.resolver)
                found = cache.get(key, (None, ["?"]))
            pairing, errors = found
            if errors or pairing is None:
                bad.add(k)
                pairing_ids.append(None)
            else:
                pairing_ids.append(pairing.pk)
        # the model's attributes, in the stage's order
        defaults = self.rules.defaults
        attrs: dict[str, list[Any]] = {}
        for f in self.stage.fields:
            if f.attname == "pairing_id":
                attrs["pairing_id"] = pairing_ids
            elif f.name in parsed and f.name in self.spec.plain_fields:
                attrs[f.attname] = parsed[f.name]
            else:
                attrs[f.attname] = [defaults[f.attname]] * n
        # the model's rules, once per combination of the values they read
        reads = self.rules.reads
        if reads is None:
            for k in range(n):
                if k not in bad and self.rules.errors(self.rules.instance({a: attrs[a][k] for a in attrs})):
                    bad.add(k)
        else:
            memo: dict[tuple[Any, ...], bool] = {}
            for k, key in enumerate(zip(*[attrs[a] for a in reads], strict=True)):
                if k in bad:
                    continue
                ok = memo.get(key)
                if ok is None:
                    ok = not self.rules.errors(self.rules.instance({a: attrs[a][k] for a in attrs}))
                    memo[key] = ok
                if not ok:
                    bad.add(k)
        return [attrs], bad


def _validate_and_stage(
    spec: TypeSpec, sources: list[Source], result: ImportResult, user: Any, stage: Stage
) -> list[tuple[int, int, int, int, int]]:
    """Check every row and stage the good ones; returns suspected in-file duplicates.

    Each suspect is (seq, sheet, row, first sheet, first row). Duplicates are spotted with a
    dictionary of key hashes (not the keys themselves) and confirmed exactly in SQL afterwards,
    so a hash collision can never refuse a row.
    """
    reader = RowReader(spec, result)
    resolver = Resolver(user)
    rules = ModelRules(spec.model)
    checker = ColumnChecker(spec, reader, resolver, rules, stage)
    names = stage.value_names
    key_attnames = [f.attname for f in stage.key_fields]
    seen: dict[int, int] = {}  # key hash → position (sheet << 32 | row) of its first row
    suspects: list[tuple[int, int, int, int, int]] = []
    key_of = itemgetter(*[names.index(a) for a in key_attnames])
    pairing_index = names.index("pairing_id")
    seq = 0
    for source, rows in reader.batches(sources, BATCH):
        plan = reader.plan(source)
        (attrs,), bad = checker.check(source, plan, rows)
        numbers = [number for number, _ in rows]
        records = list(zip(*[attrs[a] for a in names], strict=True))
        if bad:
            kept = []
            for k, record in enumerate(records):
                if k in bad:
                    number, raw = rows[k]
                    record = _row_by_row(spec, reader, resolver, rules, source, plan, number, raw)
                    if record is None:
                        continue
                kept.append((numbers[k], record))
            numbers = [n for n, _ in kept]
            records = [r for _, r in kept]
        keys = list(map(key_of, records))
        sheet = source.number << 32
        for number, h in zip(numbers, map(hash, keys), strict=True):
            seq += 1
            first = seen.get(h)
            if first is None:
                seen[h] = sheet | number
            else:
                suspects.append((seq, source.number, number, first >> 32, first & 0xFFFFFFFF))
        if result.error_count:
            continue  # the file will be refused: keep checking rows, stop staging them
        stage.pairing_ids.update({r[pairing_index] for r in records})
        sheet_no = source.number
        first_seq = seq - len(records) + 1
        stage.load([(q, sheet_no, n, *r) for q, n, r in zip(range(first_seq, seq + 1), numbers, records, strict=True)])
    stage.present = {n for s in sources for n in s.header.present}
    return suspects


def _row_by_row(
    spec: TypeSpec, reader: RowReader, resolver: Resolver, rules: ModelRules, source: Source, plan: list[Any],
    number: int, raw: list[Any],
) -> tuple[Any, ...] | None:
    """One row through the general path's steps: its values, or None with its errors reported."""
    rv = reader.parse(source, plan, number, raw)
    values = build_row(spec, rv, resolver, rules, source.header.present)
    if values is None:
        reader.report(source, number, raw, rv.errors)
        return None
    attnames = {f.name: f.attname for f in rules.fields}
    obj = rules.instance({attnames[n]: (v.pk if isinstance(v, models.Model) else v) for n, v in values.items()})
    problems = rules.errors(obj)
    if problems:
        reader.report(source, number, raw, rules_errors(spec, problems, source.header.present, rules))
        return None
    return tuple([obj.__dict__[f.attname] for f in rules.fields])


class Stage:
    """A temporary table holding the file's rows while they are matched and written."""

    def __init__(self, spec: TypeSpec) -> None:
        self.spec = spec
        self.model = spec.model
        self.vendor = connection.vendor
        self.table = f"transfer_stage_{uuid.uuid4().hex[:12]}"
        self.matched = f"{self.table}_m"  # seq → the existing record it matches (and how many match)
        self.changed = f"{self.table}_c"  # seq → matched record whose values differ
        self.target = self.model._meta.db_table
        self.fields = [f for f in self.model._meta.concrete_fields if not f.primary_key]
        self.attnames = {f.name: f.attname for f in self.fields}
        self.value_names = [f.attname for f in self.fields]
        self.columns = [f.column for f in self.fields]
        self.key_fields = [self.model._meta.get_field(n) for n in spec.natural_key]
        for f in self.key_fields:
            if f.null and not isinstance(f, models.IntegerField | models.ForeignKey):
                raise NotImplementedError(f"nullable non-integer key column {f.name}")
        self.key_columns = [f.column for f in self.key_fields]
        self.present: set[str] = set()
        self.written: list[dict[str, Any]] = []  # what `write` wrote, for the result (`records_link`)
        self.pairing_ids: set[int | None] = set()
        self.rows = 0
        self._indexed = False
        q = connection.ops.quote_name
        cols = ", ".join(f"{q(f.column)} {self._type(f)}" for f in self.fields)
        with connection.cursor() as c:
            if self.vendor == "postgresql":
                c.execute(
                    f"CREATE TEMP TABLE {self.table} (seq bigint PRIMARY KEY, sheet_no integer, row_no integer, "
                    f"{cols}) ON COMMIT DROP"
                )
            else:
                c.execute(
                    f"CREATE TEMP TABLE {self.table} (seq integer PRIMARY KEY, sheet_no integer, row_no integer, {cols})"
                )
        self._nullable_keys = {f.attname for f in self.key_fields if f.null}
        self._converters = self._make_converters()

    def _type(self, f: models.Field) -> str:
        if self.vendor == "postgresql":
            return f.db_type(connection) or "text"
        return "text" if isinstance(f, models.CharField) else (f.db_type(connection) or "text").split(" ")[0]

    def _make_converters(self) -> list[Any]:
        converters = []
        for f in self.fields:
            if isinstance(f, models.DateField) and self.vendor != "postgresql":
                converters.append(lambda v: None if v is None else v.isoformat())
            elif f.attname in self._nullable_keys:
                converters.append(lambda v: _NULL_INT if v is None else v)
            else:
                converters.append(None)
        return converters

    def _convert(self, batch: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        plan = [(i + 3, fn) for i, fn in enumerate(self._converters) if fn is not None]
        if not plan:
            yield from batch
            return
        for row in batch:
            values = list(row)
            for i, fn in plan:
                values[i] = fn(values[i])
            yield tuple(values)

    def load(self, batch: Sequence[tuple[Any, ...]]) -> None:
        q = connection.ops.quote_name
        copy_rows(self.table, ["seq", "sheet_no", "row_no", *(q(c) for c in self.columns)],
                  self._convert(list(batch)))
        self.rows += len(batch)

    def finish_loading(self) -> None:
        if self._indexed:
            return
        self._indexed = True
        q = connection.ops.quote_name
        keys = ", ".join(q(c) for c in self.key_columns)
        with connection.cursor() as c:
            c.execute(f"CREATE INDEX {self.table}_key ON {self.table} ({keys})")
            if self.vendor == "postgresql":
                c.execute(f"ANALYZE {self.table}")

    # -- checks over the whole file --

    def report_duplicates(
        self, result: ImportResult, sources: list[Source], suspects: list[tuple[int, int, int, int, int]], *,
        verified: bool,
    ) -> None:
        """Refuse the rows that repeat an earlier row's natural key.

        When every row is staged, each suspect is confirmed by comparing the staged keys exactly
        (a hash collision is then no error); when the file is refused anyway, they are listed as found.
        """
        names = {s.number: s.name for s in sources}
        columns = field_columns(self.spec, self.present)
        column = next((columns[n] for n in self.spec.natural_key if columns.get(n) in self.present), "")
        confirmed = suspects
        if verified:
            self.finish_loading()
            q = connection.ops.quote_name
            same = " AND ".join(f"f.{q(c)} = s.{q(c)}" for c in self.key_columns)
            by_seq = {x[0]: x for x in suspects}
            confirmed = []
            with connection.cursor() as c:
                seqs = list(by_seq)
                for i in range(0, len(seqs), 500):
                    chunk = seqs[i:i + 500]
                    c.execute(
                        f"SELECT DISTINCT s.seq FROM {self.table} s JOIN {self.table} f ON {same} AND f.seq < s.seq"
                        f" WHERE s.seq IN ({', '.join(['%s'] * len(chunk))})",
                        chunk,
                    )
                    confirmed += [by_seq[seq] for (seq,) in c.fetchall()]
            confirmed.sort()
        for _, sheet_no, row_no, first_sheet, first_row in confirmed:
            _report(result, sources, sheet_no, row_no, column,
                    f"与工作表“{names[first_sheet]}”第{first_row}行是同一条记录（{self.spec.natural_key_doc}相同）；"
                    "同一文件中每条记录只能出现一次，请合并。")

    def target_has_rows(self) -> bool:
        """Whether any record could match: none can when the file's pairings have no rows yet."""
        target = connection.ops.quote_name(self.target)
        ids = [i for i in self.pairing_ids if i is not None]
        with connection.cursor() as c:
            if self.spec.pairing_field == "pairing" and ids:
                marks = ", ".join(["%s"] * len(ids))
                c.execute(f"SELECT 1 FROM {target} WHERE pairing_id IN ({marks}) LIMIT 1", ids)
            else:
                c.execute(f"SELECT 1 FROM {target} LIMIT 1")
            return c.fetchone() is not None

    def lock_target(self) -> None:
        if self.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute(f"LOCK TABLE {connection.ops.quote_name(self.target)} IN SHARE ROW EXCLUSIVE MODE")

    def _key_join(self) -> str:
        q = connection.ops.quote_name
        parts = []
        for f in self.key_fields:
            target = f"t.{q(f.column)}"
            if f.null:
                target = f"COALESCE({target}, {_NULL_INT})"
            parts.append(f"s.{q(f.column)} = {target}")
        return " AND ".join(parts)

    def _scope(self) -> str:
        if self.spec.pairing_field == "pairing":
            return f"t.pairing_id IN (SELECT DISTINCT pairing_id FROM {self.table}) AND "
        return ""

    def _temp(self, name: str, select: str, params: Sequence[Any] = ()) -> None:
        """CREATE TEMP TABLE … AS SELECT: insert-only, cheaper than updating the staged rows in place."""
        suffix = " ON COMMIT DROP" if self.vendor == "postgresql" else ""
        with connection.cursor() as c:
            c.execute(f"CREATE TEMP TABLE {name}{suffix} AS {select}", params)
            c.execute(f"CREATE INDEX {name}_seq ON {name} (seq)")

    def no_matches(self) -> None:
        """Nothing can match (the file's pairings have no records yet): empty match tables."""
        self._temp(self.matched, f"SELECT seq, seq AS tid, 0 AS n FROM {self.table} WHERE 1 = 0")

    def match(self, result: ImportResult, sources: list[Source]) -> None:
        pk = connection.ops.quote_name(self.model._meta.pk.column)
        target = connection.ops.quote_name(self.target)
        if self.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute(f"ANALYZE {target}")  # the planner must know the table's size to hash-join
                c.execute("SET LOCAL work_mem = '64MB'")
        # CROSS JOIN keeps the target as SQLite's outer loop (each row looks up the staging key
        # index); PostgreSQL plans it as a hash join.
        self._temp(
            self.matched,
            f"SELECT s.seq AS seq, MIN(t.{pk}) AS tid, COUNT(*) AS n FROM {target} t CROSS JOIN {self.table} s"
            f" WHERE {self._scope()}{self._key_join()} GROUP BY s.seq",
        )
        with connection.cursor() as c:
            c.execute(
                f"SELECT s.sheet_no, s.row_no, m.n FROM {self.matched} m JOIN {self.table} s ON s.seq = m.seq"
                f" WHERE m.n > 1 ORDER BY m.seq"
            )
            columns = field_columns(self.spec, self.present)
            column = next((columns[n] for n in self.spec.natural_key if columns.get(n) in self.present), "")
            for sheet_no, row_no, n in c.fetchall():
                _report(result, sources, sheet_no, row_no, column,
                        f"数据库中已有{n}条记录与此行的{self.spec.natural_key_doc}相同，无法确定更新哪一条。")

    def _value_columns(self) -> list[models.Field]:
        """The columns a matched row may change: those the file carries, except the natural key."""
        keys = {f.name for f in self.key_fields}
        return [f for f in self.fields if f.name in self.present and f.name not in keys]

    def classify(self, result: ImportResult, sheet_names: dict[int, str]) -> None:
        q = connection.ops.quote_name
        values = self._value_columns()
        distinct = "IS DISTINCT FROM" if self.vendor == "postgresql" else "IS NOT"
        pk = q(self.model._meta.pk.column)
        target = q(self.target)
        differs = " OR ".join(f"t.{q(f.column)} {distinct} s.{q(f.column)}" for f in values) or "1 = 0"
        self._temp(
            self.changed,
            f"SELECT m.seq AS seq, m.tid AS tid FROM {self.matched} m JOIN {self.table} s ON s.seq = m.seq"
            f" JOIN {target} t ON t.{pk} = m.tid WHERE {differs}",
        )
        with connection.cursor() as c:
            c.execute(f"SELECT COUNT(*) FROM {self.table}")
            total = c.fetchone()[0]
            c.execute(f"SELECT COUNT(*) FROM {self.matched}")
            matched = c.fetchone()[0]
            c.execute(f"SELECT COUNT(*) FROM {self.changed}")
            result.updated = int(c.fetchone()[0])
            result.created = int(total) - int(matched)
            result.unchanged = int(matched) - result.updated
            self._sample_changes(c, result, values, sheet_names)

    def _sample_changes(
        self, c: Any, result: ImportResult, values: list[models.Field], sheet_names: dict[int, str]
    ) -> None:
        q = connection.ops.quote_name
        headers = {col.name: col.header for col in self.spec.columns}
        c.execute(
            f"SELECT s.sheet_no, s.row_no FROM {self.table} s WHERE NOT EXISTS"
            f" (SELECT 1 FROM {self.matched} m WHERE m.seq = s.seq) ORDER BY s.seq LIMIT 100"
        )
        for sheet_no, row_no in c.fetchall():
            result.add_change(Change(sheet_names.get(sheet_no, ""), row_no, "create", ""))
        if not values:
            return
        cols = ", ".join(f"t.{q(f.column)}, s.{q(f.column)}" for f in values)
        pk = q(self.model._meta.pk.column)
        c.execute(
            f"SELECT s.sheet_no, s.row_no, {cols} FROM {self.changed} ch JOIN {self.table} s ON s.seq = ch.seq"
            f" JOIN {q(self.target)} t ON t.{pk} = ch.tid ORDER BY ch.seq LIMIT 100"
        )
        for row in c.fetchall():
            fields = []
            for i, f in enumerate(values):
                old, new = row[2 + 2 * i], row[3 + 2 * i]
                if old != new:
                    fields.append((headers.get(f.name, str(f.verbose_name)), "" if old is None else str(old),
                                   "" if new is None else str(new)))
            result.add_change(Change(sheet_names.get(row[0], ""), row[1], "update", "", fields))

    # -- writing --

    def write(self, user: Any, reason: str, filename: str) -> tuple[set[int], set[int]]:
        q = connection.ops.quote_name
        pk = q(self.model._meta.pk.column)
        target = q(self.target)
        now = timezone.now()
        select = []
        for f in self.fields:
            column = f"s.{q(f.column)}"
            select.append(f"NULLIF({column}, {_NULL_INT})" if f.attname in self._nullable_keys else column)
        with connection.cursor() as c:
            values = self._value_columns()
            if values:
                # Changed records first: their original values go to history before they are overwritten.
                self._history_before_update(c)
                sets = ", ".join(f"{q(f.column)} = s.{q(f.column)}" for f in values)
                c.execute(
                    f"UPDATE {target} SET {sets} FROM {self.changed} ch JOIN {self.table} s ON s.seq = ch.seq"
                    f" WHERE {target}.{pk} = ch.tid"
                )
                self._history_rows(c, "~", f"JOIN {self.changed} ch ON ch.tid = t.{pk}", [], now, user, reason)
            c.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {target}")
            max_before = c.fetchone()[0]
            c.execute(
                f"INSERT INTO {target} ({', '.join(q(f.column) for f in self.fields)})"
                f" SELECT {', '.join(select)} FROM {self.table} s WHERE NOT EXISTS"
                f" (SELECT 1 FROM {self.matched} m WHERE m.seq = s.seq) ORDER BY s.seq"
            )
            c.execute(f"SELECT COUNT(*), MIN({pk}), MAX({pk}) FROM {target} WHERE {pk} > %s", [max_before])
            created, first_id, last_id = c.fetchone()  # a sequence may have moved on past the old maximum
            if created:
                ImportBatch.objects.create(
                    model=self.model._meta.label_lower, first_id=first_id, last_id=last_id, rows=created,
                    filename=filename[:255], user=user, created_at=now,
                )
                self.written.append(records_link(self.model, "created", [], span=(first_id, last_id, created)))
            if values:
                c.execute(f"SELECT tid FROM {self.changed}")
                changed = [r[0] for r in c.fetchall()]
                if changed:
                    self.written.append(records_link(self.model, "updated", changed))
            c.execute(f"SELECT DISTINCT pairing_id, year FROM {self.table}")
            pairs = c.fetchall()
        return {p for p, _ in pairs}, {y for _, y in pairs}

    def _history_table(self) -> tuple[str, list[str]] | None:
        history = getattr(self.model, "history", None)
        if history is None:
            return None
        hist = history.model
        tracked = [f.column for f in hist._meta.concrete_fields
                   if f.name not in ("history_id", "history_date", "history_change_reason", "history_type", "history_user")]
        return hist._meta.db_table, tracked

    def _history_rows(self, c: Any, kind: str, join: str, params: list[Any], now: Any, user: Any, reason: str) -> None:
        found = self._history_table()
        if found is None:
            return
        table, tracked = found
        q = connection.ops.quote_name
        columns = ", ".join(q(col) for col in [*tracked, "history_date", "history_type", "history_user_id",
                                                "history_change_reason"])
        source = ", ".join(f"t.{q(col)}" for col in tracked)
        when = connection.ops.adapt_datetimefield_value(now)
        c.execute(
            f"INSERT INTO {q(table)} ({columns}) SELECT {source}, %s, %s, %s, %s FROM {q(self.target)} t {join}",
            [*params, when, kind, user.pk if user is not None else None, reason],
        )

    def _history_before_update(self, c: Any) -> None:
        """A "+" row with the current values of changed records that have no history yet (fast-path creations)."""
        found = self._history_table()
        if found is None:
            return
        table, tracked = found
        q = connection.ops.quote_name
        pk = q(self.model._meta.pk.column)
        batch = q(ImportBatch._meta.db_table)
        columns = ", ".join(q(col) for col in [*tracked, "history_date", "history_type", "history_user_id",
                                                "history_change_reason"])
        source = ", ".join(f"t.{q(col)}" for col in tracked)
        reason = "'导入：' || b.filename"
        c.execute(
            f"INSERT INTO {q(table)} ({columns}) SELECT {source}, b.created_at, '+', b.user_id, {reason}"
            f" FROM {q(self.target)} t JOIN {self.changed} ch ON ch.tid = t.{pk}"
            f" JOIN {batch} b ON b.model = %s AND t.{pk} BETWEEN b.first_id AND b.last_id"
            f" WHERE NOT EXISTS (SELECT 1 FROM {q(table)} h WHERE h.{pk} = t.{pk})",
            [self.model._meta.label_lower],
        )

    def drop(self) -> None:
        with connection.cursor() as c:
            for table in (self.changed, self.matched, self.table):
                c.execute(f"DROP TABLE IF EXISTS {table}")


def _report(result: ImportResult, sources: list[Source], sheet_no: int, row_no: int, column: str, reason: str) -> None:
    source = next(s for s in sources if s.number == sheet_no)
    header = source.header.headers.get(column) or _column_label(source.header.spec, column)
    result.bad_rows += 1
    result.add_error(RowError(source.name, row_no, header, "", reason))
