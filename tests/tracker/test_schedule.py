"""Frozen-time cases for the schedule status and traffic light of a task."""

import datetime as dt

import pytest
import time_machine

from tests import factories
from tracker.models import ProgressReport, Task
from tracker.schedule import Light, ScheduleStatus, compute_schedule
from tracker.services.schedule import refresh_task_schedules

TODAY = dt.date(2018, 10, 1)
START = dt.date(2018, 1, 1)


@pytest.mark.parametrize(
    ("deadline", "progress", "percent", "status", "light"),
    [
        (dt.date(2018, 12, 31), "done", 100, ScheduleStatus.DONE, Light.BLUE),
        (dt.date(2018, 9, 30), "on_track", 60, ScheduleStatus.OVERDUE, Light.RED),
        (dt.date(2018, 10, 10), "on_track", 90, ScheduleStatus.DUE_SOON, Light.YELLOW),
        (dt.date(2018, 12, 31), "behind", 80, ScheduleStatus.BEHIND, Light.YELLOW),
        # 273 of 364 days used (75%); 60% reported trails by more than 10 points.
        (dt.date(2018, 12, 31), "on_track", 60, ScheduleStatus.BEHIND, Light.YELLOW),
        (dt.date(2018, 12, 31), "on_track", 70, ScheduleStatus.ON_TRACK, Light.GREEN),
        (None, None, None, ScheduleStatus.ON_TRACK, Light.GREEN),
        (None, "behind", 20, ScheduleStatus.BEHIND, Light.YELLOW),
    ],
)
def test_it_computes_status_and_light(deadline, progress, percent, status, light):
    schedule = compute_schedule(
        today=TODAY, deadline_on=deadline, start_on=START, progress_status=progress, percent=percent
    )
    assert (schedule.status, schedule.light) == (status, light)


def test_it_reports_elapsed_time_share():
    schedule = compute_schedule(
        today=TODAY,
        deadline_on=dt.date(2018, 12, 31),
        start_on=START,
        progress_status=None,
        percent=None,
    )
    assert schedule.elapsed_percent == 75


@pytest.mark.django_db
def test_it_stores_status_from_the_latest_counted_consolidated_report(unit):
    document = factories.make_document(signed_on=START)
    task = factories.make_task(
        document, deadline_on=dt.date(2018, 12, 31), deadline_kind=Task.DeadlineKind.DATE
    )
    q2, q3 = factories.make_period(2018, 2), factories.make_period(2018, 3)
    ProgressReport.objects.create(
        task=task,
        unit=unit,
        period=q2,
        is_consolidated=True,
        status="accepted",
        progress_status="on_track",
        percent=90,
    )
    ProgressReport.objects.create(
        task=task,
        unit=unit,
        period=q3,
        is_consolidated=True,
        status="draft",
        progress_status="done",
        percent=100,
    )
    with time_machine.travel(dt.datetime(2018, 10, 1, 9, tzinfo=dt.UTC), tick=False):
        refresh_task_schedules()
    task.refresh_from_db()
    # The Q3 draft does not count yet: the accepted Q2 report decides.
    assert (task.schedule_status, task.light, task.reported_percent) == ("on_track", "green", 90)
    assert task.schedule_refreshed_on == TODAY


@pytest.mark.django_db
def test_it_turns_a_task_red_when_time_passes_its_deadline(unit):
    task = factories.make_task(deadline_on=dt.date(2018, 6, 30), deadline_kind="date")
    refresh_task_schedules(today=dt.date(2018, 6, 30))
    task.refresh_from_db()
    assert task.light == "yellow"
    refresh_task_schedules(today=dt.date(2018, 7, 1))
    task.refresh_from_db()
    assert (task.schedule_status, task.light) == ("overdue", "red")


@pytest.mark.django_db
def test_it_refreshes_many_tasks_with_a_fixed_number_of_queries(django_assert_num_queries):
    document = factories.make_document()
    for n in range(30):
        factories.make_task(document, f"1.{n}")
    with django_assert_num_queries(4):  # savepoint, select, one bulk update, release
        assert refresh_task_schedules(today=TODAY) == 30
