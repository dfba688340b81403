"""Celery tasks for reminders: thin, take ids, call a service. No ETAs, no Celery retries:
back-off lives in the database (OutgoingEmail.next_attempt_at) and the sweep re-nudges."""

from celery import shared_task

from tracker.services import delivery, reminders


@shared_task(name="tracker.plan_reminders")
def plan_reminders_job() -> int:
    """Beat runs this every hour; a day's e-mails are planned once (unique keys)."""
    return reminders.plan_reminders().planned


@shared_task(name="tracker.deliver_emails")
def deliver_emails_job(email_ids: list[int]) -> int:
    return delivery.deliver(email_ids).sent


@shared_task(name="tracker.sweep_outgoing_email")
def sweep_outgoing_email_job() -> int:
    return delivery.sweep()
