"""The ledger (台账) of a plan: every task with every period's report side by side."""

import datetime as dt
from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.exports.rows import PROGRESS_LABELS, format_date, iter_task_rows
from tracker.exports.xlsx import Styles, open_workbook, set_up_page, write_title
from tracker.models import Document, ReportingPeriod, Task

FIXED_COLUMNS = [
    (gettext_lazy("序号"), 6),
    (gettext_lazy("任务内容"), 44),
    (gettext_lazy("牵头领导"), 10),
    (gettext_lazy("牵头单位"), 16),
    (gettext_lazy("配合单位"), 20),
    (gettext_lazy("完成时限"), 12),
    (gettext_lazy("状态"), 10),
    (gettext_lazy("亮灯"), 7),
]
PERIOD_COLUMNS = [
    (gettext_lazy("进展状态"), 10),
    (gettext_lazy("进展情况"), 36),
    (gettext_lazy("存在问题"), 22),
]
GROUP_ROW, HEADER_ROW, FIRST_DATA_ROW = 2, 3, 4


def ledger_periods(document: Document, today: dt.date) -> list[ReportingPeriod]:
    """The plan's periods so far (its cadence, from its year) and any with reports on it."""
    return list(
        ReportingPeriod.objects.filter(
            Q(cadence=document.reporting_cadence, year__gte=document.year, starts_on__lte=today)
            | Q(reports__task__document=document)
        )
        .distinct()
        .order_by("starts_on", "cadence")
    )


def build_ledger(
    path,
    *,
    document: Document,
    tasks: QuerySet[Task],
    periods: list[ReportingPeriod],
    today: dt.date,
    on_progress: Callable[[int], None] | None = None,
    tmpdir=None,
) -> int:
    """Write the ledger of `tasks` (the plan's leaf tasks the user may see); rows written."""
    workbook = open_workbook(path, tmpdir=tmpdir)
    styles = Styles(workbook)
    sheet = workbook.add_worksheet(_("台账"))
    fixed = len(FIXED_COLUMNS)
    last = fixed + len(PERIOD_COLUMNS) * len(periods) - 1
    for index, (_label, width) in enumerate(FIXED_COLUMNS):
        sheet.set_column(index, index, width)
    for p_index in range(len(periods)):
        for offset, (_label, width) in enumerate(PERIOD_COLUMNS):
            col = fixed + p_index * len(PERIOD_COLUMNS) + offset
            sheet.set_column(col, col, width)
    write_title(
        sheet,
        styles,
        title=_("《%(title)s》工作台账") % {"title": document.title},
        subtitle=_("文号：%(number)s　导出日期：%(date)s")
        % {"number": document.doc_number or "—", "date": format_date(today)},
        last_column=last,
    )
    sheet.merge_range(GROUP_ROW, 0, GROUP_ROW, fixed - 1, _("任务基本情况"), styles.header)
    for p_index, period in enumerate(periods):
        first = fixed + p_index * len(PERIOD_COLUMNS)
        sheet.merge_range(
            GROUP_ROW, first, GROUP_ROW, first + len(PERIOD_COLUMNS) - 1, str(period), styles.header
        )
    sheet.set_row(HEADER_ROW, 30)
    for index, (label, _width) in enumerate(FIXED_COLUMNS):
        sheet.write_string(HEADER_ROW, index, str(label), styles.header)
    for p_index in range(len(periods)):
        for offset, (label, _width) in enumerate(PERIOD_COLUMNS):
            sheet.write_string(
                HEADER_ROW,
                fixed + p_index * len(PERIOD_COLUMNS) + offset,
                str(label),
                styles.header,
            )
    set_up_page(
        sheet, header_rows=FIRST_DATA_ROW, columns=last + 1, title_rows=(GROUP_ROW, HEADER_ROW)
    )
    sheet.freeze_panes(FIRST_DATA_ROW, 2)

    row = FIRST_DATA_ROW
    section_pk = None
    index = 0
    text, center = styles.text, styles.center
    for task in iter_task_rows(tasks, periods=periods, prefetch=True, on_chunk=on_progress):
        if task.section is not None and task.section.pk != section_pk:
            sheet.merge_range(row, 0, row, last, task.section.label, styles.section)
            row += 1
        section_pk = task.section.pk if task.section is not None else None
        index += 1
        sheet.write_number(row, 0, index, styles.number)
        sheet.write_string(row, 1, task.text, text)
        sheet.write_string(row, 2, task.official_names, center)
        sheet.write_string(row, 3, task.lead_units, text)
        sheet.write_string(row, 4, task.cooperating_units, text)
        sheet.write_string(row, 5, task.deadline, center)
        sheet.write_string(row, 6, task.status_label, center)
        sheet.write_string(row, 7, task.light_label, styles.light.get(task.light, center))
        for p_index, period in enumerate(periods):
            col = fixed + p_index * len(PERIOD_COLUMNS)
            report = task.reports.get(period.pk)
            if report is None:
                sheet.write_string(row, col, _("未报送"), center)
                sheet.write_blank(row, col + 1, None, text)
                sheet.write_blank(row, col + 2, None, text)
                continue
            status = str(PROGRESS_LABELS.get(report.progress_status, report.progress_status))
            sheet.write_string(row, col, f"{status} {report.percent}%", center)
            sheet.write_string(row, col + 1, report.progress, text)
            sheet.write_string(row, col + 2, report.problems, text)
        row += 1
    workbook.close()
    return index
