"""Reporting periods: created per year for a cadence, closed (locked) and reopened."""

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import audit
from tracker.models import Document, ReportingPeriod

# Periods per year and months per period, by cadence.
CADENCE_MONTHS = {
    Document.Cadence.MONTHLY: 1,
    Document.Cadence.QUARTERLY: 3,
    Document.Cadence.HALF_YEARLY: 6,
    Document.Cadence.ANNUAL: 12,
}
DEFAULT_DUE_DAYS = 5  # reports are due on the 5th day after a period ends
PERIOD_FIELDS = ["cadence", "year", "index", "starts_on", "ends_on", "due_on", "closed_at"]


def period_bounds(year: int, cadence: str, index: int) -> tuple[dt.date, dt.date]:
    """First and last day of the `index`-th period (1-based) of a year."""
    months = CADENCE_MONTHS[cadence]
    first_month = months * (index - 1) + 1
    last_month = first_month + months - 1
    last_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last_day)


@transaction.atomic
def create_year_periods(
    *,
    acting_user,
    year: int,
    cadence: str = Document.Cadence.QUARTERLY,
    due_days: int = DEFAULT_DUE_DAYS,
) -> list[ReportingPeriod]:
    """Create the year's periods of a cadence, each due `due_days` after it ends.

    Idempotent: periods that exist are left as they are (their due dates included);
    only the missing ones are created, with one audit row for the batch.
    """
    if cadence not in CADENCE_MONTHS:
        raise ValidationError(_("未知的报送周期类型。"))
    if not 0 <= due_days <= 60:
        raise ValidationError(_("报送期限应在周期结束后0至60天之间。"))
    existing = set(
        ReportingPeriod.objects.filter(year=year, cadence=cadence).values_list("index", flat=True)
    )
    created = []
    for index in range(1, 12 // CADENCE_MONTHS[cadence] + 1):
        if index in existing:
            continue
        starts_on, ends_on = period_bounds(year, cadence, index)
        created.append(
            ReportingPeriod(
                cadence=cadence,
                year=year,
                index=index,
                starts_on=starts_on,
                ends_on=ends_on,
                due_on=ends_on + dt.timedelta(days=due_days),
            )
        )
    if created:
        ReportingPeriod.objects.bulk_create(created)
        audit.record(
            actor=acting_user,
            action="period.create_year",
            obj=None,
            label=_("%(year)d年报送周期（%(cadence)s）")
            % {"year": year, "cadence": Document.Cadence(cadence).label},
            after={
                "year": year,
                "cadence": cadence,
                "due_days": due_days,
                "indexes": [p.index for p in created],
            },
        )
    return created


@transaction.atomic
def close_period(*, acting_user, period: ReportingPeriod) -> ReportingPeriod:
    """Close a period: its reports are locked for clerks."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(_("该报送周期已关闭。"))
    before = audit.snapshot(period, PERIOD_FIELDS)
    period.closed_at = timezone.now()
    period.save(update_fields=["closed_at"])
    audit.record(
        actor=acting_user,
        action="period.close",
        obj=period,
        before=before,
        after=audit.snapshot(period, PERIOD_FIELDS),
    )
    return period


@transaction.atomic
def reopen_period(*, acting_user, period: ReportingPeriod, reason: str) -> ReportingPeriod:
    """Reopen a closed period (the supervision office only; the reason is logged)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("重新开放报送周期时请填写原因。"))
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if not period.is_closed:
        raise ValidationError(_("该报送周期未关闭。"))
    before = audit.snapshot(period, PERIOD_FIELDS)
    period.closed_at = None
    period.save(update_fields=["closed_at"])
    audit.record(
        actor=acting_user,
        action="period.reopen",
        obj=period,
        before=before,
        after=audit.snapshot(period, PERIOD_FIELDS) | {"reason": reason},
    )
    return period


def current_periods(today: dt.date | None = None) -> dict[str, ReportingPeriod]:
    """The period clerks report on now, per cadence (one query).

    It is the earliest open period that has started and whose due date has not passed:
    on 2 April the first quarter (due 5 April) rather than the second; on 15 May the
    second. When none qualifies (all overdue or closed), the latest started period.
    """
    today = today or timezone.localdate()
    started = ReportingPeriod.objects.filter(starts_on__lte=today).order_by("-starts_on")
    # Enough rows for every cadence to find its candidates: the last year of periods.
    rows = list(started.filter(ends_on__gte=today - dt.timedelta(days=400)))
    chosen: dict[str, ReportingPeriod] = {}
    for period in sorted(rows, key=lambda p: p.starts_on):
        if period.cadence not in chosen and not period.is_closed and period.due_on >= today:
            chosen[period.cadence] = period
    for period in rows:  # newest first
        chosen.setdefault(period.cadence, period)
    return chosen
