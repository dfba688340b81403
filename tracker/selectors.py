"""Reads that several views, jobs and exports share."""

from django.conf import settings
from django.db.models import Q

from tracker.models import Official, Unit, UnitGroup, UnitSuccession


def unit_lineage_ids(unit_ids) -> set[int]:
    """The units with all their predecessors and successors, transitively (机构改革).

    Successions form a small graph (tens of rows), so it is read once and walked in memory.
    """
    edges = list(UnitSuccession.objects.values_list("predecessor_id", "successor_id"))
    neighbours: dict[int, set[int]] = {}
    for before, after in edges:
        neighbours.setdefault(before, set()).add(after)
        neighbours.setdefault(after, set()).add(before)
    seen = set(unit_ids)
    stack = list(seen)
    while stack:
        for other in neighbours.get(stack.pop(), ()):
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


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
