from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shanhai.portal"
    verbose_name = _("公开门户")

    def ready(self) -> None:
        from shanhai.portal import signals  # noqa: F401  (a new approval refreshes the cache and the export)
