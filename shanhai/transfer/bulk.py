# ruff: noqa: S608 - SQL is built only from model metadata; values are parameters.
"""Set-based writes for the general import path: new records, changed records, and their history.

What `bulk_create_with_history` / `bulk_update_with_history` write — the records, then one history
row each ("+" for a new record, "~" for a changed one, with the import's user, time and reason) —
in a few statements instead of two model instances and two rounds of field preparation per row:

- new records get their ids up front (PostgreSQL: from the table's sequence; SQLite: above the
  largest id ever used, under the import's write lock), so parents, people and paths can point
  to them before anything is written; then one COPY (PostgreSQL) or executemany (SQLite);
- changed records: one executemany UPDATE of the changed fields (and `updated_at`);
- history: one INSERT … SELECT from the records just written, so each history row holds exactly
  what the database stored.

Values are prepared by each field's own `get_db_prep_save`, except plain values (text, integers,
booleans, None) of plain fields, which the database takes as they are.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

CHUNK = 500
_PLAIN_TYPES = frozenset({str, int, bool, type(None)})
_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
_BY_VALUE = frozenset({dt.date, dt.datetime})
_BY_TEXT = frozenset({decimal.Decimal, float})  # 1.0 and 1.00 are equal but may be written differently


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _converter(f: models.Field) -> Any:
    plain = isinstance(f, _PLAIN_FIELDS) and not isinstance(f, models.JSONField)
    prep = f.get_db_prep_save
    memo: dict[Any, Any] = {}  # dates and times repeat (every row's created_at): prepared once each

    def convert(value: Any) -> Any:
        kind = value.__class__
        if plain and kind in _PLAIN_TYPES:
            return value
        if kind in _BY_VALUE:
            key = (kind, value)
        elif kind in _BY_TEXT:
            key = (kind, str(value))
        else:
            return prep(value, connection)
        try:
            return memo[key]
        except KeyError:
            out = memo[key] = prep(value, connection)
            if len(memo) > 10_000:
                memo.clear()
            return out

    return convert


def copy_rows(table: str, columns: Sequence[str], rows: Any) -> None:
    """Insert rows (tuples in `columns` order; names already quoted): COPY on PostgreSQL, else executemany."""
    names = ", ".join(columns)
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            with c.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            c.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))


def supported(model: type[models.Model]) -> bool:
    """Whether `insert` can write this model (an auto-incremented id, no parent tables)."""
    return isinstance(model._meta.pk, AutoFieldMixin) and not model._meta.parents


def take_ids(model: type[models.Model], n: int) -> list[int]:
    """n new ids for `model`, never used before, in increasing order."""
    if n == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                      [_q(table), pk, n])
            return sorted(row[0] for row in c.fetchall())
        c.execute(f"SELECT COALESCE(MAX({_q(pk)}), 0) FROM {_q(table)}")
        top = c.fetchone()[0]
        c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
        if c.fetchone():  # AUTOINCREMENT tables never reuse an id, even a deleted record's
            c.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = c.fetchone()
            top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + 1 + n))


def assign_ids(objs: Sequence[models.Model]) -> None:
    """Give unsaved records their ids now (they are written by `insert`)."""
    if objs:
        for obj, pk in zip(objs, take_ids(type(objs[0]), len(objs)), strict=True):
            obj.pk = pk


def insert(model: type[models.Model], objs: Sequence[models.Model], *, now: Any) -> None:
    """Write new records whose ids are already assigned (`assign_ids`); `auto_now(_add)` fields get `now`."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    convert = [(f.attname, _converter(f)) for f in fields]
    rows = [tuple([fn(getattr(obj, attname)) for attname, fn in convert]) for obj in objs]
    copy_rows(_q(model._meta.db_table), [_q(f.column) for f in fields], rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def update(model: type[models.Model], objs: Sequence[models.Model], names: Sequence[str], *, now: Any) -> None:
    """Write the named fields (and `updated_at`, set to `now`) of stored records."""
    if not objs:
        return
    fields = [model._meta.get_field(n) for n in names]
    for f in model._meta.concrete_fields:
        if getattr(f, "auto_now", False):
            for obj in objs:
                setattr(obj, f.attname, now)
            if f not in fields:
                fields.append(f)
    fields = [f for f in fields if f.concrete and not f.primary_key]
    if not fields:
        return
    convert = [(f.attname, _converter(f)) for f in fields]
    pk = model._meta.pk
    rows = [tuple([fn(getattr(obj, attname)) for attname, fn in convert] + [obj.pk]) for obj in objs]
    sets = ", ".join(f"{_q(f.column)} = %s" for f in fields)
    with connection.cursor() as c:
        c.executemany(f"UPDATE {_q(model._meta.db_table)} SET {sets} WHERE {_q(pk.column)} = %s", rows)


def history(model: type[models.Model], ids: Sequence[Any], kind: str, *, now: Any, user: Any, reason: str) -> None:
    """One history row per record (`kind` "+" or "~"), copied from the stored record, as simple-history writes it."""
    manager = getattr(model, "history", None)
    if manager is None or not ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    hist = manager.model
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    tracked = [f.column for f in hist._meta.concrete_fields if f.name not in own]
    columns = ", ".join(_q(c) for c in [*tracked, "history_date", "history_type", "history_user_id",
                                         "history_change_reason"])
    source = ", ".join(f"t.{_q(c)}" for c in tracked)
    when = connection.ops.adapt_datetimefield_value(now)
    pk = _q(model._meta.pk.column)
    ordered = sorted(ids)
    with connection.cursor() as c:
        for i in range(0, len(ordered), CHUNK):
            chunk = ordered[i:i + CHUNK]
            if chunk[-1] - chunk[0] == len(chunk) - 1:  # a run of new ids
                where, params = f"t.{pk} BETWEEN %s AND %s", [chunk[0], chunk[-1]]
            else:
                where, params = f"t.{pk} IN ({', '.join(['%s'] * len(chunk))})", list(chunk)
            c.execute(
                f"INSERT INTO {_q(hist._meta.db_table)} ({columns}) SELECT {source}, %s, %s, %s, %s"
                f" FROM {_q(model._meta.db_table)} t WHERE {where} ORDER BY t.{pk}",
                [when, kind, user.pk if user is not None else None, reason, *params],
            )
