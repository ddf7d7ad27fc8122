"""Login lockouts (django-axes) as a coordinator sees them: the locked-out accounts of their own scope,
and the unlock, with the reason logged.

Who is "theirs" is the account-management rule (`services.accounts_list`: every scope of the account
inside the manager's, role not above theirs); an account outside it is neither listed nor unlockable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from shanhai.accounts import services
from shanhai.accounts.writes import AnyUser, WriteRefused
from shanhai.core.errors import ShanhaiError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lockout:
    user_id: int
    username: str
    name: str
    role: str | None
    failures: int
    last_attempt: datetime


def _locked_attempts() -> dict[str, AccessAttempt]:
    """Usernames locked now: at or over the failure limit, within the cool-off time if there is one."""
    qs = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if cooloff:
        qs = qs.filter(attempt_time__gte=timezone.now() - timedelta(hours=float(cooloff)))
    out: dict[str, AccessAttempt] = {}
    for attempt in qs.order_by("attempt_time"):
        out[attempt.username] = attempt  # the latest row per username wins
    return out


def lockouts_list(manager: AnyUser) -> list[Lockout]:
    """The locked-out accounts the manager manages (none outside their scope), newest first."""
    locked = _locked_attempts()
    if not locked:
        services.accounts_list(manager, limit=1)  # still refuses a non-manager
        return []
    User = get_user_model()
    ids = set(User.objects.filter(username__in=list(locked)).values_list("pk", flat=True))
    out = []
    for account in services.accounts_list(manager, limit=100_000):
        if account.user.pk in ids:
            a = locked[account.user.username]
            out.append(Lockout(account.user.pk, account.user.username, account.name, account.role,
                               a.failures_since_start, a.attempt_time))
    return sorted(out, key=lambda x: x.last_attempt, reverse=True)


def lockout_clear(manager: AnyUser, *, user_id: int, reason: str) -> str:
    """Unlock an account of the manager's scope; the reason is required and logged. Returns the username."""
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise ShanhaiError("请填写解除锁定的原因（例如：已电话核实本人）。", field="reason")
    if not any(x.user_id == user_id for x in lockouts_list(manager)):
        raise WriteRefused("该账号不在您管理的范围内，或没有被锁定。")
    username = get_user_model().objects.get(pk=user_id).get_username()
    cleared = reset(username=username)
    logger.warning("登录锁定已解除：账号 %s，操作人 %s，原因：%s（清除 %s 条失败记录）",
                   username, manager.get_username(), reason, cleared)  # type: ignore[union-attr]
    return username
