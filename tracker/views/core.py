"""Home page and health check."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache

from tracker.access import role_of
from tracker.models import Profile, WorkerHeartbeat


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    # Clerks start at their reports, the supervision office at its review queue.
    role = role_of(request.user)
    if role == Profile.Role.CLERK:
        return redirect("my_work")
    if role == Profile.Role.SUPERVISOR:
        return redirect("review_queue")
    return render(request, "home.html")


@never_cache
def healthz(request):
    """Database check for load balancers and the start script, with the worker's last beat."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = WorkerHeartbeat.objects.filter(name="worker").first()
    return JsonResponse(
        {"status": "ok", "worker_seen_at": beat.seen_at.isoformat() if beat else None}
    )


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots),
]
