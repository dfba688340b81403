"""Delivering planned e-mail exactly once: claim, send, mark sent; retry; sweep.

The database is the source of truth, Celery only carries the nudge (see
docs/decisions.md, "Reminders"). A delivery job gets row ids, claims the rows that are
still ready with one conditional UPDATE (ready → sending, with a fresh claim token, as
healthchecks does), sends them over one SMTP connection and marks rows sent after the
server accepted them, committed in small groups (`_SentMarks`). Whoever loses the race for
a row claims nothing and sends nothing, so a nudge delivered twice (acks_late after a lost
worker) is harmless.

A worker killed mid-batch leaves rows in "sending"; `sweep` puts rows claimed longer than
DUBAN_EMAIL_CLAIM_TIMEOUT ago back to ready and nudges again, so a lost broker message
(kombu #305/#1836, celery #4354) only delays mail. The one window left is between the SMTP
server's "250 OK" and the commit of that row's group (at most MARK_EVERY e-mails or
MARK_SECONDS of sending): a kill exactly there sends those messages again, with the same
Message-ID so the receiving side can drop them.
"""

import contextlib
import datetime as dt
import json
import logging
import re
import smtplib
import time
import uuid
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import audit, emails, workdays
from tracker.models import OutgoingEmail

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status

# Stop taking new rows after this long in one job and hand the rest back (the hard task
# limit is 360 s); a hanging SMTP server then delays mail instead of killing the job.
TIME_BUDGET_SECONDS = 240
# Sent marks are committed in groups of at most this many e-mails or this much sending
# time: a synchronous commit costs ~3 ms here, half an SMTP exchange.
MARK_EVERY = 20
MARK_SECONDS = 0.1


# An address that needs no IDNA encoding nor checking beyond the form that accepted it.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+")


@dataclass
class DeliveryResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0


def dispatch_ready(now: dt.datetime | None = None) -> int:
    """Nudge delivery jobs for ready rows that are due and were not nudged recently."""
    now = now or timezone.now()
    if workdays.is_quiet(now):
        return 0
    stale = now - dt.timedelta(seconds=settings.DUBAN_EMAIL_REDISPATCH_SECONDS)
    marked = (
        OutgoingEmail.objects.filter(status=Status.READY, next_attempt_at__lte=now)
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale))
        .update(dispatched_at=now)
    )
    if not marked:
        return 0
    ids = list(
        OutgoingEmail.objects.filter(status=Status.READY, dispatched_at=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    from tracker.jobs.reminders import deliver_emails_job

    size = settings.DUBAN_EMAIL_BATCH_SIZE
    for start in range(0, len(ids), size):
        deliver_emails_job.delay(ids[start : start + size])
    return len(ids)


def deliver(email_ids, *, now: dt.datetime | None = None) -> DeliveryResult:
    """Claim the given rows that are still ready and send them over one connection."""
    result = DeliveryResult()
    now = now or timezone.now()
    if workdays.is_quiet(now):
        return result
    _deliver(email_ids, now, result)
    return result


def _deliver(email_ids, now, result: DeliveryResult) -> None:
    email_ids = list(email_ids)
    token = uuid.uuid4().hex
    result.claimed = OutgoingEmail.objects.filter(
        pk__in=email_ids, status=Status.READY, next_attempt_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
    if not result.claimed:
        return
    rows = _claimed_rows(email_ids, token)
    started = time.monotonic()
    mailer = mail.mailers.default
    try:
        mailer.open()
    except (OSError, smtplib.SMTPException) as error:
        result.retried += _retry_rows(rows, token, error)
        return
    send, prepare = _transport(mailer)
    marks = _SentMarks(token, result)
    prepared = _Prepared(rows, prepare)
    try:
        for index, row in enumerate(rows):
            if time.monotonic() - started > TIME_BUDGET_SECONDS:
                result.released += _release(rows[index:], token)
                break

            def meanwhile(index=index):
                # While the server digests this message: the next one, and due marks.
                prepared.prepare(index + 1)
                marks.flush_if_due()

            sending_since = time.monotonic()
            try:
                send(row, prepared.take(index), meanwhile)
            except SoftTimeLimitExceeded:
                result.released += _release(rows[index:], token)
                break
            except smtplib.SMTPServerDisconnected as error:
                # The connection is gone: this row and the rest wait for the back-off.
                result.retried += _retry_rows(rows[index:], token, error)
                break
            except smtplib.SMTPException as error:  # the server answered this message
                if _is_permanent(error):
                    result.failed += _fail(row, token, error)
                else:
                    result.retried += _retry_rows([row], token, error)
            except OSError as error:  # SMTPException is an OSError too: keep this after it
                result.retried += _retry_rows(rows[index:], token, error)
                break
            except DatabaseError:
                raise  # recording marks failed: stop here, the sweep puts the rows back
            except Exception as error:  # a bug building one message must not stop the batch
                logger.exception("building e-mail %s failed", row.pk)
                result.failed += _fail(row, token, error)
            else:
                marks.sent(row, sending_since)
    finally:
        marks.flush()  # whatever stopped the loop, what the server accepted is recorded
        with contextlib.suppress(OSError, smtplib.SMTPException):
            mailer.close()


def _claimed_rows(email_ids, token: str) -> list[OutgoingEmail]:
    """The rows this job claimed, their items still as JSON text (`_Prepared` decodes them).

    Found by primary key: by status, PostgreSQL walked every "sending" entry the status
    index still held for rows sent since the last vacuum (107 ms for 200 rows after
    10,000 e-mails, growing with every batch). A batch of 200 reminders carries 1.5 MB of
    items; decoding them here took 0.2 ms per e-mail before the first one went out,
    decoded per message it hides in the server's time for the previous message's DATA.
    """
    return list(
        OutgoingEmail.objects.filter(pk__in=email_ids, claim_token=token, status=Status.SENDING)
        .select_related("period")
        .defer("items")
        .annotate(items_json=Cast("items", TextField()))
        .order_by("pk")
    )


class _Prepared:
    """Messages built one ahead of sending; a message that fails to build keeps its error
    and raises it when its turn comes (that row fails, the batch goes on)."""

    def __init__(self, rows, prepare):
        self.rows = rows
        self.build = prepare
        self.ready: dict[int, object] = {}

    def prepare(self, index: int) -> None:
        if index >= len(self.rows) or index in self.ready:
            return
        row = self.rows[index]
        try:
            row.items = json.loads(row.items_json)  # see _claimed_rows
            self.ready[index] = (self.build(row), None)
        except Exception as error:  # raised again by take(), inside the row's own handling
            self.ready[index] = (None, error)

    def take(self, index: int):
        self.prepare(index)
        built, error = self.ready.pop(index)
        if error is not None:
            raise error
        return built


def _transport(mailer):
    """How to build and ship one row with this mailer: (send, prepare).

    Over SMTP: the wire bytes of `emails.message_bytes`, sent on the mailer's open
    connection (one per batch) by `_send_smtp`, which prepares the next message while the
    server processes this one's DATA. Any other mailer (files, the tests' outbox): Django's
    message from `emails.build_message`.
    """
    connection = getattr(mailer, "connection", None)
    if not isinstance(connection, smtplib.SMTP):

        def send_message(row, message, meanwhile):
            mailer.send_messages([message])
            meanwhile()

        return send_message, emails.build_message
    envelope_from = mailer.prep_address(settings.DEFAULT_FROM_EMAIL)

    def send_bytes(row, payload, meanwhile):
        address = row.recipient_email
        if not PLAIN_ADDRESS.fullmatch(address):
            address = mailer.prep_address(address)  # IDNA, and refuses anything odd
        _send_smtp(connection, envelope_from, address, payload, meanwhile)

    return send_bytes, emails.message_bytes


# Lines of a message that start with a dot get a second one on the wire (RFC 5321 4.5.2).
_LEADING_DOT = re.compile(rb"(?m)^\.")


def _send_smtp(connection: smtplib.SMTP, sender: str, recipient: str, payload: bytes, meanwhile):
    """smtplib's sendmail for one ASCII message and one recipient, with `meanwhile()` run
    between sending the message and reading the server's verdict on it.

    The server's DATA work (reading and storing a 26 kB message: two thirds of an exchange,
    measured against aiosmtpd) and our building of the next message then overlap instead
    of taking turns. The replies are checked as sendmail checks them.
    """
    connection.ehlo_or_helo_if_needed()
    code, reply = connection.docmd("mail", f"FROM:{_path(sender)}")
    if code != 250:
        _reset(connection, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = connection.docmd("rcpt", f"TO:{_path(recipient)}")
    if code not in (250, 251):
        _reset(connection, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    connection.putcmd("data")
    code, reply = connection.getreply()
    if code != 354:
        _reset(connection, code)
        raise smtplib.SMTPDataError(code, reply)
    # Our own messages have no line starting with a dot (base64 bodies): the search is
    # cheap, the substitution over 26 kB cost 0.4 ms per message.
    dotted = payload.startswith(b".") or b"\n." in payload
    wire = _LEADING_DOT.sub(b"..", payload) if dotted else payload
    if not wire.endswith(b"\r\n"):
        wire += b"\r\n"
    connection.send(wire + b".\r\n")
    try:
        meanwhile()
    finally:
        # Whatever happened meanwhile, the server's answer is read before anything else is
        # sent on this connection (and tells whether this message was accepted).
        code, reply = connection.getreply()
    if code != 250:
        _reset(connection, code)
        raise smtplib.SMTPDataError(code, reply)


def _path(address: str) -> str:
    """An address as MAIL FROM and RCPT TO want it: what smtplib.quoteaddr makes of it,
    without its full address parsing for a plain address."""
    if PLAIN_ADDRESS.fullmatch(address):
        return f"<{address}>"
    return smtplib.quoteaddr(address)


def _reset(connection: smtplib.SMTP, code: int) -> None:
    if code == 421:  # the server is closing the connection
        connection.close()
    else:
        connection.rset()


class _SentMarks:
    """Marks rows sent in small groups: one commit per group instead of one per e-mail.

    A group is recorded (one UPDATE, one commit) once it covers MARK_SECONDS of sending,
    right after the message that reached it, or once it holds MARK_EVERY rows, while the
    server processes the next message (over SMTP); and whenever the batch stops. A worker
    killed before that sends the group's e-mails again (same Message-ID); with a slow server
    every e-mail is its own group. See docs/decisions.md, "Reminders".
    """

    def __init__(self, token: str, result: DeliveryResult):
        self.token = token
        self.result = result
        self.pending: list[int] = []
        self.since: float | None = None

    def sent(self, row, sending_since: float) -> None:
        if not self.pending:
            self.since = sending_since
        self.pending.append(row.pk)
        if time.monotonic() - self.since >= MARK_SECONDS:
            self.flush()

    def flush_if_due(self) -> None:
        if len(self.pending) >= MARK_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.result.sent += OutgoingEmail.objects.filter(
                pk__in=self.pending, claim_token=self.token, status=Status.SENDING
            ).update(status=Status.SENT, sent_at=timezone.now(), last_error="")
            self.pending = []
        self.since = None


def sweep(now: dt.datetime | None = None) -> int:
    """Put rows claimed and never finished back to ready, then nudge every due row."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.DUBAN_EMAIL_CLAIM_TIMEOUT)
    abandoned = OutgoingEmail.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff)
    abandoned.filter(attempts__gte=settings.DUBAN_EMAIL_MAX_ATTEMPTS).update(
        status=Status.FAILED, claim_token="", last_error=_("多次领取后仍未发送完成，已停止重试。")
    )
    reset = abandoned.update(
        status=Status.READY,
        claim_token="",
        dispatched_at=None,
        last_error=_("领取后未完成（工作进程中断），已重新排队。"),
    )
    if reset:
        logger.warning("put %s abandoned e-mails back to ready", reset)
    return dispatch_ready(now)


@transaction.atomic
def resend_email(email: OutgoingEmail, *, acting_user) -> OutgoingEmail:
    """The office sends a row again (sent, failed or without address) as a new row."""
    if email.status in (Status.READY, Status.SENDING):
        raise ValidationError(_("该邮件尚未发送完毕，不能重发。"))
    address = _current_address(email)
    if not address:
        raise ValidationError(_("收件人仍没有电子邮箱地址，无法重发。"))
    number = OutgoingEmail.objects.filter(resent_from=email).count() + 1
    now = timezone.now()
    copy = OutgoingEmail.objects.create(
        kind=email.kind,
        idempotency_key=f"{email.idempotency_key}:resend-{number}"[:200],
        run_on=timezone.localdate(now),
        period=email.period,
        recipient_email=address,
        recipient_name=email.recipient_name,
        user=email.user,
        official=email.official,
        language=email.language,
        items=email.items,
        next_attempt_at=workdays.next_send_time(now),
        resent_from=email,
    )
    audit.record(
        actor=acting_user,
        action="email.resend",
        obj=copy,
        before={"id": email.pk, "status": email.status},
        after={"id": copy.pk, "recipient_email": address},
    )
    transaction.on_commit(dispatch_ready)
    return copy


def _current_address(email: OutgoingEmail) -> str:
    if email.official is not None:
        official = email.official
        return official.email or (official.user.email if official.user else "")
    if email.user is not None:
        return email.user.email
    return email.recipient_email


def _fail(row, token, error) -> int:
    return OutgoingEmail.objects.filter(pk=row.pk, claim_token=token, status=Status.SENDING).update(
        status=Status.FAILED, last_error=_describe(error)
    )


def _retry_rows(rows, token, error) -> int:
    """Back to ready after a back-off (or failed after the last attempt)."""
    now = timezone.now()
    count = 0
    for attempts in sorted({row.attempts for row in rows}):
        ids = [row.pk for row in rows if row.attempts == attempts]
        claimed = OutgoingEmail.objects.filter(pk__in=ids, claim_token=token, status=Status.SENDING)
        if attempts >= settings.DUBAN_EMAIL_MAX_ATTEMPTS:
            claimed.update(status=Status.FAILED, claim_token="", last_error=_describe(error))
            continue
        delay = min(
            settings.DUBAN_EMAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
            settings.DUBAN_EMAIL_RETRY_MAX_SECONDS,
        )
        count += claimed.update(
            status=Status.READY,
            claim_token="",
            dispatched_at=None,
            next_attempt_at=workdays.next_send_time(now + dt.timedelta(seconds=delay)),
            last_error=_describe(error),
        )
    return count


def _release(rows, token) -> int:
    """Hand unsent rows back without counting an attempt (the job ran out of time)."""
    return OutgoingEmail.objects.filter(
        pk__in=[row.pk for row in rows], claim_token=token, status=Status.SENDING
    ).update(status=Status.READY, claim_token="", dispatched_at=None, attempts=F("attempts") - 1)


def _is_permanent(error) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    code = getattr(error, "smtp_code", None)
    return code is not None and code >= 500


def _describe(error) -> str:
    return f"{type(error).__name__}: {error}"[:1000]
