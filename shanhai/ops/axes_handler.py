"""django-axes's database handler, without a write on an ordinary login on SQLite.

On every login and logout axes deletes expired failed attempts and logs the access: writes, which on
SQLite wait behind an import holding the write lock (the 30 s busy timeout), and logins must not wait
(docs/ARCHITECTURE.md, "One writer at a time on SQLite"). With no failed attempt stored there is nothing
to delete or reset, so this handler skips those writes then; the access log is off on SQLite
(settings/base.py). PostgreSQL keeps axes's behaviour unchanged.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.db import router


def _sqlite_without_attempts() -> bool:
    from django.db import connections

    connection = connections[router.db_for_write(AccessAttempt)]
    return connection.vendor == "sqlite" and not AccessAttempt.objects.exists()


class AxesHandler(AxesDatabaseHandler):
    def user_logged_in(self, sender, request, user, **kwargs):
        if _sqlite_without_attempts():
            return
        super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        if _sqlite_without_attempts():
            return
        super().user_logged_out(sender, request, user, **kwargs)
