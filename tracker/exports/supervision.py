"""The quarterly supervision workbook (督查通报): summary, detail and missing/late sheets.

One pass over the tasks in chunks writes the detail rows (into one sheet, or one sheet
per unit or per official) and the missing/late rows, and adds up the figures; the
summary sheet, first in the book, is written last from those figures.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.exports.detail import DetailSheet
from tracker.exports.rows import (
    REPORT_STATE_LABELS,
    STATUS_LABELS,
    UnitDirectory,
    classify_report,
    format_date,
    format_datetime,
    iter_task_rows,
)
from tracker.exports.xlsx import Styles, open_workbook, safe_sheet_name, set_up_page, write_title
from tracker.models import Assignment, Document, ReportingPeriod, Task, TaskOfficial
from tracker.schedule import Light, ScheduleStatus

VARIANTS = ("combined", "by_unit", "by_official")
STATUS_ORDER = [
    ScheduleStatus.DONE,
    ScheduleStatus.ON_TRACK,
    ScheduleStatus.DUE_SOON,
    ScheduleStatus.BEHIND,
    ScheduleStatus.OVERDUE,
]
LIGHT_ORDER = [Light.RED, Light.YELLOW, Light.GREEN, Light.BLUE]
BEHIND_STATUSES = (ScheduleStatus.BEHIND, ScheduleStatus.OVERDUE)


@dataclass
class UnitFigures:
    unit_id: int
    name: str
    led: int = 0
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    returned: int = 0
    done: int = 0
    behind: int = 0

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.expected if self.expected else 0.0


@dataclass
class OfficialFigures:
    official_id: int
    name: str
    position: str
    tasks: int = 0
    statuses: Counter = field(default_factory=Counter)
    missing: int = 0

    @property
    def done_rate(self) -> float:
        return self.statuses[ScheduleStatus.DONE] / self.tasks if self.tasks else 0.0


@dataclass
class Figures:
    """What the summary sheet and the 通报 paragraph say."""

    total: int = 0
    statuses: Counter = field(default_factory=Counter)
    lights: Counter = field(default_factory=Counter)
    reports: Counter = field(default_factory=Counter)  # on_time / late / missing / returned
    units: dict[int, UnitFigures] = field(default_factory=dict)
    officials: dict[int, OfficialFigures] = field(default_factory=dict)

    @property
    def done_rate(self) -> float:
        return self.statuses[ScheduleStatus.DONE] / self.total if self.total else 0.0

    @property
    def expected_reports(self) -> int:
        return sum(self.reports.values())

    def ranked_units(self) -> list[UnitFigures]:
        """Best first: on-time rate, then tasks done, then fewest behind, then name."""
        return sorted(
            self.units.values(),
            key=lambda u: (-u.on_time_rate, -u.done, u.behind, u.name),
        )

    def ranked_officials(self) -> list[OfficialFigures]:
        return sorted(self.officials.values(), key=lambda o: (-o.tasks, o.name))


def percent_text(value: float) -> str:
    return f"{value * 100:.1f}%"


def opening_paragraph(
    figures: Figures, *, scope: str, period: ReportingPeriod, today: dt.date
) -> str:
    """The first paragraph of the 通报, generated from the figures."""
    s = figures.statuses
    text = _(
        "截至%(date)s，%(scope)s共%(total)d项任务中，已完成%(done)d项，正常推进%(on_track)d项，"
        "临期%(due_soon)d项，滞后序时进度%(behind)d项，逾期%(overdue)d项，完成率%(rate)s。"
    ) % {
        "date": format_date(today),
        "scope": scope,
        "total": figures.total,
        "done": s[ScheduleStatus.DONE],
        "on_track": s[ScheduleStatus.ON_TRACK],
        "due_soon": s[ScheduleStatus.DUE_SOON],
        "behind": s[ScheduleStatus.BEHIND],
        "overdue": s[ScheduleStatus.OVERDUE],
        "rate": percent_text(figures.done_rate),
    }
    r = figures.reports
    text += _(
        "%(period)s应报送进展情况%(expected)d份，按时报送%(on_time)d份，逾期报送%(late)d份，"
        "被退回%(returned)d份，未报送%(missing)d份。"
    ) % {
        "period": str(period),
        "expected": figures.expected_reports,
        "on_time": r["on_time"],
        "late": r["late"],
        "returned": r["returned"],
        "missing": r["missing"],
    }
    laggards = sorted(
        (u for u in figures.units.values() if u.missing),
        key=lambda u: (-u.missing, u.name),
    )[:5]
    if laggards:
        text += _("未报送较多的单位：%(units)s。") % {
            "units": "、".join(f"{u.name}（{u.missing}份）" for u in laggards)
        }
    return text


def supervision_scope(documents: list[Document]) -> str:
    if len(documents) == 1:
        return f"《{documents[0].title}》"
    return _("%(count)d个方案") % {"count": len(documents)}


def build_supervision_workbook(
    path,
    *,
    tasks: QuerySet[Task],
    period: ReportingPeriod,
    documents: list[Document],
    variant: str = "combined",
    today: dt.date,
    on_progress: Callable[[int], None] | None = None,
    tmpdir=None,
) -> Figures:
    """Write the workbook for `tasks` (leaf tasks of `documents`) to `path`."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    workbook = open_workbook(path, tmpdir=tmpdir)
    styles = Styles(workbook)
    names: set[str] = set()
    plan_titles = "、".join(d.doc_number or d.title for d in documents)
    title = _("%(scope)s重点任务督查通报") % {"scope": supervision_scope(documents)}
    subtitle = _("报送周期：%(period)s　文件：%(plans)s　统计日期：%(date)s") % {
        "period": str(period),
        "plans": plan_titles,
        "date": format_date(today),
    }
    document_labels = {d.pk: str(d) for d in documents}
    summary = workbook.add_worksheet(safe_sheet_name(_("汇总"), names))
    directory = UnitDirectory()
    figures = Figures()

    detail_sheets: dict[int, DetailSheet] = {}
    single_detail = None
    if variant == "combined":
        single_detail = DetailSheet(
            workbook,
            styles,
            name=safe_sheet_name(_("明细"), names),
            title=title,
            subtitle=subtitle,
            documents=document_labels,
        )
    elif variant == "by_unit":
        unit_ids = _units_in_scope(tasks, directory)
        for unit_id in sorted(unit_ids, key=lambda pk: directory.names.get(pk, "")):
            unit_name = directory.names.get(unit_id, "")
            detail_sheets[unit_id] = DetailSheet(
                workbook,
                styles,
                name=safe_sheet_name(unit_name, names),
                title=f"{title}（{unit_name}）",
                subtitle=subtitle,
                documents=document_labels,
            )
    else:
        officials = (
            TaskOfficial.objects.filter(task__in=tasks.values("pk"))
            .values_list("official_id", "official__name")
            .distinct()
            .order_by("official__name", "official_id")
        )
        for official_id, official_name in officials:
            detail_sheets[official_id] = DetailSheet(
                workbook,
                styles,
                name=safe_sheet_name(official_name, names),
                title=f"{title}（{official_name}）",
                subtitle=subtitle,
                documents=document_labels,
            )
    missing = MissingSheet(
        workbook,
        styles,
        name=safe_sheet_name(_("缺报迟报"), names),
        title=_("%(period)s进展情况缺报迟报名单") % {"period": str(period)},
        subtitle=subtitle,
        period=period,
        today=today,
    )

    for task in iter_task_rows(
        tasks, period=period, directory=directory, prefetch=True, on_chunk=on_progress
    ):
        if single_detail is not None:
            single_detail.add(task)
        elif variant == "by_unit":
            for unit_id in task.units:
                report = task.reports.get(unit_id)
                detail_sheets[unit_id].add(task, report if report and report.counts else None)
        else:
            for official_id, _name, _position in task.officials:
                detail_sheets[official_id].add(task)
        _add_up(figures, task, period, directory, missing)

    missing.finish()
    write_summary(
        summary,
        styles,
        figures,
        title=title,
        subtitle=subtitle,
        paragraph=opening_paragraph(
            figures, scope=supervision_scope(documents), period=period, today=today
        ),
    )
    workbook.close()
    return figures


def _units_in_scope(tasks, directory: UnitDirectory) -> set[int]:
    unit_ids: set[int] = set()
    for unit_id, group_id in (
        Assignment.objects.filter(task__in=tasks.values("pk"))
        .values_list("unit_id", "group_id")
        .distinct()
    ):
        if unit_id:
            unit_ids.add(unit_id)
        elif group_id:
            unit_ids.update(directory.members.get(group_id, []))
    return unit_ids


def _add_up(figures: Figures, task, period, directory: UnitDirectory, missing) -> None:
    figures.total += 1
    figures.statuses[task.schedule_status] += 1
    figures.lights[task.light] += 1
    for unit_id, (role, consolidates) in task.units.items():
        unit = figures.units.get(unit_id)
        if unit is None:
            unit = figures.units[unit_id] = UnitFigures(unit_id, directory.names.get(unit_id, ""))
        report = task.reports.get(unit_id)
        state = classify_report(report, period)
        figures.reports[state] += 1
        unit.expected += 1
        setattr(unit, state, getattr(unit, state) + 1)
        if role == Assignment.Role.LEAD or consolidates:
            unit.led += 1
            unit.done += task.schedule_status == ScheduleStatus.DONE
            unit.behind += task.schedule_status in BEHIND_STATUSES
        if state != "on_time":
            missing.add(unit.name, task, role, state, report)
    reported = task.consolidated_report is not None
    for official_id, name, position in task.officials:
        official = figures.officials.get(official_id)
        if official is None:
            official = figures.officials[official_id] = OfficialFigures(official_id, name, position)
        official.tasks += 1
        official.statuses[task.schedule_status] += 1
        official.missing += not reported


ROLE_LABELS = dict(Assignment.Role.choices)

MISSING_COLUMNS = [
    (gettext_lazy("序号"), 6),
    (gettext_lazy("单位"), 22),
    (gettext_lazy("任务内容"), 60),
    (gettext_lazy("角色"), 10),
    (gettext_lazy("情况"), 12),
    (gettext_lazy("报送时间"), 17),
    (gettext_lazy("逾期天数"), 10),
]


class MissingSheet:
    """Reports not filed on time: missing, late or returned, one row per unit and task."""

    def __init__(self, workbook, styles: Styles, *, name, title, subtitle, period, today):
        self.sheet = workbook.add_worksheet(name)
        self.styles = styles
        self.period = period
        self.today = today
        columns = [(str(label), width) for label, width in MISSING_COLUMNS]
        for index, (_label, width) in enumerate(columns):
            self.sheet.set_column(index, index, width)
        write_title(
            self.sheet, styles, title=title, subtitle=subtitle, last_column=len(columns) - 1
        )
        for index, (label, _width) in enumerate(columns):
            self.sheet.write_string(2, index, label, styles.header)
        set_up_page(self.sheet, header_rows=3, columns=len(columns), title_rows=(2, 2))
        self.row = 3
        self.labels = {key: str(value) for key, value in REPORT_STATE_LABELS.items()}

    def add(self, unit_name, task, role, state, report) -> None:
        sheet, styles, row = self.sheet, self.styles, self.row
        if state == "late" and report is not None and report.submitted_at:
            days = (timezone.localtime(report.submitted_at).date() - self.period.due_on).days
        elif state == "missing":
            days = max((self.today - self.period.due_on).days, 0)
        else:
            days = None
        sheet.write_number(row, 0, row - 2, styles.number)
        sheet.write_string(row, 1, unit_name, styles.text)
        sheet.write_string(row, 2, task.text, styles.text)
        sheet.write_string(row, 3, str(ROLE_LABELS.get(role, role)), styles.center)
        sheet.write_string(row, 4, self.labels[state], styles.center)
        sheet.write_string(
            row, 5, format_datetime(report.submitted_at if report else None), styles.center
        )
        if days is None:
            sheet.write_blank(row, 6, None, styles.number)
        else:
            sheet.write_number(row, 6, days, styles.number)
        self.row += 1

    def finish(self) -> None:
        if self.row > 3:
            self.sheet.autofilter(2, 0, self.row - 1, len(MISSING_COLUMNS) - 1)


SUMMARY_LAST_COLUMN = 9


def write_summary(sheet, styles: Styles, figures: Figures, *, title, subtitle, paragraph):
    """The summary sheet: the 通报 paragraph, then status, light, unit and official tables."""
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, SUMMARY_LAST_COLUMN, 12)
    write_title(sheet, styles, title=title, subtitle=subtitle, last_column=SUMMARY_LAST_COLUMN)
    sheet.set_row(2, 150)
    sheet.merge_range(2, 0, 2, SUMMARY_LAST_COLUMN, paragraph, styles.paragraph)
    row = 4

    def caption(text):
        nonlocal row
        sheet.merge_range(row, 0, row, SUMMARY_LAST_COLUMN, text, styles.caption)
        row += 1

    def header(labels):
        nonlocal row
        for col, label in enumerate(labels):
            sheet.write_string(row, col, str(label), styles.header)
        row += 1

    caption(_("一、任务进展总体情况"))
    header([_("序号"), _("进度状态"), _("任务数"), _("占比")])
    for index, status in enumerate(STATUS_ORDER, start=1):
        count = figures.statuses[status]
        sheet.write_number(row, 0, index, styles.number)
        sheet.write_string(row, 1, str(STATUS_LABELS[status]), styles.text)
        sheet.write_number(row, 2, count, styles.number)
        sheet.write_number(row, 3, count / figures.total if figures.total else 0, styles.percent)
        row += 1
    sheet.write_blank(row, 0, None, styles.number)
    sheet.write_string(row, 1, _("合计"), styles.text)
    sheet.write_number(row, 2, figures.total, styles.number)
    sheet.write_number(row, 3, 1 if figures.total else 0, styles.percent)
    row += 2

    header([_("序号"), _("亮灯"), _("任务数"), _("占比")])
    for index, light in enumerate(LIGHT_ORDER, start=1):
        count = figures.lights[light]
        sheet.write_number(row, 0, index, styles.number)
        sheet.write_string(row, 1, str(Light(light).label), styles.light[light])
        sheet.write_number(row, 2, count, styles.number)
        sheet.write_number(row, 3, count / figures.total if figures.total else 0, styles.percent)
        row += 1
    row += 1

    caption(_("二、各单位报送及进展情况（按按时报送率排名）"))
    header(
        [
            _("排名"),
            _("单位"),
            _("牵头任务"),
            _("应报送"),
            _("按时报送"),
            _("逾期报送"),
            _("未报送"),
            _("被退回"),
            _("已完成"),
            _("滞后"),
        ]
    )
    for rank, unit in enumerate(figures.ranked_units(), start=1):
        sheet.write_number(row, 0, rank, styles.number)
        sheet.write_string(row, 1, unit.name, styles.text)
        for col, value in enumerate(
            [
                unit.led,
                unit.expected,
                unit.on_time,
                unit.late,
                unit.missing,
                unit.returned,
                unit.done,
                unit.behind,
            ],
            start=2,
        ):
            sheet.write_number(row, col, value, styles.number)
        row += 1
    row += 1

    caption(_("三、牵头领导分管任务情况"))
    header(
        [
            _("领导"),
            _("职务"),
            _("牵头任务"),
            _("已完成"),
            _("正常推进"),
            _("临期"),
            _("滞后序时进度"),
            _("逾期"),
            _("未报送"),
            _("完成率"),
        ]
    )
    for official in figures.ranked_officials():
        s = official.statuses
        sheet.write_string(row, 0, official.name, styles.center)
        sheet.write_string(row, 1, official.position, styles.text)
        for col, value in enumerate(
            [
                official.tasks,
                s[ScheduleStatus.DONE],
                s[ScheduleStatus.ON_TRACK],
                s[ScheduleStatus.DUE_SOON],
                s[ScheduleStatus.BEHIND],
                s[ScheduleStatus.OVERDUE],
                official.missing,
            ],
            start=2,
        ):
            sheet.write_number(row, col, value, styles.number)
        sheet.write_number(row, 9, official.done_rate, styles.percent)
        row += 1
    set_up_page(sheet, header_rows=0, columns=SUMMARY_LAST_COLUMN + 1, title_rows=(0, 1))
