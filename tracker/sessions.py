"""Django's database sessions, read by one statement built once (SESSION_ENGINE).

Every request reads its session; the ORM's `Session.objects.get(…)` spent twice as long
building and compiling the query as running it (tracker/statements.py). Writing, expiry
and clearing stay Django's own.
"""

import functools

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self):
        connection = connections[router.db_for_read(self.model)]
        with connection.cursor() as cursor:
            cursor.execute(
                _session_data_sql(connection.alias, self.model),
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:  # unknown or expired: a new, empty session (as Django does)
            self._session_key = None
            return {}
        return self.decode(row[0])


@functools.cache
def _session_data_sql(alias: str, model) -> str:
    quote = connections[alias].ops.quote_name
    meta = model._meta
    column = {
        name: quote(meta.get_field(name).column)
        for name in ("session_key", "session_data", "expire_date")
    }
    return (
        f"SELECT {column['session_data']} FROM {quote(meta.db_table)}"
        f" WHERE {column['session_key']} = %s AND {column['expire_date']} > %s"
    )
