"""The fast row writer writes what XlsxWriter's own cell API would have written."""

import pytest
import xlsxwriter

from tests.tracker.exports.helpers import read_workbook
from tracker.exports.xlsx import WORKBOOK_OPTIONS, RowWriter

TRICKY = [
    7,
    2.5,
    "普通文字",
    "  前后空格  ",
    'a & b < c > d "引号"',
    "控制\x01字符\x1f",
    "换行\n和\t制表",
    "_x0041_ 不是转义",
    "=SUM(A1:A2)",
    "",
    None,
]


def build(path, fast: bool):
    book = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    sheet = book.add_worksheet("s")
    bold = book.add_format({"bold": True, "font_name": "仿宋"})
    sheet.write_string(0, 0, "标题", bold)
    if fast:
        writer = RowWriter(sheet, len(TRICKY))
        writer.write(1, [(value, bold) for value in TRICKY])
        writer.write(2, [(value, None) for value in TRICKY])
    else:
        for row, cell_format in ((1, bold), (2, None)):
            for col, value in enumerate(TRICKY):
                if isinstance(value, str):
                    sheet.write_string(row, col, value, cell_format)
                elif value is None:
                    sheet.write_blank(row, col, None, cell_format)
                else:
                    sheet.write_number(row, col, value, cell_format)
    sheet.merge_range(3, 0, 3, 3, "之后的合并行", bold)
    book.close()
    return read_workbook(path.read_bytes())["s"]


def test_it_writes_the_same_cells_as_xlsxwriter(tmp_path):
    fast = build(tmp_path / "fast.xlsx", True)
    slow = build(tmp_path / "slow.xlsx", False)
    for row in (1, 2, 3, 4):
        assert [c.value for c in fast[row]] == [c.value for c in slow[row]]
        assert [c.font.b for c in fast[row]] == [c.font.b for c in slow[row]]
    assert fast["A2"].value == 7 and fast["I2"].value == "=SUM(A1:A2)"
    assert fast["I2"].data_type == "s"
    assert fast["E2"].value == 'a & b < c > d "引号"'
    assert fast["D2"].value == "  前后空格  "
    assert fast.max_row == 4 and fast.max_column == len(TRICKY)
    assert {str(r) for r in fast.merged_cells.ranges} == {"A4:D4"}


def test_it_refuses_rows_out_of_order(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), WORKBOOK_OPTIONS)
    writer = RowWriter(book.add_worksheet(), 2)
    writer.write(5, [("a", None), ("b", None)])
    with pytest.raises(ValueError, match="in order"):
        writer.write(4, [("c", None), ("d", None)])
    book.close()
