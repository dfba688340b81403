"""Recomputing the stored schedule status and traffic light of tasks."""

import datetime as dt

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from tracker.models import ProgressReport, Task
from tracker.schedule import compute_schedule

# Reports that count for the schedule: what the lead unit has filed with the office.
COUNTED_REPORT_STATUSES = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)
BATCH_SIZE = 2000


def latest_report_values(tasks):
    """Annotate tasks with their latest counted consolidated report's status and percent."""
    latest = ProgressReport.objects.filter(
        task=OuterRef("pk"), is_consolidated=True, status__in=COUNTED_REPORT_STATUSES
    ).order_by("-period__ends_on", "-submitted_at")
    return tasks.annotate(
        latest_progress=Subquery(latest.values("progress_status")[:1]),
        latest_percent=Subquery(latest.values("percent")[:1]),
    )


@transaction.atomic
def refresh_task_schedules(*, task_ids=None, today: dt.date | None = None) -> int:
    """Store schedule status and light for the given tasks (all leaf tasks when None).

    Derived data, not a user's change, so it writes no audit row. Runs in batches with
    a fixed number of queries per batch.
    """
    today = today or timezone.localdate()
    tasks = Task.objects.filter(is_leaf=True).select_related("document").order_by("pk")
    if task_ids is not None:
        tasks = tasks.filter(pk__in=list(task_ids))
    changed = 0
    batch = []
    for task in latest_report_values(tasks).iterator(chunk_size=BATCH_SIZE):
        document = task.document
        start_on = document.signed_on or dt.date(document.year, 1, 1)
        schedule = compute_schedule(
            today=today,
            deadline_on=task.deadline_on,
            start_on=start_on,
            progress_status=task.latest_progress,
            percent=task.latest_percent,
        )
        task.schedule_status = schedule.status
        task.light = schedule.light
        task.reported_progress = task.latest_progress or ""
        task.reported_percent = task.latest_percent
        task.schedule_refreshed_on = today
        batch.append(task)
        if len(batch) >= BATCH_SIZE:
            changed += _save(batch)
            batch = []
    changed += _save(batch)
    return changed


def _save(batch) -> int:
    Task.objects.bulk_update(
        batch,
        [
            "schedule_status",
            "light",
            "reported_progress",
            "reported_percent",
            "schedule_refreshed_on",
        ],
    )
    return len(batch)
