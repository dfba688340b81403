"""Who may see and change what. Every view fetches objects through these helpers.

Roles (Profile.role): the supervision office (督查室) sees and reviews everything;
clerks (联络员) see the tasks their units are assigned and edit their units' reports;
officials see the tasks they lead; read-only viewers see everything and change nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from tracker.models import Profile, Task


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
    """The units a user clerks for (cached on the user object for the request)."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_duban_unit_ids"):
        user._duban_unit_ids = set(user.unit_memberships.values_list("unit_id", flat=True))
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
