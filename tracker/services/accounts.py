"""Accounts: a user, their profile and the units they work for, created together."""

from django.contrib.auth import get_user_model
from django.db import transaction

from tracker import audit
from tracker.models import Official, Profile, Unit, UnitMembership


@transaction.atomic
def create_account(
    *,
    acting_user,
    username: str,
    email: str,
    role: str,
    password: str | None,
    display_name: str = "",
    units: tuple[Unit, ...] = (),
    head_of: tuple[Unit, ...] = (),
    official: Official | None = None,
    is_staff: bool = False,
):
    """Create a user with a profile; clerks get their units, officials their Official row."""
    user = get_user_model().objects.create_user(
        username=username, email=email, password=password, is_staff=is_staff
    )
    Profile.objects.create(user=user, role=role, display_name=display_name)
    UnitMembership.objects.bulk_create(
        [UnitMembership(user=user, unit=unit, is_head_contact=unit in head_of) for unit in units]
    )
    if official is not None:
        official.user = user
        if email and not official.email:
            official.email = email
        official.save(update_fields=["user", "email"])
    audit.record(
        actor=acting_user,
        action="account.create",
        obj=user,
        after={
            "username": username,
            "role": role,
            "units": [u.pk for u in units],
            "official": official.pk if official else None,
        },
    )
    return user
