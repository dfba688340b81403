"""Changes to who answers for a task: units by role, and lead officials."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tracker import audit
from tracker.models import Assignment, Official, Task, TaskOfficial, Unit, UnitGroup

ASSIGNMENT_FIELDS = [
    "unit_id",
    "group_id",
    "written_name",
    "role",
    "separately",
    "inferred",
    "consolidates",
]


@transaction.atomic
def assign_unit(
    *,
    acting_user,
    task: Task,
    role: str,
    unit: Unit | None = None,
    group: UnitGroup | None = None,
    separately: bool = False,
    consolidates: bool = False,
) -> Assignment:
    """Give a unit (or unit group) a role on a task."""
    if (unit is None) == (group is None):
        raise ValidationError(_("请指定一个单位或一个单位组。"))
    next_order = (task.assignments.aggregate(m=Max("order"))["m"] or 0) + 1
    assignment = Assignment(
        task=task,
        unit=unit,
        group=group,
        role=role,
        separately=separately,
        consolidates=consolidates,
        written_name=str(unit or group),
        order=next_order,
    )
    assignment.full_clean()
    assignment.save()
    audit.record(
        actor=acting_user,
        action="assignment.create",
        obj=assignment,
        task=task,
        after=audit.snapshot(assignment, ASSIGNMENT_FIELDS),
    )
    return assignment


@transaction.atomic
def reassign(
    *,
    acting_user,
    assignment: Assignment,
    unit: Unit | None = None,
    group: UnitGroup | None = None,
    role: str | None = None,
) -> Assignment:
    """Move an assignment to another unit or group, or change its role."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    before = audit.snapshot(assignment, ASSIGNMENT_FIELDS)
    if unit is not None or group is not None:
        if (unit is None) == (group is None):
            raise ValidationError(_("请指定一个单位或一个单位组。"))
        assignment.unit, assignment.group = unit, group
        assignment.inferred = False
    if role is not None:
        assignment.role = role
        assignment.inferred = False
    assignment.full_clean()
    assignment.save()
    audit.record(
        actor=acting_user,
        action="assignment.update",
        obj=assignment,
        task=assignment.task,
        before=before,
        after=audit.snapshot(assignment, ASSIGNMENT_FIELDS),
    )
    return assignment


@transaction.atomic
def remove_assignment(*, acting_user, assignment: Assignment) -> None:
    """Take a unit off a task."""
    before = audit.snapshot(assignment, ASSIGNMENT_FIELDS)
    task = assignment.task
    audit.record(
        actor=acting_user, action="assignment.delete", obj=assignment, task=task, before=before
    )
    assignment.delete()


@transaction.atomic
def set_lead_officials(*, acting_user, task: Task, officials: list[Official]) -> None:
    """Replace a task's lead officials (order kept as given)."""
    before = list(task.lead_officials.order_by("order").values_list("official_id", flat=True))
    task.lead_officials.all().delete()
    TaskOfficial.objects.bulk_create(
        TaskOfficial(task=task, official=official, order=index)
        for index, official in enumerate(officials)
    )
    audit.record(
        actor=acting_user,
        action="task.set_lead_officials",
        obj=task,
        task=task,
        before={"officials": before},
        after={"officials": [o.pk for o in officials]},
    )
