from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "shanhai.network"
    verbose_name = _("结对网络")
