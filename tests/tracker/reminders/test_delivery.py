"""Claim, send, mark sent; back-off on SMTP errors; the sweep; quiet hours; resend.

Sent through Django's test mailer (mail.outbox) here; tests/tracker/reminders/
test_e2e_worker_smtp.py does the same through a real worker and a real SMTP server.
"""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tests.tracker.reminders.conftest import at, frozen
from tracker.models import AuditEntry, OutgoingEmail
from tracker.services import delivery
from tracker.services.reminders import plan_reminders

pytestmark = pytest.mark.django_db
Status = OutgoingEmail.Status


@pytest.fixture
def planned(city):
    with frozen(at(2018, 4, 12)):  # escalation day: head, official, official without address
        plan_reminders(dispatch=False)
    return list(OutgoingEmail.objects.order_by("pk"))


def ids(rows):
    return [row.pk for row in rows]


def statuses():
    return dict(OutgoingEmail.objects.values_list("recipient_email", "status"))


class FailingMailer:
    """A mailer that answers like a real SMTP server having trouble (the outside world)."""

    def __init__(self, error):
        self.error = error

    def open(self):
        if not isinstance(self.error, smtplib.SMTPException):  # cannot connect at all
            raise self.error

    def close(self):
        pass

    def send_messages(self, messages):
        raise self.error


@pytest.fixture
def failing_smtp(monkeypatch):
    def install(error):
        monkeypatch.setattr(
            delivery.mail.mailers.__class__, "default", property(lambda self: FailingMailer(error))
        )

    return install


def test_it_sends_each_ready_row_once_and_marks_it_sent(planned):
    with frozen(at(2018, 4, 12, 9, 5)):
        result = delivery.deliver(ids(planned))
        again = delivery.deliver(ids(planned))
    assert (result.claimed, result.sent) == (2, 2)
    assert (again.claimed, again.sent) == (0, 0)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "guojianmin@liaocheng.gov.cn",
        "head@example.gov.cn",
    ]
    assert statuses() == {
        "head@example.gov.cn": Status.SENT,
        "guojianmin@liaocheng.gov.cn": Status.SENT,
        "": Status.NO_ADDRESS,
    }
    sent = OutgoingEmail.objects.get(recipient_email="head@example.gov.cn")
    assert sent.sent_at == at(2018, 4, 12, 9, 5)
    assert sent.attempts == 1


def test_it_claims_nothing_another_worker_holds(planned):
    OutgoingEmail.objects.filter(recipient_email="head@example.gov.cn").update(
        status=Status.SENDING, claim_token="other", claimed_at=at(2018, 4, 12, 9, 4)
    )
    with frozen(at(2018, 4, 12, 9, 5)):
        result = delivery.deliver(ids(planned))
    assert result.sent == 1
    assert [m.to for m in mail.outbox] == [["guojianmin@liaocheng.gov.cn"]]


def test_it_retries_with_back_off_after_a_temporary_smtp_error(planned, failing_smtp, settings):
    settings.DUBAN_EMAIL_RETRY_BASE_SECONDS = 60
    failing_smtp(smtplib.SMTPDataError(451, b"4.3.0 try again later"))
    with frozen(at(2018, 4, 12, 9, 0)):
        assert delivery.deliver(ids(planned)).retried == 2
    row = OutgoingEmail.objects.get(recipient_email="head@example.gov.cn")
    assert (row.status, row.attempts) == (Status.READY, 1)
    assert row.next_attempt_at == at(2018, 4, 12, 9, 1)
    assert row.last_error == "SMTPDataError: (451, b'4.3.0 try again later')"
    with frozen(at(2018, 4, 12, 9, 0, 30)):
        assert delivery.deliver(ids(planned)).claimed == 0  # not before the back-off
    with frozen(at(2018, 4, 12, 9, 1)):
        delivery.deliver(ids(planned))
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at) == (2, at(2018, 4, 12, 9, 3))


def test_it_retries_when_the_server_cannot_be_reached(planned, failing_smtp):
    failing_smtp(ConnectionRefusedError(111, "Connection refused"))
    with frozen(at(2018, 4, 12, 9, 0)):
        result = delivery.deliver(ids(planned))
    assert (result.claimed, result.retried) == (2, 2)
    assert set(statuses().values()) == {Status.READY, Status.NO_ADDRESS}


def test_it_gives_up_on_a_permanent_refusal_or_after_the_last_attempt(
    planned, failing_smtp, settings
):
    failing_smtp(
        smtplib.SMTPRecipientsRefused({"head@example.gov.cn": (550, b"5.1.1 no such user")})
    )
    with frozen(at(2018, 4, 12, 9, 0)):
        assert delivery.deliver(ids(planned)).failed == 2
    assert OutgoingEmail.objects.get(recipient_email="head@example.gov.cn").status == Status.FAILED
    OutgoingEmail.objects.exclude(status=Status.NO_ADDRESS).update(
        status=Status.READY, attempts=settings.DUBAN_EMAIL_MAX_ATTEMPTS - 1
    )
    failing_smtp(smtplib.SMTPDataError(451, b"later"))
    with frozen(at(2018, 4, 12, 9, 0)):
        delivery.deliver(ids(planned))
    assert set(statuses().values()) == {Status.FAILED, Status.NO_ADDRESS}


def test_it_sends_nothing_in_the_quiet_hours(planned, settings):
    settings.DUBAN_QUIET_HOURS = "21:00-08:00"
    OutgoingEmail.objects.update(next_attempt_at=at(2018, 4, 11, 12))
    with frozen(at(2018, 4, 11, 23, 30)):
        assert delivery.deliver(ids(planned)).claimed == 0
    assert mail.outbox == []


def test_it_sweeps_rows_claimed_and_never_finished_back_to_ready(planned, settings, eager_celery):
    settings.DUBAN_EMAIL_CLAIM_TIMEOUT = 600
    OutgoingEmail.objects.exclude(status=Status.NO_ADDRESS).update(
        status=Status.SENDING,
        claim_token="dead-worker",
        claimed_at=at(2018, 4, 12, 9, 0),
        attempts=1,
    )
    with frozen(at(2018, 4, 12, 9, 9)):
        assert delivery.sweep() == 0  # too early: the worker may still be sending
    assert mail.outbox == []
    with frozen(at(2018, 4, 12, 9, 11)):
        assert delivery.sweep() == 2  # re-dispatched; the eager job sends them
    assert len(mail.outbox) == 2
    assert set(statuses().values()) == {Status.SENT, Status.NO_ADDRESS}
    assert OutgoingEmail.objects.get(recipient_email="head@example.gov.cn").attempts == 2


def test_it_nudges_each_ready_row_once_until_the_redispatch_interval(
    planned, settings, eager_celery
):
    settings.DUBAN_EMAIL_REDISPATCH_SECONDS = 300
    OutgoingEmail.objects.filter(recipient_email="head@example.gov.cn").update(
        next_attempt_at=at(2018, 4, 12, 10)
    )
    with frozen(at(2018, 4, 12, 9, 5)):
        assert delivery.dispatch_ready() == 1
        assert delivery.dispatch_ready() == 0
    with frozen(at(2018, 4, 12, 10, 0)):
        assert delivery.dispatch_ready() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "guojianmin@liaocheng.gov.cn",
        "head@example.gov.cn",
    ]


def test_it_dispatches_after_the_planning_commits(
    city, eager_celery, django_capture_on_commit_callbacks
):
    with frozen(at(2018, 4, 2, 9)), django_capture_on_commit_callbacks(execute=True) as callbacks:
        plan_reminders()
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "colleague@example.gov.cn",
        "outsider@example.gov.cn",
        "owner@example.gov.cn",
    ]


def test_it_lets_the_office_resend_a_sent_or_unaddressed_email(
    planned, supervisor, city, django_capture_on_commit_callbacks
):
    with frozen(at(2018, 4, 12, 9, 5)):
        delivery.deliver(ids(planned))
    sent = OutgoingEmail.objects.get(recipient_email="head@example.gov.cn")
    copy = delivery.resend_email(sent, acting_user=supervisor)
    assert copy.idempotency_key == "reminder:2018-04-12:head@example.gov.cn:resend-1"
    assert (copy.status, copy.resent_from, copy.items) == (Status.READY, sent, sent.items)
    assert AuditEntry.objects.get(action="email.resend").actor == supervisor
    unaddressed = OutgoingEmail.objects.get(status=Status.NO_ADDRESS)
    with pytest.raises(ValidationError) as refused:
        delivery.resend_email(unaddressed, acting_user=supervisor)
    assert refused.value.messages == ["收件人仍没有电子邮箱地址，无法重发。"]
    city.silent_official.email = "malihong@liaocheng.gov.cn"
    city.silent_official.save()
    unaddressed.refresh_from_db()
    assert (
        delivery.resend_email(unaddressed, acting_user=supervisor).recipient_email
        == "malihong@liaocheng.gov.cn"
    )


def test_it_refuses_to_resend_a_row_still_on_its_way(planned, supervisor):
    with pytest.raises(ValidationError) as refused:
        delivery.resend_email(planned[0], acting_user=supervisor)
    assert refused.value.messages == ["该邮件尚未发送完毕，不能重发。"]


def test_it_refuses_a_second_row_with_the_same_key(planned):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingEmail.objects.create(
            kind="reminder",
            idempotency_key=planned[0].idempotency_key,
            run_on=dt.date(2018, 4, 12),
            recipient_email="x@example.gov.cn",
            next_attempt_at=at(2018, 4, 12),
        )


class AcceptingThenDisconnecting:
    """A server that accepts `accept` messages and then drops the connection."""

    def __init__(self, accept):
        self.accept = accept
        self.accepted = []

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        if len(self.accepted) >= self.accept:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        self.accepted += [m.to[0] for m in messages]
        return len(messages)


def test_it_records_what_was_accepted_when_the_connection_drops_mid_batch(
    city, monkeypatch, django_assert_num_queries
):
    with frozen(at(2018, 4, 2)):  # report due: owner, colleague, outsider
        plan_reminders(dispatch=False)
    server = AcceptingThenDisconnecting(accept=2)
    monkeypatch.setattr(delivery.mail.mailers.__class__, "default", property(lambda self: server))
    monkeypatch.setattr(delivery, "MARK_SECONDS", 60)
    rows = list(OutgoingEmail.objects.order_by("pk"))
    # claim, load, one UPDATE retrying the rest, one marking both accepted rows
    with frozen(at(2018, 4, 2, 9, 5)), django_assert_num_queries(4):
        result = delivery.deliver(ids(rows))
    assert (result.sent, result.retried) == (2, 1)
    assert sorted(statuses().items()) == sorted(
        [(address, Status.SENT) for address in server.accepted]
        + [
            (
                next(r.recipient_email for r in rows if r.recipient_email not in server.accepted),
                Status.READY,
            )
        ]
    )


def test_it_commits_sent_marks_in_groups(planned, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(delivery, "MARK_EVERY", 1)
    with frozen(at(2018, 4, 12, 9, 5)), django_assert_num_queries(4):  # claim, load, 2 marks
        assert delivery.deliver(ids(planned)).sent == 2
    OutgoingEmail.objects.filter(status=Status.SENT).update(status=Status.READY)
    monkeypatch.setattr(delivery, "MARK_EVERY", 20)
    monkeypatch.setattr(delivery, "MARK_SECONDS", 60)
    with frozen(at(2018, 4, 12, 9, 6)), django_assert_num_queries(3):  # claim, load, 1 mark
        assert delivery.deliver(ids(planned)).sent == 2


def test_it_keeps_commits_synchronous(planned):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with frozen(at(2018, 4, 12, 9, 5)), CaptureQueriesContext(connection) as queries:
        delivery.deliver(ids(planned))
    assert not [q for q in queries if "synchronous_commit" in q["sql"]]
