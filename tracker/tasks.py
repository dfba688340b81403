"""Celery tasks: thin wrappers that take ids and call services. Area tasks live beside
their services and are imported here so autodiscovery finds them."""

import socket

from celery import shared_task
from django.utils import timezone

from tracker.models import WorkerHeartbeat


@shared_task(name="tracker.heartbeat")
def record_worker_heartbeat(name: str = "worker") -> str:
    """Prove a worker is alive and can reach the database (shown on /healthz)."""
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now(), "hostname": socket.gethostname()}
    )
    return name


# Area jobs: imported so autodiscovery (which loads tracker.tasks) registers them.
from tracker.jobs import exports as _exports  # noqa: E402, F401
from tracker.jobs import imports as _imports  # noqa: E402, F401
from tracker.jobs import reminders as _reminders  # noqa: E402, F401
from tracker.jobs import reporting as _reporting  # noqa: E402, F401
