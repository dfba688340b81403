"""Views of the imports area."""

urlpatterns: list = []
