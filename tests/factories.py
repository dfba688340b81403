"""Small builders for test data. Tests build what they need in code; seeds are importer input."""

import datetime as dt
import itertools

from tracker.models import (
    Assignment,
    Document,
    Official,
    Profile,
    ReportingPeriod,
    Task,
    TaskOfficial,
    Unit,
    UnitGroup,
)
from tracker.services.accounts import create_account

_sequence = itertools.count(1)

PASSWORD = "correct-horse-battery-42"


def make_unit(name: str | None = None, **fields) -> Unit:
    n = next(_sequence)
    name = name or f"测试单位{n}"
    fields.setdefault("short_name", name)
    fields.setdefault("code", f"u{n}")
    return Unit.objects.create(name=name, **fields)


def make_group(name: str, members=(), **fields) -> UnitGroup:
    group = UnitGroup.objects.create(name=name, code=f"g{next(_sequence)}", **fields)
    group.members.set(members)
    return group


def make_official(name: str = "郭建民", **fields) -> Official:
    fields.setdefault("code", f"o{next(_sequence)}")
    fields.setdefault("position", "副市长")
    return Official.objects.create(name=name, **fields)


def make_document(doc_number: str | None = None, *, year: int = 2018, **fields) -> Document:
    n = next(_sequence)
    if doc_number is None:
        doc_number = f"聊政发〔{year}〕{n}号"
    fields.setdefault("title", f"测试方案{n}")
    fields.setdefault("kind", Document.Kind.DIVISION_PLAN)
    return Document.objects.create(doc_number=doc_number, year=year, **fields)


def make_task(document: Document | None = None, number: str | None = None, **fields) -> Task:
    document = document or make_document()
    n = next(_sequence)
    fields.setdefault("text", f"测试任务内容{n}。")
    fields.setdefault("order", n)
    return Task.objects.create(document=document, number=number or str(n), **fields)


def assign(task: Task, unit: Unit, role: str = Assignment.Role.LEAD, **fields) -> Assignment:
    fields.setdefault("written_name", unit.short_name or unit.name)
    fields.setdefault("consolidates", role == Assignment.Role.LEAD)
    return Assignment.objects.create(task=task, unit=unit, role=role, **fields)


def lead_official(task: Task, official: Official, order: int = 0) -> TaskOfficial:
    return TaskOfficial.objects.create(task=task, official=official, order=order)


def make_user(username: str | None = None, role: str = Profile.Role.CLERK, units=(), **fields):
    username = username or f"user{next(_sequence)}"
    fields.setdefault("email", f"{username}@example.gov.cn")
    return create_account(
        acting_user=None,
        username=username,
        role=role,
        password=PASSWORD,
        units=tuple(units),
        **fields,
    )


def make_period(year: int = 2018, index: int = 1, **fields) -> ReportingPeriod:
    start = dt.date(year, 3 * (index - 1) + 1, 1)
    end_month = 3 * index
    end = dt.date(year + (end_month == 12), end_month % 12 + 1, 1) - dt.timedelta(days=1)
    fields.setdefault("due_on", end + dt.timedelta(days=5))
    return ReportingPeriod.objects.create(
        cadence="quarterly", year=year, index=index, starts_on=start, ends_on=end, **fields
    )


# --- reporting ------------------------------------------------------------------------------
def make_report(task: Task, unit: Unit, period: ReportingPeriod, **fields):
    """A report row as the services would leave it (for tests that start mid-flow)."""
    from tracker.models import ProgressReport

    fields.setdefault("is_consolidated", True)
    fields.setdefault("progress", "按计划推进。")
    fields.setdefault("percent", 50)
    fields.setdefault("progress_status", ProgressReport.Progress.ON_TRACK)
    return ProgressReport.objects.create(task=task, unit=unit, period=period, **fields)
