"""Loading the reference registry (fixtures/registry.json) into the database, idempotently."""

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from tracker import audit
from tracker.models import Official, Unit, UnitAlias, UnitGroup, UnitSuccession

DEFAULT_REGISTRY_PATH = Path(settings.BASE_DIR) / "fixtures" / "registry.json"


@dataclass
class RegistryLoadSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def read_registry_file(path: Path = DEFAULT_REGISTRY_PATH) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


@transaction.atomic
def load_registry(*, acting_user, data: dict) -> RegistryLoadSummary:
    """Create or update units, aliases, successions, groups and officials by their keys."""
    summary = RegistryLoadSummary()
    units_by_key: dict[str, Unit] = {}
    for row in data.get("units", []):
        unit, created = Unit.objects.update_or_create(
            code=row["key"],
            defaults={
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "kind": row.get("kind", Unit.Kind.OTHER),
                "established_on": _date(row.get("established_on")),
                "dissolved_on": _date(row.get("dissolved_on")),
                "note": row.get("note", ""),
            },
        )
        units_by_key[row["key"]] = unit
        summary.count("units", created)
    existing_aliases = set(UnitAlias.objects.values_list("alias", flat=True))
    new_aliases = []
    for row in data.get("units", []):
        unit = units_by_key[row["key"]]
        for alias in row.get("aliases", []):
            alias = alias.strip()
            if alias and alias not in existing_aliases and alias not in (unit.name,):
                existing_aliases.add(alias)
                new_aliases.append(UnitAlias(unit=unit, alias=alias))
    UnitAlias.objects.bulk_create(new_aliases)
    summary.created["aliases"] = len(new_aliases)
    for row in data.get("successions", []):
        _, created = UnitSuccession.objects.update_or_create(
            predecessor=units_by_key[row["predecessor"]],
            successor=units_by_key[row["successor"]],
            defaults={
                "effective_on": _date(row["on"]),
                "kind": row.get("kind", "rename"),
                "source": row.get("source", "")[:200],
            },
        )
        summary.count("successions", created)
    for row in data.get("groups", []):
        group, created = UnitGroup.objects.update_or_create(
            code=row["key"],
            defaults={
                "name": row["name"],
                "aliases": row.get("aliases", []),
                "note": row.get("note", ""),
            },
        )
        group.members.set([units_by_key[key] for key in row.get("members", [])])
        summary.count("groups", created)
    for row in data.get("officials", []):
        _, created = Official.objects.update_or_create(
            code=row["key"],
            defaults={
                "name": row["name"],
                "position": row.get("position", ""),
                "term_start": _date(row.get("from")),
                "term_end": _date(row.get("to")),
                "aliases": row.get("aliases", []),
            },
        )
        summary.count("officials", created)
    audit.record(
        actor=acting_user,
        action="registry.load",
        obj=None,
        label="单位与领导名录",
        after={"created": summary.created, "updated": summary.updated},
    )
    return summary
