"""Celery tasks of the reporting area."""

from celery import shared_task

from tracker.services.schedule import refresh_task_schedules


@shared_task(name="tracker.refresh_schedules")
def refresh_schedules_job() -> int:
    """Nightly: recompute every leaf task's schedule status and light (idempotent)."""
    return refresh_task_schedules()
