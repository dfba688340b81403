"""Changes to the unit registry: create, rename (机构改革), merge, aliases."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tracker import audit
from tracker.models import Assignment, Unit, UnitAlias, UnitSuccession

UNIT_FIELDS = ["name", "short_name", "kind", "code", "established_on", "dissolved_on"]


@transaction.atomic
def create_unit(
    *,
    acting_user,
    name: str,
    short_name: str = "",
    kind: str = Unit.Kind.CITY_DEPARTMENT,
    code: str | None = None,
    aliases: tuple[str, ...] = (),
) -> Unit:
    """Create a unit with its aliases."""
    unit = Unit(name=name.strip(), short_name=short_name.strip(), kind=kind, code=code)
    unit.full_clean()
    unit.save()
    for alias in aliases:
        _add_alias(unit, alias)
    audit.record(
        actor=acting_user,
        action="unit.create",
        obj=unit,
        after=audit.snapshot(unit, UNIT_FIELDS) | {"aliases": list(aliases)},
    )
    return unit


def _add_alias(unit: Unit, alias: str, note: str = "") -> UnitAlias:
    alias = alias.strip()
    existing = UnitAlias.objects.filter(alias=alias).select_related("unit").first()
    if existing and existing.unit_id != unit.pk:
        raise ValidationError(
            _("别名“%(alias)s”已属于单位“%(unit)s”。") % {"alias": alias, "unit": existing.unit}
        )
    if existing:
        return existing
    return UnitAlias.objects.create(unit=unit, alias=alias, note=note)


@transaction.atomic
def add_unit_alias(*, acting_user, unit: Unit, alias: str, note: str = "") -> UnitAlias:
    """Teach the registry another spelling of a unit."""
    row = _add_alias(unit, alias, note)
    audit.record(actor=acting_user, action="unit.add_alias", obj=unit, after={"alias": row.alias})
    return row


@transaction.atomic
def rename_unit(
    *,
    acting_user,
    unit: Unit,
    new_name: str,
    effective_on: dt.date,
    new_short_name: str = "",
    source: str = "",
) -> Unit:
    """Institutional reform: the unit is succeeded by a new unit from `effective_on`.

    The old unit is kept (dissolved) so old tasks still show the name they were
    assigned under; reports and lists roll up through the succession.
    """
    if unit.dissolved_on is not None:
        raise ValidationError(
            _("单位“%(unit)s”已于%(date)s撤销，不能再更名。")
            % {"unit": unit, "date": unit.dissolved_on}
        )
    before = audit.snapshot(unit, UNIT_FIELDS)
    successor = Unit(
        name=new_name.strip(),
        short_name=new_short_name.strip(),
        kind=unit.kind,
        established_on=effective_on,
    )
    successor.full_clean()
    successor.save()
    unit.dissolved_on = effective_on
    unit.save(update_fields=["dissolved_on"])
    succession = UnitSuccession.objects.create(
        predecessor=unit,
        successor=successor,
        effective_on=effective_on,
        kind=UnitSuccession.Kind.RENAME,
        source=source,
    )
    audit.record(
        actor=acting_user,
        action="unit.rename",
        obj=unit,
        before=before,
        after=audit.snapshot(unit, UNIT_FIELDS)
        | {"successor": successor.pk, "succession": succession.pk},
    )
    return successor


@transaction.atomic
def merge_units(
    *,
    acting_user,
    predecessors: list[Unit],
    successor: Unit,
    effective_on: dt.date,
    source: str = "",
) -> list[UnitSuccession]:
    """Several units merge into `successor` (which may be new or one of them continuing)."""
    created = []
    for unit in predecessors:
        if unit.pk == successor.pk:
            continue
        before = audit.snapshot(unit, UNIT_FIELDS)
        unit.dissolved_on = effective_on
        unit.save(update_fields=["dissolved_on"])
        created.append(
            UnitSuccession.objects.create(
                predecessor=unit,
                successor=successor,
                effective_on=effective_on,
                kind=UnitSuccession.Kind.MERGE,
                source=source,
            )
        )
        audit.record(
            actor=acting_user,
            action="unit.merge",
            obj=unit,
            before=before,
            after=audit.snapshot(unit, UNIT_FIELDS) | {"successor": successor.pk},
        )
    return created


@transaction.atomic
def resolve_unit_proposal(*, acting_user, written_name: str, unit: Unit) -> int:
    """An unknown name seen in an import is confirmed as `unit`: alias it and link its rows."""
    _add_alias(unit, written_name, note=_("导入时确认"))
    rows = Assignment.objects.filter(
        written_name=written_name, unit__isnull=True, group__isnull=True
    )
    count = rows.update(unit=unit)
    audit.record(
        actor=acting_user,
        action="unit.resolve_proposal",
        obj=unit,
        after={"written_name": written_name, "assignments": count},
    )
    return count
