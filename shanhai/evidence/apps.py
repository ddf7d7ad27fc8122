from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "shanhai.evidence"
    verbose_name = _("报告解读")
