"""Reads that several views, jobs and exports share."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q

from tracker.models import Official, Unit, UnitGroup, UnitSuccession


@dataclass(frozen=True)
class UnitScope:
    """Units with their whole lineage (机构改革: predecessors and successors, transitively)
    and the unit groups any of them belongs to."""

    unit_ids: frozenset[int]
    group_ids: frozenset[int]


def unit_scope(unit_ids) -> UnitScope:
    """The lineage and groups of existing units, in one query (PostgreSQL and SQLite).

    A recursive query walks the succession graph in both directions (UNION, not UNION ALL:
    a cycle ends instead of looping) and joins the group memberships of every unit found.
    Read as two ORM queries plus a walk in Python, this was a millisecond of each list page
    filtered by unit.
    """
    unit_ids = [int(pk) for pk in unit_ids]
    if not unit_ids:
        return UnitScope(frozenset(), frozenset())
    succession = UnitSuccession._meta.db_table
    member = UnitGroup.members.through._meta.db_table
    placeholders = ", ".join(["%s"] * len(unit_ids))
    sql = f"""
        WITH RECURSIVE lineage(unit_id) AS (
            SELECT id FROM {Unit._meta.db_table} WHERE id IN ({placeholders})
            UNION
            SELECT CASE WHEN s.predecessor_id = lineage.unit_id
                        THEN s.successor_id ELSE s.predecessor_id END
            FROM {succession} s
            JOIN lineage ON lineage.unit_id IN (s.predecessor_id, s.successor_id)
        )
        SELECT lineage.unit_id, m.unitgroup_id
        FROM lineage LEFT JOIN {member} m ON m.unit_id = lineage.unit_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, unit_ids)
        rows = cursor.fetchall()
    return UnitScope(
        unit_ids=frozenset(unit_id for unit_id, _group in rows),
        group_ids=frozenset(group_id for _unit, group_id in rows if group_id is not None),
    )


def registry_data() -> dict:
    """The unit registry in the database, in the shape of fixtures/registry.json.

    The pure resolver in tasks_import.registry works on this shape, so the importer
    resolves names against the live registry without touching the ORM itself.
    """
    units = []
    for unit in Unit.objects.prefetch_related("aliases"):
        units.append(
            {
                "key": unit.code or f"unit-{unit.pk}",
                "name": unit.name,
                "short_name": unit.short_name,
                "kind": unit.kind,
                "aliases": [a.alias for a in unit.aliases.all()],
                "established_on": unit.established_on.isoformat() if unit.established_on else None,
                "dissolved_on": unit.dissolved_on.isoformat() if unit.dissolved_on else None,
            }
        )
    key_of = {u.pk: (u.code or f"unit-{u.pk}") for u in Unit.objects.only("pk", "code")}
    successions = [
        {
            "predecessor": key_of[s.predecessor_id],
            "successor": key_of[s.successor_id],
            "on": s.effective_on.isoformat() if s.effective_on else None,
            "kind": s.kind,
            "source": s.source,
        }
        for s in UnitSuccession.objects.all()
    ]
    groups = [
        {
            "key": g.code or f"group-{g.pk}",
            "name": g.name,
            "aliases": list(g.aliases),
            "members": [key_of[m.pk] for m in g.members.all()],
        }
        for g in UnitGroup.objects.prefetch_related("members")
    ]
    officials = [
        {
            "key": o.code or f"official-{o.pk}",
            "name": o.name,
            "position": o.position,
            "from": o.term_start.isoformat() if o.term_start else None,
            "to": o.term_end.isoformat() if o.term_end else None,
            "aliases": list(o.aliases),
        }
        for o in Official.objects.all()
    ]
    return {
        "version": 1,
        "city": settings.DUBAN_CITY,
        "units": units,
        "successions": successions,
        "groups": groups,
        "officials": officials,
    }


def units_matching(query: str):
    """Units whose name, short name or alias contains `query`."""
    return Unit.objects.filter(
        Q(name__icontains=query)
        | Q(short_name__icontains=query)
        | Q(aliases__alias__icontains=query)
    ).distinct()
