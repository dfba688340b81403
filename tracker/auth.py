"""Authentication backend: Django's ModelBackend, reading the signed-in user and their
profile in one statement compiled once. Every page asks for the user's role
(tracker.access.role_of), which otherwise costs a second query per request, and the
ORM's `select_related().get()` cost three times the statement it ran
(tracker/statements.py)."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections

from tracker.models import Profile
from tracker.statements import ModelColumns, RowByPk


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        connection = connections[user_model._default_manager.db]
        row = _user_with_profile().row(user_id, connection.alias)
        if row is None:
            return None
        users = ModelColumns.of(user_model, connection.alias)
        user = users.instance(row[: users.width], connection)
        profile = ModelColumns.of(Profile, connection.alias).instance(
            row[users.width :], connection
        )
        # What select_related("profile") leaves: user.profile answers without a query
        # (DoesNotExist when there is none) and profile.user is this user.
        user_model._meta.get_field("profile").set_cached_value(user, profile)
        if profile is not None:
            Profile._meta.get_field("user").set_cached_value(profile, user)
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _user_with_profile() -> RowByPk:
    """The user's columns, then their profile's (NULLs without one: a LEFT JOIN)."""
    user_model = get_user_model()
    columns = [field.attname for field in user_model._meta.concrete_fields] + [
        f"profile__{field.attname}" for field in Profile._meta.concrete_fields
    ]
    return RowByPk(
        user_model,
        lambda pk: user_model._default_manager.order_by().filter(pk=pk).values_list(*columns),
    )
