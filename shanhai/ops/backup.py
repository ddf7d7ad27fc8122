"""Backups of the whole database: SQLite through its online backup API (a consistent copy while the
site runs), PostgreSQL through `pg_dump -Fc` / `pg_restore`. Uploaded files (var/media) are not in it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from shanhai.core.progress import Progress


def is_sqlite(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "sqlite"


def suffix(connection: BaseDatabaseWrapper) -> str:
    return ".sqlite3" if is_sqlite(connection) else ".pgdump"


def _pg_env(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"{name} 未安装 / not installed (apt-get install postgresql-client)")
    return path


def backup(path: Path, connection: BaseDatabaseWrapper | None = None, progress: Progress | None = None) -> Path:
    """Write a backup of the database to `path` (a file; created with mode 600). `progress` counts SQLite
    pages copied of the total, or the megabytes pg_dump has written."""
    connection = connection or connections["default"]
    progress = progress or Progress()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.unlink(missing_ok=True)
    tmp.touch(mode=0o600)
    if is_sqlite(connection):
        connection.ensure_connection()
        target = sqlite3.connect(tmp)
        progress.unit = "页"

        def copied(status: int, remaining: int, total: int) -> None:
            if progress.total != total:
                progress.start(total)
            progress.update(total - remaining)

        try:
            # 4 MB at a time, so the bar moves; a write meanwhile restarts the copy (it stays consistent)
            connection.connection.backup(target, pages=1024, progress=copied)
            progress.stage("正在检查备份文件")
            (ok,) = target.execute("PRAGMA integrity_check").fetchone()
            if ok != "ok":
                raise RuntimeError(f"backup integrity check: {ok}")
        finally:
            target.close()
    else:
        args, env = _pg_env(connection)
        progress.unit = "MB"
        progress.start(None)
        dump = subprocess.Popen([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp), *args],
                                env=env)
        while dump.poll() is None:
            time.sleep(0.5)
            progress.update(tmp.stat().st_size // (1024 * 1024))
        if dump.returncode:
            raise subprocess.CalledProcessError(dump.returncode, "pg_dump")
    tmp.replace(path)
    progress.finish()
    return path


def database_empty(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(path: Path, connection: BaseDatabaseWrapper | None = None) -> None:
    """Replace the database's contents with the backup at `path`."""
    connection = connection or connections["default"]
    if not path.is_file():
        raise FileNotFoundError(path)
    if is_sqlite(connection):
        with path.open("rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise ValueError(f"{path} 不是 SQLite 备份 / not an SQLite backup")
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        with path.open("rb") as f:
            if f.read(5) != b"PGDMP":
                raise ValueError(f"{path} 不是 pg_dump -Fc 备份 / not a pg_dump custom-format backup")
        connection.close()  # pg_restore --clean drops tables this process might hold locks on
        args, env = _pg_env(connection)
        subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                        "--single-transaction", "--exit-on-error", *args, str(path)], env=env, check=True)
