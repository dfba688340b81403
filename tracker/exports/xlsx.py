"""The house layout of Duban's generated workbooks (XlsxWriter, constant_memory).

Titles and headers in 黑体, body text in 仿宋, wrapped; traffic-light fills; A3 landscape
with the header row repeated on every printed page and page numbers in the footer.
"""

import re

import xlsxwriter
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

from tracker.schedule import Light

TITLE_FONT = "黑体"
BODY_FONT = "仿宋"

# Fill (background) and font colour of the 亮灯 cell.
LIGHT_COLOURS = {
    Light.RED: ("#FF0000", "#FFFFFF"),
    Light.YELLOW: ("#FFFF00", "#000000"),
    Light.GREEN: ("#00B050", "#FFFFFF"),
    Light.BLUE: ("#00B0F0", "#FFFFFF"),
}

A3_PAPER = 8  # Excel's paper size code for A3
# Strings are always strings: a task text starting with "=" must never become a formula.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "use_zip64": True,
}


def open_workbook(path, *, tmpdir=None) -> xlsxwriter.Workbook:
    options = dict(WORKBOOK_OPTIONS)
    if tmpdir:
        options["tmpdir"] = str(tmpdir)
    return xlsxwriter.Workbook(str(path), options)


class Styles:
    """The formats of one workbook (XlsxWriter formats belong to their workbook)."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        add = workbook.add_format
        border = {"border": 1, "border_color": "#000000"}
        self.title = add(
            {
                "font_name": TITLE_FONT,
                "font_size": 18,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        self.subtitle = add(
            {"font_name": BODY_FONT, "font_size": 12, "align": "center", "valign": "vcenter"}
        )
        self.header = add(
            {
                "font_name": TITLE_FONT,
                "font_size": 12,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#D9D9D9",
                **border,
            }
        )
        self.editable_header = add(
            {
                "font_name": TITLE_FONT,
                "font_size": 12,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#FFF2CC",
                **border,
            }
        )
        self.document = add(
            {
                "font_name": TITLE_FONT,
                "font_size": 13,
                "bold": True,
                "align": "left",
                "valign": "vcenter",
                "bg_color": "#BDD7EE",
                **border,
            }
        )
        self.section = add(
            {
                "font_name": TITLE_FONT,
                "font_size": 12,
                "align": "left",
                "valign": "vcenter",
                "bg_color": "#F2F2F2",
                **border,
            }
        )
        self.text = add(
            {
                "font_name": BODY_FONT,
                "font_size": 11,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "left",
                **border,
            }
        )
        self.center = add(
            {
                "font_name": BODY_FONT,
                "font_size": 11,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
                **border,
            }
        )
        self.number = add(
            {
                "font_name": BODY_FONT,
                "font_size": 11,
                "valign": "vcenter",
                "align": "center",
                **border,
            }
        )
        self.percent = add(
            {
                "font_name": BODY_FONT,
                "font_size": 11,
                "valign": "vcenter",
                "align": "center",
                "num_format": "0.0%",
                **border,
            }
        )
        self.paragraph = add(
            {
                "font_name": BODY_FONT,
                "font_size": 14,
                "text_wrap": True,
                "valign": "top",
                "align": "left",
            }
        )
        self.caption = add(
            {"font_name": TITLE_FONT, "font_size": 13, "bold": True, "valign": "vcenter"}
        )
        self.light = {
            light: add(
                {
                    "font_name": BODY_FONT,
                    "font_size": 11,
                    "bold": True,
                    "align": "center",
                    "valign": "vcenter",
                    "bg_color": fill,
                    "font_color": font,
                    **border,
                }
            )
            for light, (fill, font) in LIGHT_COLOURS.items()
        }


def set_up_page(sheet, *, header_rows: int, columns: int, title_rows: tuple[int, int]):
    """A3 landscape, fit to one page wide, header rows repeated, 第 N 页 in the footer."""
    sheet.set_paper(A3_PAPER)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.repeat_rows(*title_rows)
    sheet.set_footer("&C" + _("第 &P 页，共 &N 页"))
    if header_rows:
        sheet.freeze_panes(header_rows, 0)


def write_title(sheet, styles: Styles, *, title: str, subtitle: str, last_column: int) -> None:
    """Rows 1–2: the merged title and the merged line under it (period, date)."""
    sheet.set_row(0, 36)
    sheet.merge_range(0, 0, 0, last_column, title, styles.title)
    sheet.set_row(1, 22)
    sheet.merge_range(1, 0, 1, last_column, subtitle, styles.subtitle)


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the book."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "Sheet"
    candidate = cleaned[:31]
    counter = 2
    while candidate.lower() in taken:
        suffix = f"({counter})"
        candidate = cleaned[: 31 - len(suffix)] + suffix
        counter += 1
    taken.add(candidate.lower())
    return candidate


class RowWriter:
    """Writes whole data rows of a constant_memory worksheet as XML in one go.

    XlsxWriter's cell API keeps bookkeeping for every cell (a cell object, dimension checks,
    a per-row table) that a streamed export writes once and forgets; on 100,000 × 12 cells
    that cost more than reading the rows from the database. This writes each row's XML
    straight into the sheet's row file, escaped by XlsxWriter's own functions, so the file
    is what XlsxWriter would have written. It touches XlsxWriter internals (`fh`,
    `previous_row`, `_write_single_row`, `_check_dimensions`): XlsxWriter is pinned, and
    every test reads the sheets back with openpyxl. Titles, merged rows and headers still
    go through the public API; never mix both in one row.
    """

    def __init__(self, sheet, columns: int):
        if not sheet.constant_memory:
            raise ValueError("RowWriter needs a constant_memory worksheet")
        self.sheet = sheet
        self.letters = [xl_col_to_name(col) for col in range(columns)]
        self.last = columns - 1
        self.styles: dict[int, str] = {}

    def _style(self, cell_format) -> str:
        key = id(cell_format)
        style = self.styles.get(key)
        if style is None:
            style = self.styles[key] = f' s="{cell_format._get_xf_index()}"'
        return style

    def write(self, row: int, cells) -> None:
        """`cells`: (value, format) pairs from column A; value str, int, float or None."""
        sheet = self.sheet
        if row < sheet.previous_row:
            raise ValueError("rows must be written in order")
        sheet._write_single_row(row)  # flush a row written through the public API
        sheet._check_dimensions(row, 0)
        sheet._check_dimensions(row, self.last)
        number = row + 1
        parts = [f'<row r="{number}">']
        append = parts.append
        for letter, (value, cell_format) in zip(self.letters, cells, strict=False):
            style = self._style(cell_format) if cell_format is not None else ""
            if isinstance(value, str):
                if _NEEDS_ESCAPING.search(value):  # rare: most text needs no escaping
                    value = _escape_data(_escape_control_characters(value))
                preserve = (
                    ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
                )
                append(
                    f'<c r="{letter}{number}"{style} t="inlineStr"><is><t{preserve}>{value}'
                    f"</t></is></c>"
                )
            elif value is None:
                append(f'<c r="{letter}{number}"{style}/>')
            else:
                append(f'<c r="{letter}{number}"{style}><v>{value:.16G}</v></c>')
        append("</row>")
        sheet.fh.write("".join(parts))
        sheet.previous_row = row


# Anything XlsxWriter would escape: XML specials, control characters, literal _xHHHH_.
_NEEDS_ESCAPING = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_escape_control_characters = XMLwriter._escape_control_characters
_escape_data = XMLwriter._escape_data.__get__(XMLwriter())
