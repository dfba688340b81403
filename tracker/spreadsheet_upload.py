"""Reading a filled-in progress template safely, and checking each row like the web form.

Before openpyxl sees a byte: the size, that it is a zip at all, the number of entries and
their uncompressed sizes and ratios (zip bombs), and that it has a workbook. openpyxl then
reads it read-only (defusedxml refuses XML entity bombs). Formulas are refused per cell;
a missing sheet, a missing or forged stamp, or changed headers refuse the whole file.
Every message is in Chinese and names the row and column.
"""

import io
import zipfile
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

import tracker.exports  # noqa: F401  (openpyxl without lxml; see tracker/exports/__init__.py)
from tracker.exports.template import (
    COLUMNS,
    EDITABLE_KEYS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    LETTER,
    META_SHEET,
    PROGRESS_BY_LABEL,
    SHEET_TITLE,
    read_stamp,
)

MAX_ZIP_ENTRIES = 200
MAX_COMPRESSION_RATIO = 200  # XML compresses well, but not by more than this
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
LABELS = {c.key: c.label for c in COLUMNS}


class UploadRefused(Exception):
    """The file as a whole cannot be read; the message says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class CellError:
    row: int
    column: str  # the column letter, e.g. "J"; "" for a whole-row problem
    field: str  # the column's label
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class UploadedRow:
    row: int
    task_id: int | None
    version: int
    values: dict  # editable key -> raw cell value
    formulas: list[str] = field(default_factory=list)  # keys of cells holding formulas


@dataclass
class UploadedSheet:
    unit_id: int
    period_id: int
    rows: list[UploadedRow]


def check_zip(data: bytes) -> None:
    """Refuse what is not a modest, well-formed xlsx zip before anything unpacks it."""
    if len(data) > settings.PROGRESS_UPLOAD_MAX_BYTES:
        raise UploadRefused(
            _("文件过大（%(size)d KB），上限为 %(limit)d KB。")
            % {"size": len(data) // 1024, "limit": settings.PROGRESS_UPLOAD_MAX_BYTES // 1024}
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UploadRefused(_("文件不是有效的 Excel（.xlsx）工作簿，请上传从本系统下载的模板。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(
            _("文件不是有效的 Excel（.xlsx）工作簿，请上传从本系统下载的模板。")
        ) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadRefused(_("工作簿内部文件过多，已拒绝。"))
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UploadRefused(_("工作簿已加密，请取消密码后再上传。"))
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if total > settings.PROGRESS_UPLOAD_MAX_UNZIPPED_BYTES or (
            entry.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO
        ):
            raise UploadRefused(_("文件解压后过大，可能是恶意文件（压缩炸弹），已拒绝。"))
    names = {entry.filename for entry in entries}
    if not all(part in names for part in REQUIRED_PARTS):
        raise UploadRefused(_("文件不是有效的 Excel（.xlsx）工作簿，请上传从本系统下载的模板。"))


def read_progress_workbook(data: bytes) -> UploadedSheet:
    """The template's stamp and rows, as written; raises UploadRefused for a bad file."""
    check_zip(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for broken parts; the clerk needs one message
        raise UploadRefused(_("无法读取该工作簿，文件可能已损坏，请重新下载模板填写。")) from None
    try:
        if SHEET_TITLE not in workbook.sheetnames:
            raise UploadRefused(
                _("未找到“%(sheet)s”工作表，请使用本系统下载的模板。") % {"sheet": SHEET_TITLE}
            )
        stamp = None
        if META_SHEET in workbook.sheetnames:
            for row in workbook[META_SHEET].iter_rows(
                min_row=1, max_row=1, max_col=1, values_only=True
            ):
                stamp = read_stamp(row[0])
        if stamp is None:
            raise UploadRefused(_("模板标记缺失或已被改动，请重新下载本单位本期的模板。"))
        sheet = workbook[SHEET_TITLE]
        rows = _read_rows(sheet)
    finally:
        workbook.close()
    return UploadedSheet(unit_id=stamp["unit"], period_id=stamp["period"], rows=rows)


def _read_rows(sheet) -> list[UploadedRow]:
    width = len(COLUMNS)
    header = next(
        sheet.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, max_col=width, values_only=True),
        (),
    )
    expected = [(c.label, _(c.label)) for c in COLUMNS]
    if len(header) < width or any(
        str(value or "").strip() not in names
        for value, names in zip(header, expected, strict=False)
    ):
        raise UploadRefused(_("表头与模板不一致，请勿增删或移动列，请重新下载模板填写。"))
    rows = []
    keys = [c.key for c in COLUMNS]
    for number, cells in enumerate(
        sheet.iter_rows(min_row=FIRST_DATA_ROW, max_col=width), start=FIRST_DATA_ROW
    ):
        if len(rows) >= settings.PROGRESS_UPLOAD_MAX_ROWS:
            raise UploadRefused(
                _("行数超过上限（%(limit)d行），请确认上传的是本单位的模板。")
                % {"limit": settings.PROGRESS_UPLOAD_MAX_ROWS}
            )
        by_key = {}
        formulas = []
        for key, cell in zip(keys, cells, strict=False):
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f" or (
                isinstance(value, str)
                and value.startswith("=")
                and key in EDITABLE_KEYS
                and getattr(cell, "data_type", None) != "s"
            ):
                formulas.append(key)
            by_key[key] = value
        if all(by_key.get(k) in (None, "") for k in keys):
            continue  # an empty row (Excel keeps formatted empty rows)
        task_id = by_key.get("task_id")
        try:
            task_id = int(task_id) if task_id not in (None, "") else None
        except (TypeError, ValueError):
            task_id = None
        try:
            version = int(by_key.get("version") or 0)
        except (TypeError, ValueError):
            version = -1
        rows.append(
            UploadedRow(
                row=number,
                task_id=task_id,
                version=version,
                values={k: by_key.get(k) for k in EDITABLE_KEYS},
                formulas=formulas,
            )
        )
    return rows


def row_form_class():
    """The form every uploaded row is validated with: the web report form itself."""
    from tracker.forms.reporting import ReportForm

    return ReportForm


def validate_row_values(values: dict, *, version: int) -> tuple[dict | None, list]:
    """Turn a row's raw cells into report data; errors as (key, message) pairs."""
    errors: list[tuple[str, str]] = []
    status_label = str(values.get("progress_status") or "").strip()
    status = PROGRESS_BY_LABEL.get(status_label)
    if status is None:
        if status_label:
            errors.append(("progress_status", _("进展状态须从下拉列表中选择。")))
        else:
            errors.append(("progress_status", _("请选择进展状态。")))
    percent = values.get("percent")
    if isinstance(percent, float) and percent.is_integer():
        percent = int(percent)
    if isinstance(percent, str):
        percent = percent.strip().rstrip("%").strip()
    data = {
        "progress_status": status or "",
        "percent": "" if percent is None else percent,
        "version": max(version, 0),
        **{
            key: "" if values.get(key) is None else str(values.get(key)).strip()
            for key in ("progress", "problems", "coordination", "next_steps")
        },
    }
    form = row_form_class()(data=data)
    if not form.is_valid():
        for key, messages in form.errors.items():
            if key == "progress_status" and status is None:
                continue  # already said in plain words
            for message in messages:
                errors.append((key if key in LABELS else "", message))
    if errors:
        return None, errors
    return {key: form.cleaned_data[key] for key in EDITABLE_KEYS}, []


def cell_error(row: int, key: str, message: str) -> CellError:
    return CellError(
        row=row,
        column=LETTER.get(key, ""),
        field=_(LABELS[key]) if key in LABELS else "",
        message=message,
    )
