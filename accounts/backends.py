"""Logging in with an e-mail address and a password; the user of every signed-in request.

Django's ``ModelBackend`` with one change: the user's row, read on every request of a signed-in
person (``get_user``), comes from a query compiled once per process (aeict.compiled) instead of
being built by the ORM each time. Which row is read, and when a person is let in, stay the same:
the row of that primary key, refused when ``user_can_authenticate`` says so (an inactive
account); Django still checks the session's password hash afterwards (django.contrib.auth.get_user).
"""

from django.contrib.auth.backends import ModelBackend
from django.db import connection

from accounts.models import User
from aeict.compiled import CompiledQuery, Placeholder

# The path logins record in the session (settings.AUTHENTICATION_BACKENDS lists it).
PATH = "accounts.backends.UserBackend"

_COLUMNS = [field.attname for field in User._meta.concrete_fields]
_USER = CompiledQuery(
    lambda pk: User._default_manager.filter(pk=pk).order_by().values_list(*_COLUMNS)[:1],
    pk=Placeholder(User._meta.pk, -7_340_033),
)


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        rows = _USER.rows(pk=user_id)
        if not rows:
            return None
        user = User.from_db(connection.alias, _COLUMNS, rows[0])
        return user if self.user_can_authenticate(user) else None
