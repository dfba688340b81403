"""Two clerks (or two tabs) saving the same report at the same moment on PostgreSQL:
exactly one save wins, the other is told, nothing is silently overwritten."""

import threading

import pytest
from django.db import connection

from tests.conftest import requires_postgres
from tracker.models import ProgressReport
from tracker.services import reporting as services

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def race(users, task, unit, period, version: int) -> list[str]:
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def save(user):
        try:
            barrier.wait(timeout=10)
            services.save_report_draft(
                acting_user=user,
                task=task,
                unit=unit,
                period=period,
                data={"progress": f"{user.username} 的内容"},
                version=version,
            )
            outcomes.append("saved")
        except services.StaleReportError:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_it_lets_one_of_two_simultaneous_edits_win(owner, colleague, task, unit, period):
    services.save_report_draft(
        acting_user=owner, task=task, unit=unit, period=period, data={}, version=0
    )
    assert race([owner, colleague], task, unit, period, version=1) == ["saved", "stale"]
    report = ProgressReport.objects.get()
    assert report.version == 2


def test_it_lets_one_of_two_simultaneous_first_saves_win(owner, colleague, task, unit, period):
    assert race([owner, colleague], task, unit, period, version=0) == ["saved", "stale"]
    assert ProgressReport.objects.get().version == 1
