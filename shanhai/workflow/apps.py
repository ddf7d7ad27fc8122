from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "shanhai.workflow"
    verbose_name = _("年度填报与审核")
