"""A real Celery worker, on the configured broker, runs a job against the test database."""

import time

import pytest

from tests.conftest import requires_redis
from tracker.models import WorkerHeartbeat
from tracker.tasks import record_worker_heartbeat


def wait_for(predicate, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@requires_redis
def test_it_runs_a_job_on_a_real_worker_over_redis(celery_worker_process, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    record_worker_heartbeat.delay("smoke-redis")
    assert wait_for(lambda: WorkerHeartbeat.objects.filter(name="smoke-redis").exists())


def test_it_runs_a_job_on_a_real_worker_over_the_configured_broker(celery_worker_process):
    record_worker_heartbeat.delay("smoke")
    assert wait_for(lambda: WorkerHeartbeat.objects.filter(name="smoke").exists())


@pytest.mark.django_db
def test_it_reports_the_last_worker_beat_on_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok", "worker_seen_at": None}
    record_worker_heartbeat("worker")
    assert client.get("/healthz").json()["worker_seen_at"] is not None
