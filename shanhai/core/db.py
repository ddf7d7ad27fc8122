"""Database helpers for SQLite's single writer.

On SQLite every `transaction.atomic()` begins IMMEDIATE (settings/base.py), so two writers never
deadlock upgrading a read lock: the second waits (busy timeout) until the first commits. Work that
only reads the main database — the check (dry run) of an import — must not take that lock, or it
waits behind a long import and blocks the next writer for nothing. `read_atomic()` gives it a
DEFERRED transaction instead: a consistent snapshot (WAL) without a write lock. Its temporary
tables live in SQLite's separate temp schema and need no lock on the main database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def read_atomic(using: str | None = None) -> Iterator[None]:
    """`transaction.atomic()` that takes no write lock on SQLite (BEGIN DEFERRED).

    Only for work that writes nothing to the main database (temporary tables are fine): a write
    inside it would have to upgrade the lock and may fail with "database is locked". Inside an
    outer transaction it is a plain savepoint, as `atomic()` is; on other databases it is `atomic()`.
    """
    conn = connections[using or DEFAULT_DB_ALIAS]
    if conn.vendor != "sqlite" or conn.in_atomic_block:
        with transaction.atomic(using=using):
            yield
        return
    conn.ensure_connection()  # connecting reads transaction_mode from the settings again
    mode = conn.transaction_mode  # type: ignore[attr-defined]
    conn.transaction_mode = None  # type: ignore[attr-defined]  # a plain BEGIN is DEFERRED
    try:
        with transaction.atomic(using=using):
            conn.transaction_mode = mode  # type: ignore[attr-defined]  # BEGIN has been sent
            yield
    finally:
        conn.transaction_mode = mode  # type: ignore[attr-defined]


@contextmanager
def sqlite_busy_timeout(milliseconds: int, using: str | None = None) -> Iterator[None]:
    """On SQLite, wait at most `milliseconds` for another writer's lock inside the block (then
    "database is locked"); the connection's usual timeout is put back afterwards. No-op elsewhere."""
    conn = connections[using or DEFAULT_DB_ALIAS]
    if conn.vendor != "sqlite":
        yield
        return
    with conn.cursor() as c:
        c.execute("PRAGMA busy_timeout")
        before = int(c.fetchone()[0])
        c.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        if conn.connection is not None:
            with conn.cursor() as c:
                c.execute(f"PRAGMA busy_timeout = {before}")
