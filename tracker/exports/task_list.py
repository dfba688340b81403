""" "Download what I see": the task list's filtered rows as xlsx or csv."""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.exports.rows import PROGRESS_LABELS, TaskRow, format_date, iter_task_rows
from tracker.exports.xlsx import RowWriter, Styles, open_workbook, set_up_page, write_title
from tracker.models import Document, Task

COLUMNS = [
    (gettext_lazy("序号"), 6),
    (gettext_lazy("文号"), 18),
    (gettext_lazy("编号"), 10),
    (gettext_lazy("任务内容"), 50),
    (gettext_lazy("牵头领导"), 10),
    (gettext_lazy("牵头单位"), 16),
    (gettext_lazy("配合单位"), 22),
    (gettext_lazy("完成时限"), 12),
    (gettext_lazy("状态"), 10),
    (gettext_lazy("亮灯"), 7),
    (gettext_lazy("最新报告进展"), 10),
    (gettext_lazy("完成比例"), 8),
]
FIRST_DATA_ROW = 3
# A cell starting with one of these is a formula to Excel when a CSV is opened.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def document_labels(tasks: QuerySet[Task]) -> dict[int, str]:
    return {
        pk: number or title
        for pk, number, title in Document.objects.filter(
            pk__in=tasks.values("document_id")
        ).values_list("pk", "doc_number", "title")
    }


def _values(index: int, task: TaskRow, documents: dict[int, str]) -> list:
    progress = PROGRESS_LABELS.get(task.reported_progress, task.reported_progress)
    return [
        index,
        documents.get(task.document_id, ""),
        task.number,
        task.text,
        task.official_names,
        task.lead_units,
        task.cooperating_units,
        task.deadline,
        task.status_label,
        task.light_label,
        str(progress),
        "" if task.reported_percent is None else f"{task.reported_percent}%",
    ]


def build_task_list_xlsx(
    path,
    *,
    tasks: QuerySet[Task],
    description: str,
    today: dt.date,
    on_progress: Callable[[int], None] | None = None,
    tmpdir=None,
) -> int:
    """Write the tasks as a styled sheet; `description` says which filter produced them."""
    workbook = open_workbook(path, tmpdir=tmpdir)
    styles = Styles(workbook)
    sheet = workbook.add_worksheet(_("任务清单"))
    last = len(COLUMNS) - 1
    for index, (_label, width) in enumerate(COLUMNS):
        sheet.set_column(index, index, width)
    write_title(
        sheet,
        styles,
        title=_("重点任务清单"),
        subtitle=_("%(filter)s　导出日期：%(date)s")
        % {"filter": description, "date": format_date(today)},
        last_column=last,
    )
    for index, (label, _width) in enumerate(COLUMNS):
        sheet.write_string(2, index, str(label), styles.header)
    set_up_page(sheet, header_rows=FIRST_DATA_ROW, columns=len(COLUMNS), title_rows=(2, 2))
    documents = document_labels(tasks)
    row = FIRST_DATA_ROW
    centered = {0, 1, 2, 4, 7, 8, 10, 11}
    formats = [
        styles.number if col == 0 else styles.center if col in centered else styles.text
        for col in range(len(COLUMNS))
    ]
    writer = RowWriter(sheet, len(COLUMNS))
    for task in iter_task_rows(
        tasks, with_sections=False, keep_order=True, prefetch=True, on_chunk=on_progress
    ):
        values = _values(row - FIRST_DATA_ROW + 1, task, documents)
        cells = list(zip(values, formats, strict=True))
        cells[9] = (values[9], styles.light.get(task.light, styles.center))
        writer.write(row, cells)
        row += 1
    if row > FIRST_DATA_ROW:
        sheet.autofilter(2, 0, row - 1, last)
    workbook.close()
    return row - FIRST_DATA_ROW


def csv_safe(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection): prefix them with an apostrophe."""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def iter_task_list_csv(tasks: QuerySet[Task]) -> Iterator[bytes]:
    """The same rows as CSV, streamed: UTF-8 with a BOM so Excel shows the Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(label) for label, _width in COLUMNS])
    yield "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    documents = document_labels(tasks)
    buffer.seek(0)
    buffer.truncate()
    for index, task in enumerate(
        iter_task_rows(tasks, with_sections=False, keep_order=True), start=1
    ):
        writer.writerow([csv_safe(v) for v in _values(index, task, documents)])
        if index % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
