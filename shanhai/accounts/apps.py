from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shanhai.accounts"
    verbose_name = _("用户与权限")

    def ready(self) -> None:
        from shanhai.accounts.roles import roles_sync

        post_migrate.connect(roles_sync, sender=self)
