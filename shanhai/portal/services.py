"""Writes of the portal: marking a programme public (national office only, through the write door) and
queuing a static export."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from shanhai.accounts.writes import guarded_save
from shanhai.network.models import Programme
from shanhai.portal.models import Publication

PUBLISH_SUBJECT = "portal.publish"


def programme_publish(user: Any, programme: Programme, *, public: bool = True, note: str = "") -> Publication:
    """Mark a programme public (or not). Refused (WriteRefused) for anyone but the national office."""
    row = Publication.objects.filter(programme=programme).first() or Publication(programme=programme)
    row.public, row.note = public, note or row.note
    guarded_save(user, row, reason="公开门户发布设置")
    return row


def publish_queue() -> None:
    """Queue one static export to SHANHAI_PUBLISH_DIR (none when one is already waiting or running)."""
    from shanhai.ops.jobs import job_active_for, job_submit

    out = getattr(settings, "SHANHAI_PUBLISH_DIR", "")
    if not out or job_active_for(PUBLISH_SUBJECT) is not None:
        return
    job_submit(kind="portal.publish", label="公开门户静态导出", user=None, subject=PUBLISH_SUBJECT,
               params={"out": str(out)})
