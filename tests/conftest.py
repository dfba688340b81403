"""Shared fixtures: the fixed cast of users, and helpers for tests that need real services."""

import os

import pytest

# Django is imported inside the fixtures so the pure parser's tests also run without it
# (`pytest tests/tasks_import -p no:django`).


def uses_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def uses_redis() -> bool:
    return bool(os.environ.get("REDIS_URL"))


requires_postgres = pytest.mark.skipif(
    not uses_postgres(), reason="needs PostgreSQL (set DATABASE_URL; `make test` does)"
)
requires_redis = pytest.mark.skipif(
    not uses_redis(), reason="needs Redis (set REDIS_URL; `make test` does)"
)


@pytest.fixture
def unit(db):
    from tests import factories

    return factories.make_unit("聊城市发展和改革委员会", short_name="市发展改革委")


@pytest.fixture
def other_unit(db):
    from tests import factories

    return factories.make_unit("聊城市财政局", short_name="市财政局")


@pytest.fixture
def supervisor(db):
    from tests import factories
    from tracker.models import Profile

    return factories.make_user("duchashi", role=Profile.Role.SUPERVISOR, is_staff=True)


@pytest.fixture
def owner(unit):
    """A clerk of `unit`."""
    from tests import factories
    from tracker.models import Profile

    return factories.make_user("owner", role=Profile.Role.CLERK, units=[unit])


@pytest.fixture
def colleague(unit):
    """Another clerk of the same unit."""
    from tests import factories
    from tracker.models import Profile

    return factories.make_user("colleague", role=Profile.Role.CLERK, units=[unit])


@pytest.fixture
def outsider(other_unit):
    """A clerk of a different unit."""
    from tests import factories
    from tracker.models import Profile

    return factories.make_user("outsider", role=Profile.Role.CLERK, units=[other_unit])


@pytest.fixture
def viewer(db):
    from tests import factories
    from tracker.models import Profile

    return factories.make_user("viewer", role=Profile.Role.VIEWER)


def subprocess_env_for_test_database() -> dict:
    """Environment for a child process (a Celery worker) that must use the test database."""
    from django.db import connection

    env = dict(os.environ)
    db = connection.settings_dict
    if db["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    return env


def start_celery_worker(env: dict | None = None, *, name: str = "test", extra_args=()):
    """Start a real Celery worker process and wait until it answers a ping.

    The caller stops it (terminate, or kill -9 in fault tests). Tests using it need
    `transactional_db` so the worker sees committed rows.
    """
    import subprocess
    import sys
    import time

    from django.conf import settings

    from tracker.celery import app

    env = env or subprocess_env_for_test_database()
    node = f"{name}-{os.getpid()}@localhost"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tracker",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-n",
            node,
            "--without-gossip",
            "--without-mingle",
            *extra_args,
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"celery worker exited early with {process.returncode}")
        replies = app.control.ping(destination=[node], timeout=1.0)
        if replies:
            return process
    process.kill()
    raise RuntimeError("celery worker did not answer a ping within 60 s")


@pytest.fixture
def celery_worker_process(transactional_db):
    process = start_celery_worker()
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except Exception:
        process.kill()


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process (for tests about a page, not about the worker)."""
    from tracker.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False
