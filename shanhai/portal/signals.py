"""When `SHANHAI_PUBLISH_DIR` is set, an approval queues a fresh static export after the commit (the live
pages follow `core.dataversion` by themselves)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from shanhai.workflow.models import LOCKED_STATES, Submission


@receiver(post_save, sender=Submission, dispatch_uid="portal_submission_saved")
def submission_saved(sender: type, instance: Submission, **_: Any) -> None:
    if instance.state in LOCKED_STATES and getattr(settings, "SHANHAI_PUBLISH_DIR", ""):
        from shanhai.portal.services import publish_queue

        transaction.on_commit(publish_queue)
