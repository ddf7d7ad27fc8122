from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shanhai.core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from shanhai.core import dataversion

        dataversion.connect()
