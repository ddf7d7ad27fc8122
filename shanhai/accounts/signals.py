"""The last-login time, written without making a login wait.

Django's own receiver (`update_last_login`) saves the user on every login. On SQLite only one
connection writes at a time, so a login during an import's write phase would wait up to the busy
timeout (30 s) and then fail with "database is locked". The time of the last login is not worth
that: here it is tried with a short busy timeout, and if the database is busy it is written later by
one background thread (newest login per user, a few attempts, then given up). PostgreSQL writes it
at once, as Django does. Sessions on SQLite are signed cookies (settings/base.py), so with this a
login writes nothing it must wait for.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from shanhai.core.db import sqlite_busy_timeout

logger = logging.getLogger(__name__)

BUSY_MS = 200  # how long a login may wait for another writer's lock
RETRY_AFTER = (1.0, 10.0, 60.0)  # seconds before each background attempt (each waits the usual timeout)

_pending: dict[Any, dt.datetime] = {}
_lock = threading.Lock()
_worker: threading.Thread | None = None


def last_login_update(sender: Any, user: Any, **kwargs: Any) -> None:
    """Receiver of `user_logged_in` in place of Django's `update_last_login`."""
    now = timezone.now()
    user.last_login = now
    if connection.vendor != "sqlite":
        user.save(update_fields=["last_login"])
        return
    try:
        with sqlite_busy_timeout(BUSY_MS), transaction.atomic():
            _write(user.pk, now)
    except DatabaseError as e:  # "database is locked": a long write (an import) holds the lock
        logger.info("登录时间暂未写入（数据库正忙：%s），稍后在后台补写：用户 %s", e, user.pk)
        _later(user.pk, now)


def _write(pk: Any, when: dt.datetime) -> int:
    """Set the user's last login to `when` unless a later login is already recorded."""
    return (
        get_user_model()._default_manager.filter(pk=pk)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=when))
        .update(last_login=when)
    )


def _later(pk: Any, when: dt.datetime) -> None:
    global _worker
    with _lock:
        if pk not in _pending or _pending[pk] < when:
            _pending[pk] = when
        if _worker is None:
            _worker = threading.Thread(target=_drain, name="shanhai-last-login", daemon=True)
            _worker.start()


def pending() -> dict[Any, dt.datetime]:
    """Logins whose time is still waiting to be written (user id → time)."""
    with _lock:
        return dict(_pending)


def _drain() -> None:
    """Write the pending login times in one transaction, waiting the usual busy timeout."""
    global _worker
    try:
        for attempt, delay in enumerate(RETRY_AFTER, start=1):
            time.sleep(delay)
            with _lock:
                batch = dict(_pending)
            try:
                with transaction.atomic():
                    for pk, when in batch.items():
                        _write(pk, when)
            except Exception as e:  # the database may still be busy, or gone (shutdown)
                logger.info("登录时间补写失败（第%d次：%s）", attempt, e)
                continue
            logger.info("已在后台补写%d位用户的登录时间", len(batch))
            with _lock:
                for pk, when in batch.items():
                    if _pending.get(pk) == when:
                        del _pending[pk]
                if not _pending:
                    _worker = None  # decided under the lock: a later login starts a new worker
                    return
        with _lock:
            logger.info("放弃补写%d位用户的登录时间（数据库持续忙碌）", len(_pending))
            _pending.clear()
            _worker = None
    finally:
        connections.close_all()  # this thread's own connections
        with _lock:
            if _worker is threading.current_thread():  # ended by an unexpected error
                _worker = None
