"""The nightly schedule refresh: a thin Celery task run by a real worker, and its beat entry."""

import datetime as dt
import time

import pytest
from celery.schedules import crontab

from tests import factories
from tracker.jobs.reporting import refresh_schedules_job
from tracker.models import Task


@pytest.fixture(autouse=True)
def frozen_time():
    """The worker process runs on the real clock, so this module does too."""
    yield None


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_it_is_scheduled_every_night_beside_the_heartbeat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reporting-refresh-schedules"]
    assert entry["task"] == "tracker.refresh_schedules"
    assert entry["schedule"] == crontab(hour=0, minute=30)
    assert settings.CELERY_BEAT_SCHEDULE["heartbeat"]["task"] == "tracker.heartbeat"


@pytest.mark.celery_worker
def test_it_turns_a_task_red_on_a_real_worker_once_its_deadline_passed(celery_worker_process):
    # Stored green from before; the deadline is long past on the real clock.
    task = factories.make_task(deadline_on=dt.date(2018, 9, 30), deadline_kind="date")
    assert (task.light, task.schedule_status) == ("green", "on_track")
    refresh_schedules_job.delay()

    def red():
        task.refresh_from_db()
        return task.light == "red"

    assert wait_for(red)
    assert task.schedule_status == "overdue"
    assert Task.objects.get(pk=task.pk).schedule_refreshed_on is not None
