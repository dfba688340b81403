"""Delivery over a real SMTP connection, in this process (aiosmtpd on a free port).

The SMTP path sends prebuilt wire bytes and builds the next message while the server is
still busy with the current one's DATA (tracker.services.delivery._send_smtp); these tests
pin what that must not change: every row once, the server's verdict per message, dot
stuffing, and a message that fails to build failing alone.
"""

import email
import email.policy
import smtplib

import pytest

from tests.tracker.reminders.conftest import at, frozen
from tests.tracker.reminders.smtp_sink import Sink
from tracker import emails
from tracker.models import OutgoingEmail
from tracker.services import delivery
from tracker.services.reminders import plan_reminders

pytestmark = pytest.mark.django_db
Status = OutgoingEmail.Status


@pytest.fixture
def sink(settings):
    server = Sink().start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 10},
        }
    }
    yield server
    server.stop()


@pytest.fixture
def planned(city):
    with frozen(at(2018, 4, 2)):  # report due: owner, colleague and outsider get one each
        plan_reminders(dispatch=False)
    rows = list(OutgoingEmail.objects.exclude(status=Status.NO_ADDRESS).order_by("pk"))
    assert len(rows) == 3
    return rows


def deliver(rows):
    with frozen(at(2018, 4, 2, 9, 5)):
        return delivery.deliver([row.pk for row in rows])


def test_it_sends_the_built_bytes_once_per_row_and_marks_them_sent(sink, planned):
    result = deliver(planned)
    assert (result.claimed, result.sent, result.failed) == (3, 3, 0)
    assert sorted(sink.recipients()) == sorted(row.recipient_email for row in planned)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.SENT}
    for row, raw in zip(planned, sink.raw, strict=True):
        expected = email.message_from_bytes(emails.message_bytes(row), policy=email.policy.default)
        received = email.message_from_bytes(raw, policy=email.policy.default)
        assert received["Message-ID"] == expected["Message-ID"]
        assert received["Subject"] == expected["Subject"]
        assert received.get_body(("plain",)).get_content() == (
            expected.get_body(("plain",)).get_content()
        )
    assert deliver(planned).claimed == 0


def test_it_builds_the_next_message_while_the_server_reads_this_one(sink, planned, monkeypatch):
    sink.delay = 0.05  # the server answers each DATA 50 ms after it has the message
    accepted_when_built = []
    build = emails.message_bytes

    def watched(row):
        accepted_when_built.append(len(sink.raw))
        return build(row)

    monkeypatch.setattr(emails, "message_bytes", watched)
    assert deliver(planned).sent == 3
    # Message n+1 is built before the server has accepted message n (one after the other,
    # the server would have accepted n messages when building message n+1: [0, 1, 2]).
    assert accepted_when_built == [0, 0, 1]


def test_it_marks_each_message_at_once_when_the_server_is_slow(sink, planned, monkeypatch):
    sink.delay = delivery.MARK_SECONDS + 0.05  # every exchange outlasts a group's time
    marked_when_built = []
    build = emails.message_bytes

    def watched(row):
        marked_when_built.append(OutgoingEmail.objects.filter(status=Status.SENT).count())
        return build(row)

    monkeypatch.setattr(emails, "message_bytes", watched)
    assert deliver(planned).sent == 3
    # Message 3 is built during message 2's DATA: message 1 is recorded by then (a kill
    # there re-sends message 2 at most). With a fast server the group would wait for 20.
    assert marked_when_built == [0, 0, 1]


def test_it_fails_a_permanently_refused_recipient_and_sends_the_others(sink, planned):
    refused = planned[1].recipient_email
    sink.refuse[refused] = "550 5.1.1 No such user"
    result = deliver(planned)
    assert (result.sent, result.failed, result.retried) == (2, 1, 0)
    assert refused not in sink.recipients() and len(sink.recipients()) == 2
    row = OutgoingEmail.objects.get(recipient_email=refused)
    assert row.status == Status.FAILED and "550" in row.last_error


def test_it_retries_a_recipient_refused_for_now(sink, planned):
    sink.refuse[planned[0].recipient_email] = "451 4.3.0 Try again later"
    result = deliver(planned)
    assert (result.sent, result.retried) == (2, 1)
    assert OutgoingEmail.objects.get(pk=planned[0].pk).status == Status.READY


def test_it_fails_only_the_message_that_cannot_be_built(sink, planned, monkeypatch):
    build = emails.message_bytes

    def broken_for_the_second(row):
        if row.pk == planned[1].pk:
            raise ValueError("a template bug")
        return build(row)

    monkeypatch.setattr(emails, "message_bytes", broken_for_the_second)
    result = deliver(planned)
    assert (result.sent, result.failed) == (2, 1)
    failed = OutgoingEmail.objects.get(pk=planned[1].pk)
    assert failed.status == Status.FAILED and "a template bug" in failed.last_error


def test_it_doubles_a_leading_dot_on_the_wire(sink):
    connection = smtplib.SMTP("127.0.0.1", sink.port)
    try:
        payload = b"Subject: dots\r\n\r\n.starts with a dot\r\n..two\r\nlast line without CRLF"
        ran = []
        delivery._send_smtp(
            connection, "duban@example.gov.cn", "a@example.gov.cn", payload, lambda: ran.append(1)
        )
    finally:
        connection.quit()
    assert ran == [1]
    assert sink.raw[0].replace(b"\r\n", b"\n") == (
        b"Subject: dots\n\n.starts with a dot\n..two\nlast line without CRLF\n"
    )
