"""URL map: Django's auth and admin, then each area's views (one module per area)."""

from django.contrib import admin
from django.urls import include, path

from tracker.views import browse, core, exports, imports, reminders, reporting

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(core.urlpatterns)),
    path("", include(imports.urlpatterns)),
    path("", include(reporting.urlpatterns)),
    path("", include(browse.urlpatterns)),
    path("", include(reminders.urlpatterns)),
    path("", include(exports.urlpatterns)),
]
