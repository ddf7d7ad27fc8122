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
5. history: one `+` row per created record and one `~` row per updated record in the
   simple-history table, with the importing user, the time and "导入：<file>" as the reason —
   written with INSERT … SELECT as well, so a million-row import keeps the same history a form
   edit would, at set-based speed.

On PostgreSQL the target table is locked against other writers (SHARE ROW EXCLUSIVE; readers are
not blocked) for the import, so matching and "ids above the old maximum are ours" stay true.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from shanhai.transfer.checks import ModelRules
from shanhai.transfer.engine import (
    Change,
    ImportResult,
    RowReader,
    Source,
    _Rollback,
    field_columns,
    history_user,
    refresh_rollups,
    rules_errors,
)
from shanhai.transfer.resolve import Resolver
from shanhai.transfer.specs import TypeSpec

BATCH = 20_000
_NULL_INT = -1  # stands for NULL in nullable integer key columns (month), so keys compare with "="


def run_fast(
    spec: TypeSpec, sources: list[Source], result: ImportResult, *, user: Any, dry_run: bool, reason: str
) -> None:
    try:
        with transaction.atomic():
            stage = Stage(spec)
            try:
                suspects = _validate_and_stage(spec, sources, result, user, stage)
                if suspects:
                    stage.report_duplicates(result, sources, suspects, verified=result.ok)
                if result.ok:
                    stage.lock_target()
                    if stage.target_has_rows():
                        stage.finish_loading()
                        stage.match(result, sources)
                if result.ok:
                    stage.classify(result, {s.number: s.name for s in sources})
                if result.ok and not dry_run:
                    pairing_ids, years = stage.write(history_user(user), reason)
                    refresh_rollups(pairing_ids, years)
                    result.committed = True
            finally:
                stage.drop()
            if not result.committed:
                raise _Rollback
    except _Rollback:
        pass


def _validate_and_stage(
    spec: TypeSpec, sources: list[Source], result: ImportResult, user: Any, stage: Stage
) -> list[tuple[int, int, int, int, int]]:
    """Check every row and stage the good ones; returns suspected in-file duplicates.

    Each suspect is (seq, sheet, row, first sheet, first row).

    Duplicates are spotted with a set of key hashes (8 bytes a row, not the keys themselves) and
    confirmed exactly in SQL afterwards, so a hash collision can never refuse a row.
    """
    reader = RowReader(spec, result)
    resolver = Resolver(user)
    rules = ModelRules(spec.model)
    build = spec.build
    names = stage.value_names
    attnames = stage.attnames
    key_attnames = [f.attname for f in stage.key_fields]
    instance = rules.instance
    check = rules.errors
    seen: dict[int, int] = {}  # key hash → position (sheet << 32 | row) of its first row
    suspects: list[tuple[int, int, int, int, int]] = []
    pairing_ids = stage.pairing_ids
    batch: list[tuple[Any, ...]] = []
    seq = 0
    for source, number, raw, rv in reader.rows(sources):
        if rv.errors:
            reader.report(source, number, raw, rv.errors)
            continue
        values = build(rv, resolver)
        if rv.errors:
            reader.report(source, number, raw, rv.errors)
            continue
        attrs = {}
        for n, v in values.items():
            attrs[attnames[n]] = v.pk if isinstance(v, models.Model) else v
        obj = instance(attrs)
        problems = check(obj)
        if problems:
            reader.report(source, number, raw, rules_errors(spec, problems, source.header.present, rules))
            continue
        data = obj.__dict__
        seq += 1
        h = hash(tuple([data[a] for a in key_attnames]))
        if h in seen:
            first = seen[h]
            suspects.append((seq, source.number, number, first >> 32, first & 0xFFFFFFFF))
        else:
            seen[h] = source.number << 32 | number
        if result.error_count:
            continue  # the file will be refused: keep checking rows, stop staging them
        pairing_ids.add(data.get("pairing_id"))
        batch.append((seq, source.number, number, *[data[a] for a in names]))
        if len(batch) >= BATCH:
            stage.load(batch)
            batch = []
    if batch and not result.error_count:
        stage.load(batch)
    stage.present = {n for s in sources for n in s.header.present}
    return suspects


class Stage:
    """A temporary table holding the file's rows while they are matched and written."""

    def __init__(self, spec: TypeSpec) -> None:
        self.spec = spec
        self.model = spec.model
        self.vendor = connection.vendor
        self.table = f"transfer_stage_{uuid.uuid4().hex[:12]}"
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
        self.pairing_ids: set[int | None] = set()
        self.rows = 0
        self._indexed = False
        q = connection.ops.quote_name
        cols = ", ".join(f"{q(f.column)} {self._type(f)}" for f in self.fields)
        with connection.cursor() as c:
            if self.vendor == "postgresql":
                c.execute(
                    f"CREATE TEMP TABLE {self.table} (seq bigint PRIMARY KEY, sheet_no integer, row_no integer, "
                    f"target_id bigint, matches integer DEFAULT 0, changed integer DEFAULT 0, {cols}) ON COMMIT DROP"
                )
            else:
                c.execute(
                    f"CREATE TEMP TABLE {self.table} (seq integer PRIMARY KEY, sheet_no integer, row_no integer, "
                    f"target_id integer, matches integer DEFAULT 0, changed integer DEFAULT 0, {cols})"
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
        names = ", ".join(["seq", "sheet_no", "row_no", *(q(c) for c in self.columns)])
        rows = self._convert(list(batch))
        with connection.cursor() as c:
            if self.vendor == "postgresql":
                with c.cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * (3 + len(self.columns)))
                c.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({marks})", list(rows))
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

    def match(self, result: ImportResult, sources: list[Source]) -> None:
        pk = connection.ops.quote_name(self.model._meta.pk.column)
        target = connection.ops.quote_name(self.target)
        with connection.cursor() as c:
            # CROSS JOIN keeps the target as SQLite's outer loop; PostgreSQL plans it as a hash join.
            c.execute(
                f"UPDATE {self.table} SET target_id = m.tid, matches = m.n FROM ("
                f" SELECT s.seq AS seq, MIN(t.{pk}) AS tid, COUNT(*) AS n FROM {target} t CROSS JOIN {self.table} s"
                f" WHERE {self._scope()}{self._key_join()} GROUP BY s.seq) m WHERE {self.table}.seq = m.seq"
            )
            c.execute(f"SELECT sheet_no, row_no, matches FROM {self.table} WHERE matches > 1 ORDER BY seq")
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
        with connection.cursor() as c:
            if values:
                differs = " OR ".join(f"t.{q(f.column)} {distinct} {self.table}.{q(f.column)}" for f in values)
                c.execute(
                    f"UPDATE {self.table} SET changed = 1 FROM {target} t"
                    f" WHERE t.{pk} = {self.table}.target_id AND ({differs})"
                )
            c.execute(
                f"SELECT SUM(CASE WHEN target_id IS NULL THEN 1 ELSE 0 END), SUM(changed), COUNT(*) FROM {self.table}"
            )
            created, updated, total = c.fetchone()
            result.created, result.updated = int(created or 0), int(updated or 0)
            result.unchanged = int(total or 0) - result.created - result.updated
            self._sample_changes(c, result, values, sheet_names)

    def _sample_changes(
        self, c: Any, result: ImportResult, values: list[models.Field], sheet_names: dict[int, str]
    ) -> None:
        q = connection.ops.quote_name
        headers = {col.name: col.header for col in self.spec.columns}
        c.execute(f"SELECT sheet_no, row_no FROM {self.table} WHERE target_id IS NULL ORDER BY seq LIMIT 100")
        for sheet_no, row_no in c.fetchall():
            result.add_change(Change(sheet_names.get(sheet_no, ""), row_no, "create", ""))
        if not values:
            return
        cols = ", ".join(f"t.{q(f.column)}, s.{q(f.column)}" for f in values)
        pk = q(self.model._meta.pk.column)
        c.execute(
            f"SELECT s.sheet_no, s.row_no, {cols} FROM {self.table} s JOIN {q(self.target)} t ON t.{pk} = s.target_id"
            f" WHERE s.changed = 1 ORDER BY s.seq LIMIT 100"
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

    def write(self, user: Any, reason: str) -> tuple[set[int], set[int]]:
        q = connection.ops.quote_name
        pk = q(self.model._meta.pk.column)
        target = q(self.target)
        now = timezone.now()
        select = []
        for f in self.fields:
            column = q(f.column)
            select.append(f"NULLIF({column}, {_NULL_INT})" if f.attname in self._nullable_keys else column)
        with connection.cursor() as c:
            c.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {target}")
            max_before = c.fetchone()[0]
            c.execute(
                f"INSERT INTO {target} ({', '.join(q(f.column) for f in self.fields)})"
                f" SELECT {', '.join(select)} FROM {self.table} WHERE target_id IS NULL ORDER BY seq"
            )
            values = self._value_columns()
            if values:
                sets = ", ".join(f"{q(f.column)} = s.{q(f.column)}" for f in values)
                c.execute(
                    f"UPDATE {target} SET {sets} FROM {self.table} s WHERE s.target_id = {target}.{pk} AND s.changed = 1"
                )
            self._write_history(c, user, reason, now, max_before)
            c.execute(f"SELECT DISTINCT pairing_id, year FROM {self.table}")
            pairs = c.fetchall()
        return {p for p, _ in pairs}, {y for _, y in pairs}

    def _write_history(self, c: Any, user: Any, reason: str, now: Any, max_before: int) -> None:
        history = getattr(self.model, "history", None)
        if history is None:
            return
        q = connection.ops.quote_name
        hist = history.model
        tracked = [f.column for f in hist._meta.concrete_fields
                   if f.name not in ("history_id", "history_date", "history_change_reason", "history_type", "history_user")]
        columns = ", ".join(q(col) for col in [*tracked, "history_date", "history_type", "history_user_id",
                                                "history_change_reason"])
        source = ", ".join(f"t.{q(col)}" for col in tracked)
        when = connection.ops.adapt_datetimefield_value(now)
        user_id = user.pk if user is not None else None
        pk = q(self.model._meta.pk.column)
        table = q(hist._meta.db_table)
        target = q(self.target)
        c.execute(
            f"INSERT INTO {table} ({columns}) SELECT {source}, %s, '+', %s, %s FROM {target} t WHERE t.{pk} > %s",
            [when, user_id, reason, max_before],
        )
        c.execute(
            f"INSERT INTO {table} ({columns}) SELECT {source}, %s, '~', %s, %s FROM {target} t"
            f" JOIN {self.table} s ON s.target_id = t.{pk} WHERE s.changed = 1",
            [when, user_id, reason],
        )

    def drop(self) -> None:
        with connection.cursor() as c:
            c.execute(f"DROP TABLE IF EXISTS {self.table}")


def _report(result: ImportResult, sources: list[Source], sheet_no: int, row_no: int, column: str, reason: str) -> None:
    from shanhai.transfer.engine import RowError, _column_label

    source = next(s for s in sources if s.number == sheet_no)
    header = source.header.headers.get(column) or _column_label(source.header.spec, column)
    result.bad_rows += 1
    result.add_error(RowError(source.name, row_no, header, "", reason))
