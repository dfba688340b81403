"""Views of the browse area."""

urlpatterns: list = []
