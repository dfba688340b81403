"""Reading export rows from the database in chunks, as plain values.

A task queryset (already filtered and access-checked by the caller) is read with a
server-side cursor; for every chunk of tasks a fixed number of queries fetch their lead
officials, assignments, sections and (for a period) reports. Memory holds one chunk.
"""

import datetime as dt
import itertools
import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import (
    Assignment,
    ProgressReport,
    ReportingPeriod,
    Task,
    TaskOfficial,
    Unit,
    UnitGroup,
)
from tracker.schedule import Light, ScheduleStatus

LEAD_ROLES = (Assignment.Role.LEAD, Assignment.Role.RESPONSIBLE)
COUNTED_STATUSES = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)
STATUS_LABELS = dict(ScheduleStatus.choices)
LIGHT_LABELS = dict(Light.choices)
PROGRESS_LABELS = dict(ProgressReport.Progress.choices)

TASK_FIELDS = (
    "pk",
    "document_id",
    "parent_id",
    "number",
    "text",
    "deadline_on",
    "deadline_text",
    "schedule_status",
    "light",
    "reported_progress",
    "reported_percent",
)


@dataclass(slots=True)
class ReportInfo:
    """One unit's report on a task for the period being exported."""

    unit_id: int
    is_consolidated: bool
    status: str
    progress_status: str
    percent: int
    progress: str
    problems: str
    next_steps: str
    submitted_at: dt.datetime | None
    version: int

    @property
    def counts(self) -> bool:
        return self.status in COUNTED_STATUSES


@dataclass(slots=True)
class Section:
    """A top-level heading of a plan (一、…) under which its tasks are grouped."""

    pk: int
    label: str


@dataclass(slots=True)
class TaskRow:
    """Everything an export prints about one task."""

    pk: int
    document_id: int
    number: str
    text: str
    deadline_on: dt.date | None
    deadline_text: str
    schedule_status: str
    light: str
    reported_progress: str
    reported_percent: int | None
    status_label: str = ""
    light_label: str = ""
    section: Section | None = None
    officials: list[tuple[int, str, str]] = field(default_factory=list)  # (id, name, position)
    assignments: list[tuple[str, str, int | None, int | None, bool]] = field(default_factory=list)
    # expected reporting units: unit id -> (role, consolidates)
    units: dict[int, tuple[str, bool]] = field(default_factory=dict)
    reports: dict[int, ReportInfo] = field(default_factory=dict)

    @property
    def official_names(self) -> str:
        return "、".join(name for _id, name, _pos in self.officials)

    @property
    def lead_units(self) -> str:
        return "、".join(name for role, name, *_ in self.assignments if role in LEAD_ROLES)

    @property
    def cooperating_units(self) -> str:
        cooperating = [n for r, n, *_ in self.assignments if r == Assignment.Role.COOPERATING]
        implementing = [n for r, n, *_ in self.assignments if r == Assignment.Role.IMPLEMENTING]
        text = "、".join(cooperating)
        if implementing:
            text += ("；" if text else "") + str(_("负责落实：")) + "、".join(implementing)
        return text

    @property
    def deadline(self) -> str:
        if self.deadline_text:
            return self.deadline_text
        if self.deadline_on:
            return f"{self.deadline_on.year}年{self.deadline_on.month}月{self.deadline_on.day}日"
        return ""

    @property
    def consolidated_report(self) -> ReportInfo | None:
        """The report that speaks for the task: the consolidating unit's, once filed."""
        candidates = [r for r in self.reports.values() if r.is_consolidated and r.counts]
        return candidates[0] if candidates else None


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"


def format_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


class UnitDirectory:
    """Unit names and group members, read once per export (hundreds of rows, not tasks)."""

    def __init__(self):
        self.names = {
            pk: short or name
            for pk, name, short in Unit.objects.values_list("pk", "name", "short_name")
        }
        self.members: dict[int, list[int]] = {}
        through = UnitGroup.members.through
        for group_id, unit_id in through.objects.values_list("unitgroup_id", "unit_id"):
            self.members.setdefault(group_id, []).append(unit_id)


def iter_task_rows(
    tasks: QuerySet[Task],
    *,
    period: ReportingPeriod | None = None,
    periods: list[ReportingPeriod] | None = None,
    directory: UnitDirectory | None = None,
    chunk_size: int | None = None,
    with_sections: bool = True,
    keep_order: bool = False,
    prefetch: bool = False,
    on_chunk: Callable[[int], None] | None = None,
) -> Iterator[TaskRow]:
    """Yield the tasks as TaskRows in plan order, a chunk of queries per `chunk_size` tasks.

    With `period`, each row carries the reports of that period; with `periods` (the
    ledger), the consolidated reports of all of them keyed by (period id) in `reports`.
    With `keep_order` the queryset's own ordering is kept (it must be deterministic).
    With `prefetch`, a thread reads the next chunks while the caller writes this one
    (only outside a transaction: the thread has its own connection and would not see
    uncommitted rows). `on_chunk(n)` is called after each chunk with the rows done so far.
    """
    chunks = _iter_chunks(
        tasks,
        period=period,
        periods=periods,
        directory=directory,
        chunk_size=chunk_size or settings.EXPORT_CHUNK_SIZE,
        with_sections=with_sections,
        keep_order=keep_order,
    )
    if prefetch and not connection.in_atomic_block:
        chunks = _prefetched(chunks)
    done = 0
    for rows in chunks:
        yield from rows
        done += len(rows)
        if on_chunk is not None:
            on_chunk(done)


_END = object()


def _prefetched(chunks: Iterator[list[TaskRow]], depth: int = 2) -> Iterator[list[TaskRow]]:
    """Run a chunk iterator in a thread, `depth` chunks ahead (bounded memory)."""
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce():
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        buffer.put(chunk, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_END)
        except BaseException as error:  # handed to the consumer, raised there
            buffer.put(error)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=produce, name="export-prefetch", daemon=True)
    thread.start()
    try:
        while (item := buffer.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=10)


def _ids_in(ids: list[int]):
    """`IN (…)` over many ids as ONE parameter (an array / JSON text), not thousands:
    binding thousands of placeholders cost more than the query itself."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def _iter_chunks(tasks, *, period, periods, directory, chunk_size, with_sections, keep_order):
    if not keep_order:  # plan order; a list export keeps the list's own sort
        tasks = tasks.order_by("document_id", "order", "pk")
    ordered = tasks.values_list(*TASK_FIELDS)
    section_cache: dict[int, dict[int, tuple[int | None, str]]] = {}
    status_labels = {key: str(label) for key, label in STATUS_LABELS.items()}
    light_labels = {key: str(label) for key, label in LIGHT_LABELS.items()}
    for chunk in _chunks(ordered.iterator(chunk_size=chunk_size), chunk_size):
        rows = [
            TaskRow(
                pk=pk,
                document_id=document_id,
                number=number,
                text=text,
                deadline_on=deadline_on,
                deadline_text=deadline_text,
                schedule_status=schedule_status,
                light=light,
                reported_progress=reported_progress,
                reported_percent=reported_percent,
                status_label=status_labels.get(schedule_status, schedule_status),
                light_label=light_labels.get(light, light),
            )
            for (
                pk,
                document_id,
                _parent,
                number,
                text,
                deadline_on,
                deadline_text,
                schedule_status,
                light,
                reported_progress,
                reported_percent,
            ) in chunk
        ]
        by_pk = {row.pk: row for row in rows}
        ids = _ids_in(list(by_pk))
        for task_id, official_id, name, position in (
            TaskOfficial.objects.filter(task_id__in=ids)
            .order_by("task_id", "order", "pk")
            .values_list("task_id", "official_id", "official__name", "official__position")
        ):
            by_pk[task_id].officials.append((official_id, name, position))
        for task_id, role, written, unit_id, group_id, consolidates in (
            Assignment.objects.filter(task_id__in=ids)
            .order_by("task_id", "order", "pk")
            .values_list("task_id", "role", "written_name", "unit_id", "group_id", "consolidates")
        ):
            row = by_pk[task_id]
            row.assignments.append((role, written, unit_id, group_id, consolidates))
            if directory is not None:
                members = [unit_id] if unit_id else directory.members.get(group_id, [])
                for member in members:
                    known_role, known_cons = row.units.get(member, (role, False))
                    row.units[member] = (known_role, known_cons or consolidates)
        if period is not None:
            for report in _reports(ids, [period.pk]):
                by_pk[report[0]].reports[report[2]] = _report_info(report)
        if periods:
            for report in _reports(ids, [p.pk for p in periods], consolidated_only=True):
                info = _report_info(report)
                if info.counts:
                    by_pk[report[0]].reports[report[1]] = info
        if with_sections:
            _attach_sections(chunk, by_pk, section_cache)
        yield rows


def _reports(task_ids, period_ids, *, consolidated_only=False):
    reports = ProgressReport.objects.filter(task_id__in=task_ids, period_id__in=period_ids)
    if consolidated_only:
        reports = reports.filter(is_consolidated=True)
    return reports.values_list(
        "task_id",
        "period_id",
        "unit_id",
        "is_consolidated",
        "status",
        "progress_status",
        "percent",
        "progress",
        "problems",
        "next_steps",
        "submitted_at",
        "version",
    )


def _report_info(values) -> ReportInfo:
    _task, _period, *rest = values
    return ReportInfo(*rest)


def _attach_sections(chunk, by_pk, cache) -> None:
    """Set each row's section: its top-level ancestor in the plan (one query per new plan)."""
    new_documents = {values[1] for values in chunk} - cache.keys()
    if new_documents:
        for document_id in new_documents:
            cache[document_id] = {}
        for pk, document_id, parent_id, printed, title, text in Task.objects.filter(
            document_id__in=new_documents, is_leaf=False
        ).values_list("pk", "document_id", "parent_id", "printed_number", "title", "text"):
            label = f"{printed}{title or text[:60]}".strip()
            cache[document_id][pk] = (parent_id, label)
    for stale in cache.keys() - {values[1] for values in chunk}:
        del cache[stale]  # tasks come in plan order: a plan never comes back
    for pk, document_id, parent_id, *_rest in chunk:
        parents = cache[document_id]
        top = parent_id
        seen = 0
        while top is not None and parents.get(top, (None,))[0] is not None and seen < 20:
            top = parents[top][0]
            seen += 1
        if top is not None and top in parents:
            by_pk[pk].section = Section(pk=top, label=parents[top][1])


def classify_report(report: ReportInfo | None, period: ReportingPeriod) -> str:
    """on_time / late / returned / missing for one expected report."""
    if report is None or report.status == ProgressReport.Status.DRAFT:
        return "missing"
    if report.status == ProgressReport.Status.RETURNED:
        return "returned"
    if report.submitted_at and timezone.localtime(report.submitted_at).date() > period.due_on:
        return "late"
    return "on_time"


REPORT_STATE_LABELS = {
    "on_time": _("按时报送"),
    "late": _("逾期报送"),
    "returned": _("已退回"),
    "missing": _("未报送"),
}
