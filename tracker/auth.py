"""Authentication backend: Django's ModelBackend, reading the signed-in user's profile in the
same query. Every page asks for the user's role (tracker.access.role_of), which otherwise
costs a second query per request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("profile").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
