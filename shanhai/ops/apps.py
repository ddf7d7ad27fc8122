from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running Shanhai as a service: health check, request ids and JSON logs, the production
    settings checks (`shanhai preflight`), backup and restore, unlocking a locked-out login."""

    name = "shanhai.ops"
    verbose_name = _("运维")

    def ready(self) -> None:
        from shanhai.ops import checks  # noqa: F401 - registers the deploy checks
