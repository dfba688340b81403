"""The progress template a clerk fills offline: one row per task of the unit (openpyxl).

Key columns (task id, report version) are hidden and locked, the sheet is protected with
only the yellow columns editable, the status column offers a drop-down list, and a very
hidden sheet carries a signed stamp naming the unit and period.
"""

import dataclasses

from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.models import ProgressReport

SHEET_TITLE = "进展填报"
META_SHEET = "duban"
STAMP_SALT = "duban.progress-template"
TEMPLATE_VERSION = 1
HEADER_ROW = 3
FIRST_DATA_ROW = 4
TITLE_FONT, BODY_FONT = "黑体", "仿宋"


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    editable: bool = False
    hidden: bool = False


# The layout is the contract between the template and the upload reader: change both.
COLUMNS = [
    Column("task_id", gettext_noop("任务ID"), 8, hidden=True),
    Column("version", gettext_noop("版本"), 6, hidden=True),
    Column("index", gettext_noop("序号"), 6),
    Column("number", gettext_noop("编号"), 10),
    Column("text", gettext_noop("任务内容"), 50),
    Column("role", gettext_noop("角色"), 10),
    Column("deadline", gettext_noop("完成时限"), 12),
    Column("report_status", gettext_noop("报告状态"), 12),
    Column("progress_status", gettext_noop("进展状态"), 12, editable=True),
    Column("percent", gettext_noop("完成百分比"), 10, editable=True),
    Column("progress", gettext_noop("进展情况"), 44, editable=True),
    Column("problems", gettext_noop("存在问题"), 26, editable=True),
    Column("coordination", gettext_noop("需协调事项"), 22, editable=True),
    Column("next_steps", gettext_noop("下步打算"), 26, editable=True),
]
EDITABLE_KEYS = [c.key for c in COLUMNS if c.editable]
LETTER = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
PROGRESS_BY_LABEL = {str(label): value for value, label in ProgressReport.Progress.choices}
PROGRESS_LABEL = {value: label for label, value in PROGRESS_BY_LABEL.items()}


@dataclasses.dataclass
class TemplateRow:
    task_id: int
    number: str
    text: str
    role: str
    deadline: str
    report: ProgressReport | None


def make_stamp(*, unit_id: int, period_id: int) -> str:
    return signing.dumps(
        {"v": TEMPLATE_VERSION, "unit": unit_id, "period": period_id}, salt=STAMP_SALT
    )


def read_stamp(value) -> dict | None:
    try:
        data = signing.loads(str(value or ""), salt=STAMP_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("v") != TEMPLATE_VERSION:
        return None
    return data


def build_progress_template(stream, *, unit, period, rows: list[TemplateRow]) -> None:
    """Write the template for `unit` and `period` to a binary stream."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    body = Font(name=BODY_FONT, size=11)
    header_font = Font(name=TITLE_FONT, size=12, bold=True)
    grey = PatternFill("solid", fgColor="D9D9D9")
    yellow = PatternFill("solid", fgColor="FFF2CC")
    last = get_column_letter(len(COLUMNS))

    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = _("%(unit)s%(period)s重点任务进展情况填报表") % {
        "unit": unit.name,
        "period": str(period),
    }
    sheet["A1"].font = Font(name=TITLE_FONT, size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 32
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = _(
        "填写说明：只能填写黄色列；进展状态请从下拉列表选择；完成百分比填0到100的整数；"
        "请勿增删行列或修改灰色列。填好后在系统“上传进展表格”页面上传，确认后才会保存。"
    )
    sheet["A2"].font = Font(name=BODY_FONT, size=11, color="C00000")
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[2].height = 36

    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=_(column.label))
        cell.font = header_font
        cell.fill = yellow if column.editable else grey
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        dimension.hidden = column.hidden

    unlocked = Protection(locked=False)
    for offset, row in enumerate(rows):
        r = FIRST_DATA_ROW + offset
        report = row.report
        values = {
            "task_id": row.task_id,
            "version": report.version if report else 0,
            "index": offset + 1,
            "number": row.number,
            "text": row.text,
            "role": row.role,
            "deadline": row.deadline,
            "report_status": report.get_status_display() if report else _("未填报"),
            "progress_status": PROGRESS_LABEL.get(report.progress_status, "") if report else "",
            "percent": report.percent if report else None,
            "progress": report.progress if report else "",
            "problems": report.problems if report else "",
            "coordination": report.coordination if report else "",
            "next_steps": report.next_steps if report else "",
        }
        for index, column in enumerate(COLUMNS, start=1):
            value = values[column.key]
            cell = sheet.cell(row=r, column=index, value=value if value != "" else None)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it starts with "="
            cell.font = body
            cell.border = border
            cell.alignment = wrap
            if column.editable:
                cell.protection = unlocked
                cell.fill = yellow

    end = FIRST_DATA_ROW + max(len(rows), 1) - 1
    status_list = DataValidation(
        type="list",
        formula1='"' + ",".join(PROGRESS_BY_LABEL) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("进展状态"),
        error=_("请从下拉列表中选择进展状态。"),
    )
    status_list.add(f"{LETTER['progress_status']}{FIRST_DATA_ROW}:{LETTER['progress_status']}{end}")
    percent_range = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("完成百分比"),
        error=_("请填写0到100的整数。"),
    )
    percent_range.add(f"{LETTER['percent']}{FIRST_DATA_ROW}:{LETTER['percent']}{end}")
    sheet.add_data_validation(status_list)
    sheet.add_data_validation(percent_range)

    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    sheet.protection.sheet = True
    sheet.protection.formatRows = False  # clerks may make rows taller to read long text
    sheet.protection.formatColumns = False
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.oddFooter.center.text = _("第 &P 页，共 &N 页")

    meta = workbook.create_sheet(META_SHEET)
    meta["A1"] = make_stamp(unit_id=unit.pk, period_id=period.pk)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    workbook.save(stream)
