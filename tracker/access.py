"""Who may see and change what. Every view fetches objects through these helpers.

Roles (Profile.role): the supervision office (督查室) sees and reviews everything;
clerks (联络员) see the tasks their units are assigned and edit their units' reports;
officials see the tasks they lead; read-only viewers see everything and change nothing.

Reports (decided in docs/decisions.md, "Reporting"): a report belongs to its unit, not
to the clerk who typed it, so every clerk of the unit may read and edit it (concurrent
edits are caught by the report's version). A clerk also reads the submitted parts of
cooperating units on tasks their unit consolidates; never another unit's draft. Officials
read the non-draft reports on the tasks they lead. The office and viewers read all.
Anything a user may not read answers 404 (URL guessing learns nothing); a read-only user
trying to change something readable gets 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from tracker.models import (
    Assignment,
    Attachment,
    Profile,
    ProgressReport,
    ReportingPeriod,
    Task,
    Unit,
)


def role_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Profile.Role.SUPERVISOR
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def is_supervisor(user) -> bool:
    return role_of(user) == Profile.Role.SUPERVISOR


def member_unit_ids(user) -> set[int]:
    """The units a user clerks for, with the units theirs succeeded (cached per request).

    After 机构改革 the successor answers for its predecessor's tasks: a clerk of
    市发展改革委 reports on the 2018 tasks assigned to 市发改委. One query, following
    successions up to two steps back (the longest chain in the registry).
    """
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_duban_unit_ids"):
        user._duban_unit_ids = set(
            Unit.objects.filter(
                Q(memberships__user=user)
                | Q(successions__successor__memberships__user=user)
                | Q(successions__successor__successions__successor__memberships__user=user)
            ).values_list("pk", flat=True)
        )
    return user._duban_unit_ids


def visible_tasks(user) -> QuerySet[Task]:
    """Tasks a user may read."""
    role = role_of(user)
    tasks = Task.objects.all()
    if role in (Profile.Role.SUPERVISOR, Profile.Role.VIEWER):
        return tasks
    if role == Profile.Role.OFFICIAL:
        return tasks.filter(lead_officials__official__user=user).distinct()
    if role == Profile.Role.CLERK:
        units = member_unit_ids(user)
        return tasks.filter(
            Q(assignments__unit_id__in=units) | Q(assignments__group__members__in=units)
        ).distinct()
    return tasks.none()


def get_task_for_user(user, pk: int, *, write: bool = False) -> Task:
    """The task if the user may read it (404 otherwise); with write, only the office may edit."""
    try:
        task = visible_tasks(user).get(pk=pk)
    except Task.DoesNotExist:
        raise Http404 from None
    if write and not is_supervisor(user):
        raise PermissionDenied
    return task


def is_clerk(user) -> bool:
    return role_of(user) == Profile.Role.CLERK


def consolidated_task_ids(unit_ids):
    """Subquery: the tasks on which one of these units files the consolidated report."""
    return Assignment.objects.filter(unit_id__in=unit_ids, consolidates=True).values("task_id")


def visible_reports(user) -> QuerySet[ProgressReport]:
    """Reports a user may read (see the module docstring for the rule)."""
    role = role_of(user)
    reports = ProgressReport.objects.all()
    if role in (Profile.Role.SUPERVISOR, Profile.Role.VIEWER):
        return reports
    if role == Profile.Role.OFFICIAL:
        return reports.filter(task__in=visible_tasks(user).values("pk")).exclude(
            status=ProgressReport.Status.DRAFT
        )
    if role == Profile.Role.CLERK:
        units = member_unit_ids(user)
        return reports.filter(
            Q(unit_id__in=units)
            | (Q(task__in=consolidated_task_ids(units)) & ~Q(status=ProgressReport.Status.DRAFT))
        )
    return reports.none()


def get_report_for_user(
    user, pk: int, *, write: bool = False, review: bool = False
) -> ProgressReport:
    """The report if the user may read it (404 otherwise).

    With `write`, only a clerk of the report's unit passes (403 for other readers); with
    `review`, only the supervision office. Locks (accepted, closed period) are the
    services' business: they refuse the change with a message.
    """
    try:
        report = (
            visible_reports(user)
            .select_related("task__document", "unit", "period", "submitted_by", "reviewed_by")
            .get(pk=pk)
        )
    except ProgressReport.DoesNotExist:
        raise Http404 from None
    if write and not (is_clerk(user) and report.unit_id in member_unit_ids(user)):
        raise PermissionDenied
    if review and not is_supervisor(user):
        raise PermissionDenied
    return report


def get_attachment_for_user(user, pk: int, *, write: bool = False) -> Attachment:
    """An evidence file if the user may read its report (404 otherwise); `write` as above."""
    try:
        attachment = Attachment.objects.select_related("report__period", "report__task").get(
            pk=pk, report__in=visible_reports(user).values("pk")
        )
    except Attachment.DoesNotExist:
        raise Http404 from None
    if write and not (is_clerk(user) and attachment.report.unit_id in member_unit_ids(user)):
        raise PermissionDenied
    return attachment


@dataclass
class ReportSlot:
    """Where a report is filed: a task, a unit assigned to it, a period; maybe a report."""

    task: Task
    unit: Unit
    period: ReportingPeriod
    report: ProgressReport | None
    consolidates: bool


def assigned_unit_roles(task: Task) -> dict[int, list[Assignment]]:
    """The units on a task (directly or through a unit group) with their assignments."""
    roles: dict[int, list[Assignment]] = {}
    for assignment in task.assignments.prefetch_related("group__members"):
        if assignment.unit_id is not None:
            roles.setdefault(assignment.unit_id, []).append(assignment)
        elif assignment.group_id is not None:
            for member in assignment.group.members.all():
                roles.setdefault(member.pk, []).append(assignment)
    return roles


def unit_consolidates(assignments_by_unit: dict[int, list[Assignment]], unit_id: int) -> bool:
    """Whether the unit files the task's consolidated report.

    The unit with `consolidates` set does; when no unit on the task has it (a group or an
    unresolved name was marked), every unit's report counts as a full report.
    """
    if any(a.consolidates for a in assignments_by_unit.get(unit_id, [])):
        return True
    return not any(
        a.consolidates and a.unit_id is not None
        for rows in assignments_by_unit.values()
        for a in rows
    )


def get_report_slot_for_user(
    user, task_pk: int, unit_pk: int, period_pk: int, *, write: bool = True
) -> ReportSlot:
    """The place where a clerk files (or edits) their unit's report for a task and period.

    404 when the task is not visible, the unit is not on the task, the period does not
    exist, or the user is a clerk of another unit; 403 for readers who may not file
    (office, viewers, officials).
    """
    task = get_task_for_user(user, task_pk)
    roles = assigned_unit_roles(task)
    if unit_pk not in roles:
        raise Http404
    try:
        unit = Unit.objects.get(pk=unit_pk)
        period = ReportingPeriod.objects.get(pk=period_pk)
    except (Unit.DoesNotExist, ReportingPeriod.DoesNotExist):
        raise Http404 from None
    if write and unit_pk not in member_unit_ids(user):
        if is_clerk(user):
            raise Http404
        raise PermissionDenied
    report = (
        ProgressReport.objects.select_related("period", "submitted_by", "reviewed_by")
        .filter(task=task, unit=unit, period=period)
        .first()
    )
    return ReportSlot(task, unit, period, report, unit_consolidates(roles, unit_pk))
