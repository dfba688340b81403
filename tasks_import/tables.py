"""Reading `| … |` tables: a header row names the columns, data rows follow.

Two uses, both in ``parser``:

* a table that restates the body's tasks with a deadline column (聊政发〔2018〕61号 附件3:
  ``| 重点任务 | 序号 | 具体任务 | 建设目标 | 责任单位 | 完成时限 |``) gives each body task its
  deadline by 序号;
* a plan whose tasks exist only as table rows (plans from other places, pasted from a
  spreadsheet: ``| 序号 | 工作任务 | 责任领导 | 牵头单位 | 配合单位 | 完成时限 |``) gives one
  task per row.

A row whose 序号 cell is empty continues the row above (61号 L354–363: one task, ten rows, the
deadline only in the first). A row whose 序号 cell holds text that is not a number (a category
such as ``一、产业发展``) starts no task. Column names are matched by the words in
``TABLE_COLUMNS``, first word first, so ``具体任务`` wins over the category column ``重点任务``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasks_import.normalize import Line

# (role of the column, header words in order of preference). A header cell matches a word when
# it equals it or starts with it (完成时限（年月）).
TABLE_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("serial", ("序号", "编号")),
    (
        "task",
        (
            "工作任务",
            "具体任务",
            "主要任务",
            "任务内容",
            "工作内容",
            "工作措施",
            "任务措施",
            "具体措施",
            "重点工作",
            "主要工作",
            "工作事项",
            "重点任务",
            "任务",
        ),
    ),
    ("officials", ("责任领导", "牵头领导", "分管领导", "责任市领导", "市级领导", "包保领导")),
    ("lead", ("牵头单位", "牵头部门", "主办单位", "牵头责任单位")),
    ("cooperating", ("配合单位", "配合部门", "协办单位", "协同单位")),
    ("responsible", ("责任单位", "责任部门", "实施单位", "落实单位")),
    ("deadline", ("完成时限", "时限要求", "完成时间", "完成期限", "时间节点", "时限")),
    ("target", ("目标要求", "建设目标", "工作目标", "预期目标")),
)
# Roles whose cells name units or people: a continuation row adds to the list with 、.
LIST_ROLES = frozenset({"officials", "lead", "cooperating", "responsible"})
SERIAL_RE = re.compile(r"^\d{1,4}[.．、]?$")


@dataclass
class TableRow:
    """One logical row: its first physical row plus continuation rows."""

    serial: str  # "" when the table has no 序号 column
    cells: dict[str, list[str]] = field(default_factory=dict)  # role -> non-empty cells
    lines: list[int] = field(default_factory=list)  # original line numbers
    columns: frozenset[str] = frozenset()  # roles the table's header names

    def joined(self, role: str) -> str:
        separator = "、" if role in LIST_ROLES else "\n"
        parts: list[str] = []
        for cell in self.cells.get(role, []):
            if parts and parts[-1][-1:] in "、，,；;":  # the cell wrapped mid-list or mid-sentence
                parts[-1] += cell
            else:
                parts.append(cell)
        return separator.join(parts)


def split_cells(text: str) -> list[str]:
    """``| a | b |`` -> ["a", "b"] (outer pipes optional)."""
    text = text.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    return [cell.strip() for cell in text.split("|")]


def header_columns(cells: list[str]) -> dict[str, int]:
    """{role: column index} when ``cells`` is a header row naming two known columns, else {}."""
    columns: dict[str, int] = {}
    for role, words in TABLE_COLUMNS:
        best: tuple[int, int] | None = None  # (word rank, column)
        for index, cell in enumerate(cells):
            if index in columns.values():
                continue
            for rank, word in enumerate(words):
                if cell == word or (cell.startswith(word) and len(cell) <= len(word) + 8):
                    if best is None or rank < best[0]:
                        best = (rank, index)
                    break
        if best is not None:
            columns[role] = best[1]
    return columns if len(columns) >= 2 else {}


def read_rows(tables: list[list[Line]]) -> list[TableRow]:
    """Every data row of every table (continuation rows merged), in order."""
    rows: list[TableRow] = []
    for table in tables:
        columns: dict[str, int] = {}
        current: TableRow | None = None
        for line in table:
            cells = split_cells(line.text)
            header = header_columns(cells)
            if header:
                columns, current = header, None
                continue
            if not columns:
                continue
            values = {
                role: cells[index].strip()
                for role, index in columns.items()
                if index < len(cells) and cells[index].strip()
            }
            serial = values.pop("serial", "")
            if "serial" in columns:
                if serial and not SERIAL_RE.match(serial):
                    current = None  # a category row (一、产业发展): starts no task
                    continue
                starts_row = bool(serial)
            else:
                starts_row = "task" in values
            if starts_row or current is None:
                if not values and not serial:
                    continue
                current = TableRow(serial.rstrip(".．、"), columns=frozenset(columns))
                rows.append(current)
            for role, value in values.items():
                current.cells.setdefault(role, []).append(value)
            current.lines.extend(line.numbers)
    return rows
