"""End to end: a real Celery worker (Redis when REDIS_URL is set) sends planned reminders to
a real SMTP server in this process. Then the faults: the worker killed with SIGKILL in the
middle of a batch and restarted, and an SMTP server that refuses mail for a while or is
down — every e-mail arrives, exactly once.

The test process plays beat: it calls the sweep (tracker.sweep_outgoing_email) every half
second, with a short claim timeout and re-dispatch interval.
"""

import os
import signal
import time

import pytest

from tests import factories
from tests.conftest import start_celery_worker, subprocess_env_for_test_database
from tests.tracker.reminders.conftest import at, frozen
from tests.tracker.reminders.smtp_sink import Sink
from tracker import emails
from tracker.models import Assignment, OutgoingEmail
from tracker.services import delivery
from tracker.services.reminders import plan_reminders

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
SITE_URL = "https://duban.liaocheng.gov.cn"


@pytest.fixture
def sink():
    server = Sink().start()
    yield server
    server.stop()


@pytest.fixture
def beat_settings(settings):
    """What the test process (playing beat) needs: no quiet hours, short timeouts."""
    settings.DUBAN_QUIET_HOURS = ""
    settings.DUBAN_EMAIL_CLAIM_TIMEOUT = 3
    settings.DUBAN_EMAIL_REDISPATCH_SECONDS = 2
    settings.DUBAN_EMAIL_BATCH_SIZE = 5
    settings.SITE_URL = SITE_URL
    return settings


def worker_env(sink: Sink) -> dict:
    env = subprocess_env_for_test_database()
    env |= {
        "EMAIL_URL": sink.url,
        "EMAIL_TIMEOUT": "10",
        "DUBAN_QUIET_HOURS": "",
        "DUBAN_EMAIL_RETRY_BASE_SECONDS": "1",
        "DUBAN_EMAIL_RETRY_MAX_SECONDS": "2",
        "SITE_URL": SITE_URL,
        "DEFAULT_FROM_EMAIL": "聊城市督办系统 <duban@liaocheng.gov.cn>",
        "EMAIL_REPLY_TO": "duchashi@liaocheng.gov.cn",
    }
    return env


@pytest.fixture
def workers():
    started = []

    def start(env, name="reminders"):
        process = start_celery_worker(env, name=f"{name}{len(started)}")
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except Exception:
                process.kill()


def many_clerks(city, n: int) -> None:
    for i in range(n):
        unit = factories.make_unit(f"测试局{i:02d}")
        factories.make_user(f"clerk{i:02d}", units=[unit])
        factories.assign(city.task, unit, Assignment.Role.COOPERATING)


def sweep_until_sent(seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        delivery.sweep()
        pending = OutgoingEmail.objects.filter(
            status__in=[OutgoingEmail.Status.READY, OutgoingEmail.Status.SENDING]
        )
        if not pending.exists():
            return
        time.sleep(0.5)
    raise AssertionError(f"still pending: {list(pending.values_list('recipient_email', 'status'))}")


def expected_recipients() -> list[str]:
    return sorted(
        OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.NO_ADDRESS).values_list(
            "recipient_email", flat=True
        )
    )


def test_it_delivers_planned_reminders_through_a_real_worker_and_smtp_server(
    city, sink, beat_settings, workers
):
    with frozen(at(2018, 4, 12)):
        plan_reminders(dispatch=False)
    workers(worker_env(sink))
    delivery.dispatch_ready()
    sweep_until_sent(60)
    assert sorted(sink.recipients()) == ["guojianmin@liaocheng.gov.cn", "head@example.gov.cn"]
    message = next(m for m in sink.messages if m["To"] == "head@example.gov.cn")
    raw = next(r for r in sink.raw if b"head@example.gov.cn" in r)
    assert message["Subject"] == "【逾期升级】1项督办事项需要处理"
    assert b"Subject: =?utf-8?" in raw  # RFC 2047 encoded-word on the wire
    assert message["From"] == "聊城市督办系统 <duban@liaocheng.gov.cn>"
    assert message["Reply-To"] == "duchashi@liaocheng.gov.cn"
    assert message["Auto-Submitted"] == "auto-generated"
    row = OutgoingEmail.objects.get(recipient_email="head@example.gov.cn")
    assert message["Message-ID"] == emails.message_id(row.idempotency_key)
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    link = f"{SITE_URL}{emails.task_path(city.task.pk)}"
    assert "王主任，您好：" in text
    assert "市发展改革委 · 2018年第1季度进展报告，2018-04-05截止，已逾期7天" in text
    assert link in text
    assert f'<a href="{link}">一.1 深化“放管服”改革</a>' in html
    assert row.status == OutgoingEmail.Status.SENT and row.attempts == 1
    assert OutgoingEmail.objects.get(official=city.silent_official).status == (
        OutgoingEmail.Status.NO_ADDRESS
    )


def test_it_delivers_every_email_exactly_once_when_the_worker_is_killed_mid_batch(
    city, sink, beat_settings, workers
):
    many_clerks(city, 30)
    with frozen(at(2018, 4, 2)):
        plan_reminders(dispatch=False)
    expected = expected_recipients()
    assert len(expected) == 33
    sink.delay = 0.2
    first = workers(worker_env(sink), name="doomed")
    delivery.dispatch_ready()
    deadline = time.monotonic() + 60
    while len(sink.messages) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sink.in_data.wait(10)  # the server is in the middle of a message
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    arrived_before_restart = len(sink.messages)
    assert 4 <= arrived_before_restart < 33
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING).exists()
    sink.delay = 0.02
    workers(worker_env(sink), name="second")
    sweep_until_sent(90)
    assert sorted(sink.recipients()) == expected  # each exactly once
    assert not OutgoingEmail.objects.exclude(
        status__in=[OutgoingEmail.Status.SENT, OutgoingEmail.Status.NO_ADDRESS]
    ).exists()


def test_it_sends_the_mail_after_smtp_recovers_from_refusing_it(city, sink, beat_settings, workers):
    with frozen(at(2018, 4, 2)):
        plan_reminders(dispatch=False)
    sink.reply = "451 4.3.0 Try again later"
    workers(worker_env(sink))
    delivery.dispatch_ready()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        delivery.sweep()
        if not OutgoingEmail.objects.filter(attempts__lt=2).exists():
            break
        time.sleep(0.5)
    failing = OutgoingEmail.objects.get(recipient_email="owner@example.gov.cn")
    assert failing.status in (OutgoingEmail.Status.READY, OutgoingEmail.Status.SENDING)
    assert failing.attempts >= 2
    assert "451" in failing.last_error
    assert sink.messages == []
    sink.reply = None
    sweep_until_sent(60)
    assert sorted(sink.recipients()) == expected_recipients()
    assert len(sink.messages) == 3


def test_it_sends_the_mail_after_the_smtp_server_comes_back(city, sink, beat_settings, workers):
    with frozen(at(2018, 4, 2)):
        plan_reminders(dispatch=False)
    port = sink.port
    sink.stop()
    workers(worker_env(sink))
    delivery.dispatch_ready()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        delivery.sweep()
        if OutgoingEmail.objects.filter(last_error__contains="Connection refused").count() == 3:
            break
        time.sleep(0.5)
    assert OutgoingEmail.objects.filter(last_error__contains="Connection refused").count() == 3
    back = Sink(port).start()
    try:
        sweep_until_sent(60)
        assert sorted(back.recipients()) == expected_recipients()
        assert len(back.messages) == 3
    finally:
        back.stop()
