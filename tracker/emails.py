"""Every e-mail Duban sends is built here: one builder, one short function per message.

Each message has three templates under templates/emails/: `<name>-subject.txt`,
`<name>-body.txt` and `<name>-body.html`. They are rendered in the recipient's language
(Chinese by default, English for those who chose it) and link back to the site through
settings.SITE_URL. Building needs no database query: an OutgoingEmail row carries
everything in its `items`, so a delivery batch renders as fast as it can send.
"""

import functools
import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.models import OutgoingEmail, ReminderRule, Task
from tracker.schedule import ScheduleStatus

Kind = ReminderRule.Kind

REMINDER_SECTIONS = [
    (Kind.REPORT_ESCALATION, _("逾期未报送（升级督办）")),
    (Kind.REPORT_OVERDUE, _("逾期未报送的进展报告")),
    (Kind.TASK_OVERDUE, _("已超过完成时限的任务")),
    (Kind.REPORT_DUE, _("即将截止的进展报告")),
    (Kind.TASK_DUE, _("即将到期的任务")),
]
DIGEST_SECTIONS = [
    (ScheduleStatus.OVERDUE, _("逾期")),
    (ScheduleStatus.BEHIND, _("滞后序时进度")),
    (ScheduleStatus.DUE_SOON, _("临期")),
    (ScheduleStatus.ON_TRACK, _("正常推进")),
    (ScheduleStatus.DONE, _("已完成")),
]
OVERDUE_TYPES = {Kind.REPORT_OVERDUE, Kind.TASK_OVERDUE}


def build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    """The message for a planned row, whatever its kind."""
    if email.kind == OutgoingEmail.Kind.REMINDER:
        return reminder_message(email)
    return digest_message(email)


def reminder_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    """Reports due and overdue, escalations and task deadlines: one e-mail per recipient."""
    with translation.override(email.language or settings.LANGUAGE_CODE):
        items = [_with_link(item) for item in email.items]
    types = {item["type"] for item in items}
    if Kind.REPORT_ESCALATION in types:
        urgency = "escalation"
    elif types & OVERDUE_TYPES:
        urgency = "overdue"
    else:
        urgency = "due"
    sections = [
        {"type": kind, "title": title, "items": [i for i in items if i["type"] == kind]}
        for kind, title in REMINDER_SECTIONS
    ]
    context = {
        "email": email,
        "count": len(items),
        "urgency": urgency,
        "sections": [s for s in sections if s["items"]],
    }
    return _build("reminder", context, email)


def digest_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    """The state of every task an official leads, and which reports are missing."""
    items = [_with_link(item) for item in email.items]
    sections = [
        {"status": status, "title": title, "items": [i for i in items if i["status"] == status]}
        for status, title in DIGEST_SECTIONS
    ]
    context = {
        "email": email,
        "count": len(items),
        "weekly": email.kind == OutgoingEmail.Kind.WEEKLY_DIGEST,
        "period": email.period,
        "sections": sections,
        "missing_count": sum(1 for i in items if i["missing"]),
    }
    return _build("digest", context, email)


def _build(name: str, context: dict, email: OutgoingEmail) -> EmailMultiAlternatives:
    context |= {
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "preferences_url": settings.SITE_URL + _path("reminder_preferences"),
    }
    with translation.override(email.language or settings.LANGUAGE_CODE):
        context["language"] = translation.get_language()
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient_email],
        reply_to=settings.EMAIL_REPLY_TO or None,
        headers={
            "Message-ID": message_id(email.idempotency_key),
            "Auto-Submitted": "auto-generated",
            "X-Duban-Kind": email.kind,
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def message_id(key: str) -> str:
    """The same for every attempt at one row: a receiving server can drop a duplicate."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{_domain()}>"


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "duban.localhost"


def _with_link(item: dict) -> dict:
    return item | {"url": settings.SITE_URL + task_path(item["task"]), "detail": _detail(item)}


def _detail(item: dict) -> str:
    """The one line under a reminder item (a template include per item was 10× slower)."""
    kind = item.get("type")
    values = {
        "unit": item.get("unit", ""),
        "period": item.get("period", ""),
        "due": item.get("due_on", ""),
        "days": item.get("days", ""),
    }
    if kind == Kind.REPORT_DUE:
        text = gettext("%(period)s进展报告，%(due)s截止（还有%(days)s天）") % values
    elif kind in (Kind.REPORT_OVERDUE, Kind.REPORT_ESCALATION):
        text = gettext("%(period)s进展报告，%(due)s截止，已逾期%(days)s天") % values
    elif kind == Kind.TASK_DUE:
        text = gettext("完成时限%(due)s（还有%(days)s天）") % values
    elif kind == Kind.TASK_OVERDUE:
        text = gettext("完成时限%(due)s，已超过%(days)s天") % values
    else:
        return ""
    return f"{values['unit']} · {text}" if values["unit"] else text


def task_path(task_id: int) -> str:
    return _task_path_pattern().replace("987654321", str(task_id))


@functools.cache
def _task_path_pattern() -> str:
    # Task.get_absolute_url, reversed once per process and filled in per item.
    try:
        return Task(pk=987654321).get_absolute_url()
    except NoReverseMatch:
        # The task page is the browse area's; until its URL is installed, the path it
        # will have keeps the links stable.
        return "/tasks/987654321/"


def _path(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return "/"
