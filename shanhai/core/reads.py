"""Read once per page build: lookups many selectors and checks ask about the same user and scope.

Within `page_reads()` (a page view, a batch of workflow steps) `once(key, read)` reads on the first ask
and reuses the answer; outside it every call reads afresh, so a long-running process never serves a
stale scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
_reads: ContextVar[dict[Any, Any] | None] = ContextVar("shanhai_page_reads", default=None)


@contextmanager
def page_reads() -> Iterator[None]:
    """Within one page build, read each scope lookup once (nested blocks share the outer memo)."""
    if _reads.get() is not None:
        yield
        return
    token = _reads.set({})
    try:
        yield
    finally:
        _reads.reset(token)


def once(key: tuple[Any, ...], read: Callable[[], T]) -> T:
    memo = _reads.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]
