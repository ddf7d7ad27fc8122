from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "shanhai.activities"
    verbose_name = _("交流培训")
