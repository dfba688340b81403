"""Chinese working days and quiet hours: when "N days before" falls, and when mail may go out.

Working days come from the `chinesecalendar` package (public holidays and the make-up
working days, 调休). For a year the package does not know yet we fall back to Monday–Friday
and say so in the log once, rather than refuse to plan.
"""

import datetime as dt
import functools
import logging

import chinese_calendar
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4096)
def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _warn_unknown_year(day.year)
        return day.weekday() < 5


@functools.lru_cache(maxsize=64)
def _warn_unknown_year(year: int) -> None:
    logger.warning("chinesecalendar has no data for %s: counting Monday–Friday", year)


def workdays_from(start: dt.date, end: dt.date) -> int:
    """Working days in [start, end): how many working days are left before `end`."""
    count = 0
    day = start
    while day < end:
        count += is_workday(day)
        day += dt.timedelta(days=1)
    return count


def workdays_since(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many working days have passed since `start`."""
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        count += is_workday(day)
        day += dt.timedelta(days=1)
    return count


# The widest offset a rule may use; bounds the search below.
MAX_OFFSET_DAYS = 120


def dates_before(today: dt.date, days: int, *, working: bool) -> set[dt.date]:
    """The due dates D for which `today` is "`days` days before D".

    Calendar days: exactly D = today + days. Working days: only on a working day, every D
    with exactly `days` working days in [today, D) — so on a Friday "1 working day before"
    covers Saturday, Sunday and Monday, and each D is reminded once.
    """
    if not working:
        return {today + dt.timedelta(days=days)}
    if days <= 0 or not is_workday(today):
        return set()
    found = set()
    count = 0
    day = today
    for _ in range(MAX_OFFSET_DAYS * 2):
        count += is_workday(day)
        day += dt.timedelta(days=1)
        if count == days:
            found.add(day)
        elif count > days:
            break
    return found


def dates_after(today: dt.date, days: int, *, working: bool) -> set[dt.date]:
    """The due dates D for which `today` is "`days` days after D" (see `dates_before`)."""
    if not working:
        return {today - dt.timedelta(days=days)}
    if days <= 0 or not is_workday(today):
        return set()
    found = set()
    count = 0
    day = today
    for _ in range(MAX_OFFSET_DAYS * 2):
        count += is_workday(day)
        day -= dt.timedelta(days=1)
        if count == days:
            found.add(day)
        elif count > days:
            break
    return found


def quiet_hours() -> tuple[dt.time, dt.time] | None:
    """(start, end) of the nightly pause from DUBAN_QUIET_HOURS ("21:00-08:00"), or None."""
    value = getattr(settings, "DUBAN_QUIET_HOURS", "")
    if not value:
        return None
    start, end = (dt.time.fromisoformat(part.strip()) for part in value.split("-"))
    return start, end


def is_quiet(moment: dt.datetime | None = None) -> bool:
    hours = quiet_hours()
    if hours is None:
        return False
    clock = timezone.localtime(moment or timezone.now()).time()
    start, end = hours
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end


def next_send_time(moment: dt.datetime | None = None) -> dt.datetime:
    """`moment` itself, or the end of the quiet hours it falls in."""
    moment = moment or timezone.now()
    if not is_quiet(moment):
        return moment
    _, end = quiet_hours()
    local = timezone.localtime(moment)
    candidate = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += dt.timedelta(days=1)
    return candidate
