"""Views of the reporting area."""

urlpatterns: list = []
