"""`shanhai backup` and `shanhai restore`: a backup restored into an empty database has the same rows in
every table and the same indicator roll-ups (SQLite online backup API, or pg_dump -Fc / pg_restore)."""

import io
import os
import sqlite3
import subprocess
import sys
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import SaleFactory, TrainingFactory

pytestmark = pytest.mark.django_db(transaction=True)  # committed rows: pg_dump reads another session
ROLLUPS = ["indicators_pairingvalue", "indicators_treevalue", "indicators_regionvalue"]


def _source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _rows(cursor, table: str) -> list[tuple]:
    cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
    return [tuple(str(v) for v in row) for row in cursor.fetchall()]


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the same kind as the test database: (DATABASE_URL, DB-API connect())."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    import psycopg

    s = connection.settings_dict
    name = f"test_shanhai_restore_{uuid.uuid4().hex[:8]}"
    kwargs = {k.lower(): s[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if s.get(k)}
    with psycopg.connect(dbname="postgres", autocommit=True, **kwargs) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = f"{s['USER']}:{s['PASSWORD']}@" if s.get("PASSWORD") else f"{s['USER']}@"
    try:
        yield (f"postgres://{auth}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}",
               lambda: psycopg.connect(dbname=name, **kwargs))
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **kwargs) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_into_an_empty_database(tmp_path, empty_database):
    from shanhai.demo.fixture import demo_network_load
    from shanhai.indicators.demo_reported import demo_reported_load

    pairings = demo_network_load()
    demo_reported_load()
    for pairing in pairings[:3]:
        SaleFactory(pairing=pairing)
        TrainingFactory(pairing=pairing)
    source = _source_counts()
    assert all(source[t] > 0 for t in ROLLUPS)
    with connection.cursor() as cursor:
        rollups = {t: _rows(cursor, t) for t in ROLLUPS}

    out = io.StringIO()
    backup_file = tmp_path / ("shanhai.sqlite3" if connection.vendor == "sqlite" else "shanhai.pgdump")
    call_command("backup", str(backup_file), stdout=out)
    assert backup_file.stat().st_size > 0 and (backup_file.stat().st_mode & 0o077) == 0

    with pytest.raises(CommandError, match="--replace"):  # the running database is not empty
        call_command("restore", str(backup_file), stdout=io.StringIO())

    url, connect = empty_database
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "shanhai.settings.base",
           "SHANHAI_SECRET_KEY": "restore-test-" + "k" * 50, "SHANHAI_VAR_DIR": str(tmp_path / "var")}
    done = subprocess.run([sys.executable, "-m", "shanhai.cli", "restore", str(backup_file)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "restored" in done.stdout

    with connect() as target:
        cursor = target.cursor()
        restored = {}
        for table in source:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            restored[table] = cursor.fetchone()[0]
        assert restored == source
        for table, rows in rollups.items():
            assert _rows(cursor, table) == rows, table
