"""The PostgreSQL health check (tracker/db/postgresql): no round trip on a quiet idle
connection, a fresh connection when the server has ended the old one."""

import time

import psycopg
import pytest
from django.db import connection

from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def _terminate_own_backend():
    """End this test's connection from the server side, as a restart or an admin would."""
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the backend did not end"
            time.sleep(0.02)


def test_a_quiet_idle_connection_is_usable_without_asking_the_server(monkeypatch):
    connection.ensure_connection()

    def no_round_trip(*args, **kwargs):
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(connection.connection, "cursor", no_round_trip)
    monkeypatch.setattr(connection.connection, "execute", no_round_trip)

    assert connection.is_usable()


def test_a_connection_the_server_ended_is_not_usable_and_is_replaced():
    connection.ensure_connection()
    old_pid = connection.connection.info.backend_pid
    _terminate_own_backend()

    assert not connection.is_usable()

    # What Django does before a request's first query when CONN_HEALTH_CHECKS is on.
    connection.health_check_enabled, connection.health_check_done = True, False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.connection.info.backend_pid != old_pid


def test_a_connection_in_a_transaction_is_asked(monkeypatch):
    connection.ensure_connection()
    asked = []
    real_cursor = connection.connection.cursor

    def counting_cursor(*args, **kwargs):
        asked.append(True)
        return real_cursor(*args, **kwargs)

    connection.set_autocommit(False)
    try:
        connection.connection.execute("SELECT 1")  # now INTRANS
        monkeypatch.setattr(connection.connection, "cursor", counting_cursor)
        assert connection.is_usable()
        assert asked
    finally:
        connection.rollback()
        connection.set_autocommit(True)


def test_the_settings_use_this_backend_for_postgresql():
    assert connection.settings_dict["ENGINE"] == "tracker.db.postgresql"
    assert connection.vendor == "postgresql"
