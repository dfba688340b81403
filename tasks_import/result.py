"""Plain data produced by the parser: no Django, no database.

Every stage of ``tasks_import`` speaks in these dataclasses. The saving layer
(``tasks_import.saving``) turns them into rows; ``to_json`` gives the shape that
``manage.py import_gazette --dry-run --json`` prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class Role:
    """How a unit is tied to a task (see docs/decisions.md for the mapping)."""

    LEAD = "lead"  # 牵头单位 / X牵头 / 牵头负责
    COOPERATING = "cooperating"  # 配合单位 / 责任单位 beside 牵头 / Y配合 / 会同
    IMPLEMENTING = "implementing"  # 负责落实 / 具体实施 / 分头落实
    RESPONSIBLE = "responsible"  # nothing marked lead: jointly responsible

    ALL = (LEAD, COOPERATING, IMPLEMENTING, RESPONSIBLE)


class DeadlineKind:
    """What kind of time limit a task carries; only DATE and YEAR_END have a date."""

    DATE = "date"  # 2018年12月底前 -> 2018-12-31
    YEAR_END = "year_end"  # 年底前 / 年内 -> 12-31 of the document's (or stated) year
    ONGOING = "ongoing"  # 长期坚持 / 持续推进
    RECURRING = "recurring"  # 每季度 / 每年7月底前 / 每月25日前
    RELATIVE = "relative"  # 2个工作日内 / 今明两年 / 利用三年时间
    HORIZON = "horizon"  # 到2025年 / bare years
    NONE = "none"  # nothing stated

    ALL = (DATE, YEAR_END, ONGOING, RECURRING, RELATIVE, HORIZON, NONE)


@dataclass
class UnitRef:
    """A unit (or unit group) as written in the text, with its role on one task."""

    name: str  # as written after normalisation, no abbreviation expansion
    role: str  # one of Role.ALL
    separately: bool = False  # 分别负责 / 分别实施: each unit separately responsible
    inferred: bool = False  # role not stated (e.g. first-listed of 责任单位 made default lead)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "role": self.role,
            "separately": self.separately,
            "inferred": self.inferred,
        }


@dataclass
class Deadline:
    """A task's time limit: a date only when the text states an end of period."""

    date: dt.date | None = None
    text: str | None = None  # the original wording, e.g. "2018年12月底前"
    kind: str = DeadlineKind.NONE
    milestones: list[dt.date] = field(default_factory=list)  # earlier dates in the same task
    suggested_date: dt.date | None = None  # flagged plan-year suggestion, never used silently

    def to_json(self) -> dict:
        return {
            "date": self.date.isoformat() if self.date else None,
            "text": self.text,
            "kind": self.kind,
        }


@dataclass
class ParsedTask:
    """One node of a document's task tree (sections and parents included)."""

    number: str  # outline path, e.g. "一.2.(2)"
    parent: str | None  # the parent's outline path, None at top level
    leaf: bool
    text: str  # the task's own text, normalised, without the assignment tags
    printed_number: str = ""  # the number as printed, e.g. "（2）" or "2."
    title: str = ""  # the heading part before the first 。 when the item has one
    lead_officials: list[str] = field(default_factory=list)
    units: list[UnitRef] = field(default_factory=list)
    deadline: Deadline = field(default_factory=Deadline)
    targets: list[str] = field(default_factory=list)
    source_lines: tuple[int, int] = (0, 0)  # 1-based inclusive line range in the input file

    def to_json(self) -> dict:
        return {
            "number": self.number,
            "parent": self.parent,
            "leaf": self.leaf,
            "text": self.text,
            "lead_officials": list(self.lead_officials),
            "units": [u.to_json() for u in self.units],
            "deadline": self.deadline.to_json(),
            "targets": list(self.targets),
            "source_lines": list(self.source_lines),
        }


@dataclass
class ParsedDocument:
    """A document of a gazette issue; plans carry tasks, other documents none."""

    doc_number: str | None  # 文号 such as 聊政发〔2018〕7号; None for a pasted excerpt
    title: str = ""
    issuer: str = ""
    signed_on: dt.date | None = None
    kind: str = ""  # 分工方案 / 实施方案 / 工作方案 / 实施意见 / 工作要点 / 通知 ...
    year: int | None = None
    # The place the issuer or title names first (聊城市, 潍坊市, 济南市); "" when none. Bare
    # names such as 市财政局 belong to this place: a plan from another city must not resolve
    # them to 聊城's units. Not part of to_json (the dry-run JSON shape is fixed by issue 3).
    place: str = ""
    source_lines: tuple[int, int] = (0, 0)
    source_text: str = ""  # the document's text in reading order, as shown beside the parse
    tasks: list[ParsedTask] = field(default_factory=list)

    @property
    def leaf_tasks(self) -> list[ParsedTask]:
        return [t for t in self.tasks if t.leaf]

    def to_json(self) -> dict:
        return {
            "doc_number": self.doc_number,
            "title": self.title,
            "issuer": self.issuer,
            "signed_on": self.signed_on.isoformat() if self.signed_on else None,
            "tasks": [t.to_json() for t in self.tasks],
        }


@dataclass
class ParseWarning:
    """Something a clerk should look at; the parser warns instead of raising."""

    doc_number: str | None
    line: int | None
    message: str
    code: str = ""  # stable machine key, e.g. "task_without_units", "open_unit_list"

    def to_json(self) -> dict:
        return {"doc_number": self.doc_number, "line": self.line, "message": self.message}


@dataclass
class ParseResult:
    """Everything parsed from one input text."""

    documents: list[ParsedDocument] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    gazette_year: int | None = None
    gazette_issue: int | None = None  # 第2期
    gazette_cumulative: int | None = None  # 总第179期

    def to_json(self) -> dict:
        return {
            "documents": [d.to_json() for d in self.documents],
            "warnings": [w.to_json() for w in self.warnings],
        }
