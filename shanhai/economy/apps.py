from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "shanhai.economy"
    verbose_name = _("产业与就业")
