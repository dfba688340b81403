"""Schedule status (进度状态) and traffic light (亮灯) of a task: computed, never typed.

One pure function decides; task pages, lists, reminders and Excel reports all call it
(or read the value it stored), so a task is never red on one page and green on another.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

# A task is "due soon" this many days before its deadline.
DUE_SOON_DAYS = 15
# Reported completion may trail elapsed time by this many percentage points before the
# task counts as behind the elapsed-time schedule (序时进度).
BEHIND_TOLERANCE_POINTS = 10


class ScheduleStatus(models.TextChoices):
    DONE = "done", _("已完成")
    OVERDUE = "overdue", _("逾期")
    DUE_SOON = "due_soon", _("临期")
    BEHIND = "behind", _("滞后序时进度")
    ON_TRACK = "on_track", _("正常推进")


class Light(models.TextChoices):
    RED = "red", _("红灯")
    YELLOW = "yellow", _("黄灯")
    GREEN = "green", _("绿灯")
    BLUE = "blue", _("蓝灯")


LIGHT_OF_STATUS = {
    ScheduleStatus.DONE: Light.BLUE,
    ScheduleStatus.OVERDUE: Light.RED,
    ScheduleStatus.DUE_SOON: Light.YELLOW,
    ScheduleStatus.BEHIND: Light.YELLOW,
    ScheduleStatus.ON_TRACK: Light.GREEN,
}


@dataclass(frozen=True)
class Schedule:
    status: ScheduleStatus
    light: Light
    elapsed_percent: int | None  # share of the time from start to deadline already used


def compute_schedule(
    *,
    today: dt.date,
    deadline_on: dt.date | None,
    start_on: dt.date | None,
    progress_status: str | None,
    percent: int | None,
) -> Schedule:
    """Decide a task's schedule status from its deadline and its latest progress report.

    `progress_status`/`percent` come from the latest consolidated report (None when no
    report exists). A task without a dated deadline can still be behind when its unit
    says so, but can never be overdue or due soon.
    """
    if progress_status == "done" or (percent or 0) >= 100:
        return _schedule(ScheduleStatus.DONE, None)
    elapsed = None
    if deadline_on is not None:
        if today > deadline_on:
            return _schedule(ScheduleStatus.OVERDUE, 100)
        if start_on is not None and start_on < deadline_on:
            total = (deadline_on - start_on).days
            used = min(max((today - start_on).days, 0), total)
            elapsed = round(100 * used / total)
        if (deadline_on - today).days <= DUE_SOON_DAYS:
            return _schedule(ScheduleStatus.DUE_SOON, elapsed)
    if progress_status == "behind":
        return _schedule(ScheduleStatus.BEHIND, elapsed)
    if elapsed is not None and (percent or 0) + BEHIND_TOLERANCE_POINTS < elapsed:
        return _schedule(ScheduleStatus.BEHIND, elapsed)
    return _schedule(ScheduleStatus.ON_TRACK, elapsed)


def _schedule(status: ScheduleStatus, elapsed: int | None) -> Schedule:
    return Schedule(status=status, light=LIGHT_OF_STATUS[status], elapsed_percent=elapsed)
