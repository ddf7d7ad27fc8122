"""The data's version: one number that changes whenever a write may change what a dashboard shows.

Dashboards are cached under it (`web/cache.py`), so a page cached before a write is never served after it.
`bump()` is called for every saved or deleted programme record (signals, connected by `connect()`), and by
the roll-up writers for bulk paths (imports, synth, rebuild: `indicators/rollups.py`).

- SQLite: a counter row updated inside the writer's own transaction, once per transaction. SQLite has one
  writer at a time (transactions begin IMMEDIATE), so this adds no waiting, and readers see the new
  version exactly when they see the new data.
- PostgreSQL: a sequence (`nextval` never waits and is never rolled back) advanced inside the transaction
  (the writer's own later reads see it) and again just after its commit: a reader that cached the old
  figures under the in-between number is superseded by the second step, and no writer holds a lock on a
  shared row until its commit (which would serialise every import with every data-entry form).

If the process dies between a PostgreSQL commit and the second step, pages stay as they were for at
most the page cache's lifetime (`web.cache.PAGE_SECONDS`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

SEQUENCE = "core_dataversion_seq"
TABLE = "core_dataversion"

# Apps whose rows reach a dashboard (figures, labels, lists, sources, reports' state). Roll-up tables are
# written in bulk and bump through `rollups`; history rows are saved beside the rows they copy.
DATA_APPS = ("regions", "network", "people", "activities", "projects", "economy", "indicators", "workflow",
             "evidence", "portal")
BULK_MODELS = ("PairingValue", "TreeValue", "RegionValue", "RebuildState")


def _advance() -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT nextval('{SEQUENCE}')")
            return
        cur.execute(f"UPDATE {TABLE} SET value = value + 1 WHERE id = 1")  # noqa: S608 - fixed name
        if cur.rowcount == 0:  # an emptied table (a test's flush)
            cur.execute(f"INSERT INTO {TABLE} (id, value) VALUES (1, 1)")  # noqa: S608 - fixed name


def _after_commit() -> None:
    try:
        _advance()
    except DatabaseError:  # the write itself is committed; a late bump only costs cache freshness
        logger.warning("data version not advanced after a commit", exc_info=True)


def _bumped_here() -> None:
    """Marks (by its presence among the on-commit callbacks, with its savepoints) a block that has bumped."""


def bump() -> None:
    """The data changed (or will, when the current transaction commits)."""
    # A test case's own wrapping blocks are not the writer's transaction (as Django's `durable` check
    # treats them): without a real block the write is as good as committed.
    if not any(not block._from_testcase for block in connection.atomic_blocks):
        _advance()
        return
    here = set(connection.savepoint_ids)
    # Once per atomic block; a rolled-back savepoint drops its callbacks with its writes, so the marker
    # is as exact as the data.
    if not any(func is _bumped_here and sids == here for sids, func, _robust in connection.run_on_commit):
        _advance()
        transaction.on_commit(_bumped_here)
    if connection.vendor == "postgresql" and not any(
            func is _after_commit for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_after_commit, robust=True)


def current() -> int:
    """The version now (one indexed read)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT last_value FROM {SEQUENCE}")  # noqa: S608 - fixed name
        else:
            cur.execute(f"SELECT value FROM {TABLE} WHERE id = 1")  # noqa: S608 - fixed name
        row = cur.fetchone()
    return int(row[0]) if row else 0


def _on_write(sender: Any, raw: bool = False, **_: Any) -> None:
    if not raw:
        bump()


def connect() -> None:
    """Bump on every save and delete of a dashboard-visible model (per model: a catch-all receiver would
    stop Django's fast bulk delete of the roll-up tables)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for label in DATA_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            name = model.__name__
            if name in BULK_MODELS or name.startswith("Historical"):
                continue
            uid = f"dataversion:{model._meta.label}"
            post_save.connect(_on_write, sender=model, dispatch_uid=uid)
            post_delete.connect(_on_write, sender=model, dispatch_uid=uid)
    # No m2m_changed receivers: a record's many-to-many rows change with a save of the record itself
    # (admin, API, imports), and a listener would send imports back to setting them one by one.
