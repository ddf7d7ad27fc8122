from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "shanhai.matching"
    verbose_name = _("需求与资源对接")

    def ready(self) -> None:
        # The import types for needs and offers join the one registry (transfer.specs.TYPES) here, so the
        # templates, the import page, the API and the security walks all find them.
        from shanhai.matching.specs import register_types

        register_types()
