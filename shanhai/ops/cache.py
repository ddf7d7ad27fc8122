"""A Redis cache that degrades to "no cache" when Redis is down.

The cache only ever saves work: a page read from it is one the database can build again. So when
Redis refuses or times out, a read is a miss and a write is dropped, and the page is served from
the database; the failure is logged (at most once a minute per process), and `/healthz` still
reports the cache as failing, because its round trip reads back nothing.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("shanhai.ops.cache")
DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
_LOG_EVERY = 60.0


class DegradingRedisCache(RedisCache):
    _last_logged = 0.0

    def _down(self, operation: str, error: BaseException) -> None:
        now = time.monotonic()
        if now - DegradingRedisCache._last_logged >= _LOG_EVERY:
            DegradingRedisCache._last_logged = now
            log.warning("缓存（Redis）不可用，本次%s按未命中处理，页面直接读数据库：%s", operation, error)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except DOWN as e:
            self._down("读取", e)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except DOWN as e:
            self._down("读取", e)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except DOWN as e:
            self._down("读取", e)
            return False

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except DOWN as e:
            self._down("写入", e)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except DOWN as e:
            self._down("写入", e)
            return False

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        try:
            return super().set_many(data, timeout, version)
        except DOWN as e:
            self._down("写入", e)
            return list(data)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except DOWN as e:
            self._down("写入", e)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        # A dropped delete could leave a stale entry once Redis is back: callers that invalidate key
        # their entries by data version, so a stale one is never read again.
        try:
            return super().delete(key, version)
        except DOWN as e:
            self._down("删除", e)
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except DOWN as e:
            self._down("删除", e)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except DOWN as e:
            self._down("写入", e)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from e
