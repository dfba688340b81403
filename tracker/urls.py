"""URL map: Django's auth and admin, then each area's views."""

from django.contrib import admin
from django.urls import include, path

from tracker.views import core

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(core.urlpatterns)),
]
