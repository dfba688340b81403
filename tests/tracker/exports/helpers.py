"""Reading generated workbooks back in tests."""

import io


def read_workbook(data):
    from openpyxl import load_workbook

    if isinstance(data, (bytes, bytearray)):
        data = io.BytesIO(data)
    return load_workbook(data)


def merged(sheet) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}
