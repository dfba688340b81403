"""The thin layer that saves a ParseResult into the responsibility matrix.

Idempotent: a document is found again by its 文号 (or, for a pasted excerpt without one,
by title and year) and updated in place; tasks are matched by outline number; what
changed is reported. One transaction per document. Writes are bulk, level by level of
the task tree, so the number of queries does not grow with the number of tasks.

Names are resolved with the pure resolver (tasks_import.registry) built from the live
registry; a name it does not know is saved as a proposal (an Assignment with neither
unit nor group), never as a new unit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from tasks_import.registry import Registry
from tasks_import.result import ParsedDocument, ParsedTask, ParseResult
from tracker import audit
from tracker.models import (
    Assignment,
    Document,
    GazetteIssue,
    Official,
    ProgressReport,
    SourceFile,
    Task,
    TaskOfficial,
    Unit,
    UnitGroup,
)
from tracker.selectors import registry_data

# Parsed document kind (the plan's own word) → Document.Kind.
DOCUMENT_KIND_BY_WORD = {
    "分工方案": Document.Kind.DIVISION_PLAN,
    "实施方案": Document.Kind.IMPLEMENTATION_PLAN,
    "工作方案": Document.Kind.WORK_PLAN,
    "实施意见": Document.Kind.IMPLEMENTATION_OPINION,
    "工作要点": Document.Kind.WORK_POINTS,
    "措施": Document.Kind.MEASURES,
    "立法工作计划": Document.Kind.LEGISLATIVE_PLAN,
    "通知": Document.Kind.NOTICE,
}

TASK_FIELDS = [
    "parent_id",
    "printed_number",
    "title",
    "text",
    "targets",
    "is_leaf",
    "order",
    "deadline_on",
    "deadline_text",
    "deadline_kind",
    "suggested_deadline_on",
    "source_line_start",
    "source_line_end",
]


@dataclass
class DocumentChange:
    """What one document's import did."""

    doc_number: str | None
    title: str
    created: bool
    tasks_added: list[str] = field(default_factory=list)
    tasks_updated: list[str] = field(default_factory=list)
    tasks_removed: list[str] = field(default_factory=list)
    tasks_kept_with_reports: list[str] = field(default_factory=list)
    assignments_added: int = 0
    assignments_removed: int = 0
    document_id: int | None = None

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.tasks_added
            or self.tasks_updated
            or self.tasks_removed
            or self.assignments_added
            or self.assignments_removed
        )

    def to_json(self) -> dict:
        return {
            "doc_number": self.doc_number,
            "title": self.title,
            "document_id": self.document_id,
            "created": self.created,
            "changed": self.changed,
            "tasks_added": self.tasks_added,
            "tasks_updated": self.tasks_updated,
            "tasks_removed": self.tasks_removed,
            "tasks_kept_with_reports": self.tasks_kept_with_reports,
            "assignments_added": self.assignments_added,
            "assignments_removed": self.assignments_removed,
        }


@dataclass
class ImportOverrides:
    """A clerk's fixes from the preview.

    units: a name as written → "unit:<id>" or "group:<id>" (applies wherever it occurs).
    roles: "<doc_number>|<task number>|<unit index>" → role.
    """

    units: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict | None) -> ImportOverrides:
        data = data or {}
        return cls(units=dict(data.get("units", {})), roles=dict(data.get("roles", {})))


def role_override_key(doc_number: str | None, task_number: str, index: int) -> str:
    return f"{doc_number or ''}|{task_number}|{index}"


def live_registry() -> Registry:
    """The resolver over the database's registry (falls back to the fixture when empty)."""
    if Unit.objects.exists():
        return Registry.from_dict(registry_data())
    return Registry.load_default()


def save_parse_result(
    result: ParseResult,
    *,
    acting_user,
    source_name: str = "",
    overrides: ImportOverrides | None = None,
    registry: Registry | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    original_text: str | None = None,
) -> list[DocumentChange]:
    """Save every document of `result`; one transaction per document.

    `original_text` is the file as imported: kept once (by hash) so each task's line
    numbers can show the exact source lines later.
    """
    registry = registry or live_registry()
    overrides = overrides or ImportOverrides()
    lookup = _RowLookup.build()
    issue = _gazette_issue(result, source_name)
    source_file = _source_file(original_text, source_name) if original_text else None
    changes = []
    total = len(result.documents)
    for index, parsed in enumerate(result.documents, start=1):
        changes.append(
            save_document(
                parsed,
                acting_user=acting_user,
                source_name=source_name,
                issue=issue,
                overrides=overrides,
                registry=registry,
                lookup=lookup,
                source_file=source_file,
            )
        )
        if on_progress:
            on_progress(index, total)
    return changes


def _source_file(text: str, name: str) -> SourceFile:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    source, _ = SourceFile.objects.get_or_create(
        sha256=digest, defaults={"name": name[:255], "text": text}
    )
    return source


def _gazette_issue(result: ParseResult, source_name: str) -> GazetteIssue | None:
    if not (result.gazette_year and result.gazette_issue):
        return None
    issue, _ = GazetteIssue.objects.update_or_create(
        year=result.gazette_year,
        number=result.gazette_issue,
        title="聊城市人民政府公报",
        defaults={"cumulative_number": result.gazette_cumulative, "source_name": source_name},
    )
    return issue


@dataclass
class _RowLookup:
    """Registry keys → database ids, read once per import."""

    unit_ids: dict[str, int]
    group_ids: dict[str, int]
    official_ids: dict[str, int]

    @classmethod
    def build(cls) -> _RowLookup:
        def keyed(model, prefix):
            return {
                (code or f"{prefix}-{pk}"): pk
                for pk, code in model.objects.values_list("pk", "code")
            }

        return cls(keyed(Unit, "unit"), keyed(UnitGroup, "group"), keyed(Official, "official"))


@transaction.atomic
def save_document(
    parsed: ParsedDocument,
    *,
    acting_user,
    source_name: str,
    issue: GazetteIssue | None,
    overrides: ImportOverrides,
    registry: Registry,
    lookup: _RowLookup,
    source_file: SourceFile | None = None,
) -> DocumentChange:
    registry = registry.for_place(parsed.place)
    document, created = _upsert_document(parsed, source_name, issue, source_file)
    change = DocumentChange(parsed.doc_number, parsed.title, created, document_id=document.pk)
    existing = {task.number: task for task in document.tasks.all()}
    saved = _save_task_tree(document, parsed.tasks, existing, change)
    _remove_vanished_tasks(document, parsed, existing, change)
    _save_assignments(document, parsed, saved, overrides, registry, lookup, change)
    audit.record(
        actor=acting_user,
        action="document.import" if created else "document.reimport",
        obj=document,
        after=change.to_json(),
    )
    return change


def _upsert_document(
    parsed: ParsedDocument, source_name: str, issue, source_file
) -> tuple[Document, bool]:
    year = parsed.year or (parsed.signed_on.year if parsed.signed_on else timezone.localdate().year)
    values = {
        "title": parsed.title[:500] or (parsed.doc_number or "未命名文件"),
        "issuer": parsed.issuer[:200],
        "signed_on": parsed.signed_on,
        "year": year,
        "kind": DOCUMENT_KIND_BY_WORD.get(parsed.kind, Document.Kind.OTHER),
        "gazette_issue": issue,
        "source_name": source_name[:255],
        "source_file": source_file,
        "source_text": parsed.source_text,
        "source_line_start": parsed.source_lines[0] or None,
        "source_line_end": parsed.source_lines[1] or None,
        "imported_at": timezone.now(),
    }
    if parsed.doc_number:
        return Document.objects.update_or_create(doc_number=parsed.doc_number, defaults=values)
    return Document.objects.update_or_create(
        doc_number=None, title=values["title"], year=year, defaults=values
    )


def _task_values(parsed: ParsedTask, order: int) -> dict:
    deadline = parsed.deadline
    kind = deadline.kind if deadline.kind in Task.DeadlineKind.values else Task.DeadlineKind.NONE
    return {
        "printed_number": parsed.printed_number[:32],
        "title": parsed.title[:500],
        "text": parsed.text,
        "targets": list(parsed.targets),
        "is_leaf": parsed.leaf,
        "order": order,
        "deadline_on": deadline.date if kind in ("date", "year_end") else None,
        "deadline_text": (deadline.text or "")[:200],
        "deadline_kind": kind,
        "suggested_deadline_on": deadline.suggested_date,
        "source_line_start": parsed.source_lines[0] or None,
        "source_line_end": parsed.source_lines[1] or None,
    }


def _depth(number: str, parents: dict[str, str | None]) -> int:
    depth = 0
    while parents.get(number):
        number = parents[number]
        depth += 1
    return depth


def _save_task_tree(document, parsed_tasks, existing, change) -> dict[str, Task]:
    """Create or update tasks level by level, so each level is one bulk write."""
    parents = {t.number: t.parent for t in parsed_tasks}
    by_level: dict[int, list[tuple[int, ParsedTask]]] = {}
    for order, parsed in enumerate(parsed_tasks, start=1):
        by_level.setdefault(_depth(parsed.number, parents), []).append((order, parsed))
    saved: dict[str, Task] = {}
    for level in sorted(by_level):
        to_create, to_update = [], []
        for order, parsed in by_level[level]:
            values = _task_values(parsed, order)
            parent = saved.get(parsed.parent) if parsed.parent else None
            values["parent_id"] = parent.pk if parent else None
            task = existing.get(parsed.number)
            if task is None:
                task = Task(document=document, number=parsed.number, **values)
                to_create.append(task)
                change.tasks_added.append(parsed.number)
            else:
                if any(getattr(task, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(task, name, value)
                    to_update.append(task)
                    change.tasks_updated.append(parsed.number)
            saved[parsed.number] = task
        Task.objects.bulk_create(to_create)
        if to_update:
            Task.objects.bulk_update(to_update, TASK_FIELDS)
    return saved


def _remove_vanished_tasks(document, parsed, existing, change) -> None:
    """Tasks no longer in the text go, unless units already reported on them."""
    vanished = {
        number: task
        for number, task in existing.items()
        if number not in {t.number for t in parsed.tasks}
    }
    if not vanished:
        return
    with_reports = set(
        ProgressReport.objects.filter(task__in=vanished.values()).values_list("task_id", flat=True)
    )
    removable = [task.pk for task in vanished.values() if task.pk not in with_reports]
    change.tasks_removed = sorted(n for n, t in vanished.items() if t.pk not in with_reports)
    change.tasks_kept_with_reports = sorted(n for n, t in vanished.items() if t.pk in with_reports)
    Task.objects.filter(pk__in=removable).delete()


def _assignment_key(row: Assignment) -> tuple:
    """A unit or group once per role; an unresolved name once per role (the DB constraints)."""
    proposal_name = row.written_name if row.unit_id is None and row.group_id is None else None
    return (row.unit_id, row.group_id, proposal_name, row.role)


def _save_assignments(document, parsed, saved, overrides, registry, lookup, change) -> None:
    """Bring each task's units and lead officials to what the text says (diffed, bulk)."""
    on = document.signed_on
    wanted_units: list[Assignment] = []
    wanted_officials: list[TaskOfficial] = []
    for parsed_task in parsed.tasks:
        task = saved[parsed_task.number]
        seen = set()
        task_rows: list[Assignment] = []
        for index, ref in enumerate(parsed_task.units):
            unit_id, group_id = _resolve(ref.name, on, overrides, registry, lookup)
            role = overrides.roles.get(
                role_override_key(parsed.doc_number, parsed_task.number, index), ref.role
            )
            row = Assignment(
                task=task,
                unit_id=unit_id,
                group_id=group_id,
                written_name=ref.name[:200],
                role=role,
                separately=ref.separately,
                inferred=ref.inferred,
                consolidates=False,
                order=index,
            )
            key = (task.pk, *_assignment_key(row))
            if key in seen:  # the same unit written twice in one role: keep the first
                continue
            seen.add(key)
            task_rows.append(row)
        _mark_consolidating_unit(task_rows)
        wanted_units.extend(task_rows)
        for order, name in enumerate(dict.fromkeys(parsed_task.lead_officials)):
            official_key = registry.resolve_official(name, on=on)
            official_id = lookup.official_ids.get(official_key) if official_key else None
            if official_id:
                wanted_officials.append(
                    TaskOfficial(task=task, official_id=official_id, order=order)
                )
    task_ids = [task.pk for task in saved.values()]
    _sync_rows(
        Assignment.objects.filter(task_id__in=task_ids),
        wanted_units,
        key=lambda r: (r.task_id, *_assignment_key(r)),
        fields=["written_name", "separately", "inferred", "consolidates", "order"],
        change=change,
    )
    _sync_rows(
        TaskOfficial.objects.filter(task_id__in=task_ids),
        wanted_officials,
        key=lambda r: (r.task_id, r.official_id),
        fields=["order"],
        change=None,
    )


def _mark_consolidating_unit(rows: list[Assignment]) -> None:
    """The unit that files the consolidated report: the first lead, else the first
    responsible unit (the default when nothing is marked lead; recorded as inferred)."""
    for role in (Assignment.Role.LEAD, Assignment.Role.RESPONSIBLE):
        for row in rows:
            if row.role == role:
                row.consolidates = True
                return


def _resolve(name, on, overrides, registry, lookup) -> tuple[int | None, int | None]:
    chosen = overrides.units.get(name)
    if chosen:
        kind, _, pk = chosen.partition(":")
        return (int(pk), None) if kind == "unit" else (None, int(pk))
    resolution = registry.resolve_unit(name, on=on)
    if resolution.group_key:
        return None, lookup.group_ids.get(resolution.group_key)
    if resolution.unit_key:
        return lookup.unit_ids.get(resolution.unit_key), None
    return None, None


def _sync_rows(queryset, wanted, *, key, fields, change) -> None:
    existing = {key(row): row for row in queryset}
    wanted_by_key = {key(row): row for row in wanted}
    stale = [row.pk for k, row in existing.items() if k not in wanted_by_key]
    new = [row for k, row in wanted_by_key.items() if k not in existing]
    updated = []
    for k, row in wanted_by_key.items():
        old = existing.get(k)
        if old is not None and any(getattr(old, f) != getattr(row, f) for f in fields):
            for f in fields:
                setattr(old, f, getattr(row, f))
            updated.append(old)
    if stale:
        queryset.model.objects.filter(pk__in=stale).delete()
    queryset.model.objects.bulk_create(new)
    if updated:
        queryset.model.objects.bulk_update(updated, fields)
    if change is not None:
        change.assignments_added += len(new)
        change.assignments_removed += len(stale)
