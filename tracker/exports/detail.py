"""The detail sheet of the supervision workbook: one row per task, grouped by plan sections.

序号 | 任务内容 | 牵头领导 | 牵头单位 | 配合单位 | 完成时限 | 本期进展情况 | 存在问题 |
下步打算 | 状态 | 亮灯 | 报送时间 — streamed row by row (constant memory).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.exports.rows import ReportInfo, TaskRow, format_datetime
from tracker.exports.xlsx import RowWriter, Styles, set_up_page, write_title

DETAIL_COLUMNS = [
    (gettext_lazy("序号"), 6),
    (gettext_lazy("任务内容"), 48),
    (gettext_lazy("牵头领导"), 10),
    (gettext_lazy("牵头单位"), 16),
    (gettext_lazy("配合单位"), 22),
    (gettext_lazy("完成时限"), 12),
    (gettext_lazy("本期进展情况"), 44),
    (gettext_lazy("存在问题"), 24),
    (gettext_lazy("下步打算"), 24),
    (gettext_lazy("状态"), 10),
    (gettext_lazy("亮灯"), 7),
    (gettext_lazy("报送时间"), 17),
]
HEADER_ROW = 2  # rows 0–1 are the title and the subtitle
FIRST_DATA_ROW = 3


class DetailSheet:
    """Writes the detail sheet; call `add(row)` for each task in plan order."""

    def __init__(
        self,
        workbook,
        styles: Styles,
        *,
        name: str,
        title: str,
        subtitle: str,
        documents: dict[int, str] | None = None,
    ):
        self.sheet = workbook.add_worksheet(name)
        self.styles = styles
        # With several plans, a merged row names each plan before its tasks.
        self.documents = documents if documents and len(documents) > 1 else None
        last = len(DETAIL_COLUMNS) - 1
        self.last_column = last
        for index, (_label, width) in enumerate(DETAIL_COLUMNS):
            self.sheet.set_column(index, index, width)
        write_title(self.sheet, styles, title=title, subtitle=subtitle, last_column=last)
        self.sheet.set_row(HEADER_ROW, 30)
        for index, (label, _width) in enumerate(DETAIL_COLUMNS):
            self.sheet.write_string(HEADER_ROW, index, str(label), styles.header)
        set_up_page(
            self.sheet,
            header_rows=FIRST_DATA_ROW,
            columns=len(DETAIL_COLUMNS),
            title_rows=(HEADER_ROW, HEADER_ROW),
        )
        self.row = FIRST_DATA_ROW
        self.index = 0
        self.document_id = None
        self.section_pk = None
        self.unreported = _("未报送")
        self.rows = RowWriter(self.sheet, len(DETAIL_COLUMNS))

    def add(self, task: TaskRow, report: ReportInfo | None | bool = True) -> None:
        """Write a task; `report` defaults to the task's consolidated report."""
        sheet, styles = self.sheet, self.styles
        if self.documents is not None and task.document_id != self.document_id:
            sheet.merge_range(
                self.row,
                0,
                self.row,
                self.last_column,
                self.documents.get(task.document_id, ""),
                styles.document,
            )
            self.row += 1
            self.section_pk = None
        self.document_id = task.document_id
        section = task.section
        if section is not None and section.pk != self.section_pk:
            sheet.merge_range(
                self.row, 0, self.row, self.last_column, section.label, styles.section
            )
            self.row += 1
        self.section_pk = section.pk if section is not None else None
        self.index += 1
        if report is True:
            report = task.consolidated_report
        text, center = styles.text, styles.center
        if report is not None:
            progress, problems, next_steps = report.progress, report.problems, report.next_steps
            submitted = format_datetime(report.submitted_at)
        else:
            progress, problems, next_steps, submitted = self.unreported, "", "", ""
        self.rows.write(
            self.row,
            (
                (self.index, styles.number),
                (task.text, text),
                (task.official_names, center),
                (task.lead_units, text),
                (task.cooperating_units, text),
                (task.deadline, center),
                (progress, text),
                (problems, text),
                (next_steps, text),
                (task.status_label, center),
                (task.light_label, styles.light.get(task.light, center)),
                (submitted, center),
            ),
        )
        self.row += 1


def build_detail_workbook(
    path, *, tasks, period, title: str, subtitle: str, on_progress=None, tmpdir=None
) -> int:
    """A workbook holding only the detail sheet (the benchmark measures this); rows written."""
    from tracker.exports.rows import iter_task_rows
    from tracker.exports.xlsx import open_workbook

    workbook = open_workbook(path, tmpdir=tmpdir)
    sheet = DetailSheet(workbook, Styles(workbook), name=_("明细"), title=title, subtitle=subtitle)
    for task in iter_task_rows(tasks, period=period, prefetch=True, on_chunk=on_progress):
        sheet.add(task)
    workbook.close()
    return sheet.index
