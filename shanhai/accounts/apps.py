from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shanhai.accounts"
    verbose_name = _("用户与权限")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from shanhai.accounts.roles import roles_sync
        from shanhai.accounts.signals import last_login_update

        # After every app's migrations: the roles cover models of apps listed after this one
        # (indicators, evidence), whose permissions exist only once their own post_migrate has run.
        post_migrate.connect(roles_sync, dispatch_uid="shanhai_roles_sync")
        # The last-login time must never make a login wait for an import (SQLite has one writer).
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(last_login_update, dispatch_uid="shanhai_last_login")
        # The session's absolute limit counts from the login (accounts/middleware.py).
        user_logged_in.connect(_session_started, dispatch_uid="shanhai_session_started")


def _session_started(sender: object, request: object = None, **kwargs: object) -> None:
    from shanhai.accounts.middleware import session_started

    if request is not None and hasattr(request, "session"):
        session_started(request)  # type: ignore[arg-type]
