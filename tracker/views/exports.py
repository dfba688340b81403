"""Views of the exports area."""

urlpatterns: list = []
