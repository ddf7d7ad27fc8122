from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "shanhai.indicators"
    verbose_name = _("指标")

    def ready(self) -> None:
        from shanhai.indicators import signals

        signals.connect()
