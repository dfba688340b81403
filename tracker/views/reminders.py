"""Views of the reminders area."""

urlpatterns: list = []
