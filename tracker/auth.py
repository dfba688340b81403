"""Authentication backend: Django's ModelBackend, reading the signed-in user and their
profile in one statement built once. Every page asks for the user's role
(tracker.access.role_of), which otherwise costs a second query per request, and the
ORM's `select_related().get()` cost three times the statement it ran
(tracker/instances.py)."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from tracker.instances import ModelColumns
from tracker.models import Profile


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        connection = connections[router.db_for_read(user_model)]
        sql, users, profiles = _user_with_profile(connection.alias)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        user = users.instance(row[: users.width], connection)
        profile = profiles.instance(row[users.width :], connection)
        # What select_related("profile") leaves: user.profile answers without a query
        # (DoesNotExist when there is none) and profile.user is this user.
        user_model._meta.get_field("profile").set_cached_value(user, profile)
        if profile is not None:
            Profile._meta.get_field("user").set_cached_value(profile, user)
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _user_with_profile(alias: str) -> tuple[str, ModelColumns, ModelColumns]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    user_model = get_user_model()
    users = ModelColumns.of(user_model, connection)
    profiles = ModelColumns.of(Profile, connection)
    user_table, profile_table = user_model._meta.db_table, Profile._meta.db_table
    user_pk = f"{quote(user_table)}.{quote(user_model._meta.pk.column)}"
    profile_user = f"{quote(profile_table)}.{quote(Profile._meta.get_field('user').column)}"
    sql = (
        f"SELECT {users.select}, {profiles.select} FROM {quote(user_table)}"
        f" LEFT OUTER JOIN {quote(profile_table)} ON {profile_user} = {user_pk}"
        f" WHERE {user_pk} = %s"
    )
    return sql, users, profiles
