"""A step of the yearly cycle or a publication change: the public pages' cached version is dropped, and
when `SHANHAI_PUBLISH_DIR` is set an approval queues a fresh static export after the commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shanhai.portal.models import Publication
from shanhai.workflow.models import LOCKED_STATES, Submission

VERSION_KEY = "portal:version"


def version_forget(**_: Any) -> None:
    cache.delete(VERSION_KEY)


post_save.connect(version_forget, sender=Publication, dispatch_uid="portal_publication_saved")
post_delete.connect(version_forget, sender=Publication, dispatch_uid="portal_publication_deleted")


@receiver(post_save, sender=Submission, dispatch_uid="portal_submission_saved")
def submission_saved(sender: type, instance: Submission, **_: Any) -> None:
    version_forget()  # at once (this process) and again after the commit (what others rendered meanwhile)
    transaction.on_commit(version_forget)
    if instance.state in LOCKED_STATES and getattr(settings, "SHANHAI_PUBLISH_DIR", ""):
        from shanhai.portal.services import publish_queue

        transaction.on_commit(publish_queue)
