"""The reference registry of 聊城 units, unit groups and lead officials, and a pure resolver.

The data lives in ``fixtures/registry.json`` (how it was built: ``fixtures/README-registry.md``).
This module only reads it: no Django, no database, no network. The parser and the saving layer
call :meth:`Registry.resolve_unit` for every unit name they meet; a name that does not resolve
comes back with ``via="unknown"`` and the caller turns it into a proposal for a human. The
resolver never invents a unit.

Lookup order for a unit name:

1. ``exact`` / ``alias``: the string as written equals a unit's ``name`` or ``short_name``
   (``exact``) or one of its ``aliases`` (``alias``); a group's name or alias gives ``group``.
2. ``normalised``: the same after :func:`normalise_unit_name` (spaces and markdown removed,
   full-width forms folded, ``市市`` → ``市``, ``聊城市X`` → ``市X``, trailing ``等``/``有关``
   noise dropped, traditional characters simplified when ``opencc`` is installed).
3. With a date ``on``: a unit whose ``dissolved_on`` is on or before ``on`` is followed through
   its successions to the unit that carries its work on that date (``via="succession"``);
   ``written_unit_key`` keeps the unit literally named. With ``on=None`` nothing is followed.

Every lookup is one dict access on the raw string and at most two on the normalised one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "registry.json"

UNIT_KINDS = ("city_department", "county_government", "development_zone", "enterprise", "other")
SUCCESSION_KINDS = ("rename", "merge", "split")


class Via:
    """How a name was resolved (the ``via`` field of :class:`Resolution`)."""

    EXACT = "exact"
    ALIAS = "alias"
    NORMALISED = "normalised"
    SUCCESSION = "succession"
    GROUP = "group"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Resolution:
    """What a unit name, as written, denotes."""

    name: str  # the input as written
    unit_key: str | None  # the unit it denotes at that date (after successions); None if unknown
    group_key: str | None  # set instead when the name is a unit group
    via: str  # one of the Via constants
    written_unit_key: str | None  # the unit literally named, before following successions

    @property
    def known(self) -> bool:
        return self.via != Via.UNKNOWN


@dataclass(frozen=True)
class Unit:
    key: str
    name: str
    short_name: str
    kind: str
    aliases: tuple[str, ...] = ()
    established_on: dt.date | None = None
    dissolved_on: dt.date | None = None  # first day the unit no longer exists
    note: str = ""

    def exists_on(self, on: dt.date) -> bool:
        started = self.established_on is None or self.established_on <= on
        return started and (self.dissolved_on is None or on < self.dissolved_on)


@dataclass(frozen=True)
class Succession:
    predecessor: str
    successor: str
    on: dt.date | None  # None: the seeds do not date it (kept for lineage, never followed)
    kind: str
    source: str = ""


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    open: bool = False  # membership not enumerable from the text (市直有关部门, XX成员单位 ...)
    note: str = ""


@dataclass(frozen=True)
class Official:
    key: str
    name: str
    position: str
    from_: dt.date | None
    to: dt.date | None  # upper bound: known to have left by this date (exclusive)
    aliases: tuple[str, ...] = ()
    source: str = ""


# Noise that may trail a unit name in an assignment tag ("市公安局等有关部门", "市水利局按照职责分工").
_TRAILING_NOISE = (
    "等有关部门",
    "等相关部门",
    "等市直部门单位",
    "等市直部门",
    "等部门",
    "等单位",
    "按照职责分工",
    "按职责分工",
    "根据工作职责",
    "等",
    "有关",
)
_SPACE_RE = re.compile(r"[\s*\u3000]+")


@cache
def _t2s():
    """Traditional → simplified converter, or None when opencc is not installed."""
    try:
        import opencc  # opencc-python-reimplemented (pure Python)
    except ImportError:  # pragma: no cover - it is a pinned dependency
        return None
    return opencc.OpenCC("t2s")


def _fold(text: str) -> str:
    """Width folding and whitespace/markdown removal shared by units and officials."""
    text = unicodedata.normalize("NFKC", text)  # full-width ASCII and （）：， -> half-width
    return _SPACE_RE.sub("", text)


def normalise_unit_name(name: str) -> str:
    """The key under which a unit name is compared in the normalised pass."""
    text = _fold(name).strip("、,;:。.")
    changed = True
    while changed and text:
        changed = False
        for noise in _TRAILING_NOISE:
            if text.endswith(noise) and len(text) > len(noise):
                text = text[: -len(noise)]
                changed = True
    if text.startswith("聊城市") and len(text) > 3:
        text = "市" + text[3:]
    while text.startswith("市市"):
        text = text[1:]
    return text


def normalise_person_name(name: str) -> str:
    return _fold(name)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class RegistryError(ValueError):
    """The registry data is inconsistent (duplicate key, dangling reference, name clash)."""


class Registry:
    """Units, groups, officials and successions, with O(1) name lookup."""

    def __init__(
        self,
        *,
        units: dict[str, Unit],
        groups: dict[str, Group],
        officials: dict[str, Official],
        successions: list[Succession],
        city: str = "",
    ) -> None:
        self.city = city  # the place the registry describes, e.g. 聊城市; "" = anywhere
        self.units = units
        self.groups = groups
        self.officials = officials
        self.successions = successions
        self._raw: dict[str, tuple[str, str, str]] = {}
        self._norm: dict[str, tuple[str, str, str]] = {}
        self._officials_by_name: dict[str, list[str]] = {}
        self._forward: dict[str, list[Succession]] = {}
        self._backward: dict[str, list[Succession]] = {}
        self._build_indexes()

    def for_place(self, place: str) -> Registry:
        """This registry for a document from `place`; an empty one for another city's plan.

        Bare names such as 市财政局 mean the issuing city's unit: a 潍坊 plan's 市财政局 is
        not 聊城's, so its names must stay unresolved (proposals) rather than match here.
        """
        if not place or not self.city or place == self.city:
            return self
        return Registry(units={}, groups={}, officials={}, successions=[], city=place)

    # ---------------------------------------------------------------- loading
    @classmethod
    def from_dict(cls, data: dict) -> Registry:
        units: dict[str, Unit] = {}
        for row in data.get("units", []):
            if row["key"] in units:
                raise RegistryError(f"duplicate unit key {row['key']!r}")
            if row["kind"] not in UNIT_KINDS:
                raise RegistryError(f"unit {row['key']!r}: unknown kind {row['kind']!r}")
            units[row["key"]] = Unit(
                key=row["key"],
                name=row["name"],
                short_name=row.get("short_name") or row["name"],
                kind=row["kind"],
                aliases=tuple(row.get("aliases", ())),
                established_on=_date(row.get("established_on")),
                dissolved_on=_date(row.get("dissolved_on")),
                note=row.get("note", ""),
            )
        groups: dict[str, Group] = {}
        for row in data.get("groups", []):
            if row["key"] in groups or row["key"] in units:
                raise RegistryError(f"duplicate group key {row['key']!r}")
            missing = [m for m in row.get("members", ()) if m not in units]
            if missing:
                raise RegistryError(f"group {row['key']!r}: unknown members {missing}")
            groups[row["key"]] = Group(
                key=row["key"],
                name=row["name"],
                aliases=tuple(row.get("aliases", ())),
                members=tuple(row.get("members", ())),
                open=bool(row.get("open", False)),
                note=row.get("note", ""),
            )
        successions = []
        for row in data.get("successions", []):
            for end in ("predecessor", "successor"):
                if row[end] not in units:
                    raise RegistryError(f"succession: unknown {end} {row[end]!r}")
            if row["kind"] not in SUCCESSION_KINDS:
                raise RegistryError(f"succession: unknown kind {row['kind']!r}")
            successions.append(
                Succession(
                    predecessor=row["predecessor"],
                    successor=row["successor"],
                    on=_date(row.get("on")),
                    kind=row["kind"],
                    source=row.get("source", ""),
                )
            )
        officials: dict[str, Official] = {}
        for row in data.get("officials", []):
            if row["key"] in officials:
                raise RegistryError(f"duplicate official key {row['key']!r}")
            officials[row["key"]] = Official(
                key=row["key"],
                name=row["name"],
                position=row.get("position", ""),
                from_=_date(row.get("from")),
                to=_date(row.get("to")),
                aliases=tuple(row.get("aliases", ())),
                source=row.get("source", ""),
            )
        return cls(
            units=units,
            groups=groups,
            officials=officials,
            successions=successions,
            city=data.get("city", ""),
        )

    @classmethod
    def load(cls, path: str | Path) -> Registry:
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))

    @classmethod
    def load_default(cls) -> Registry:
        """The registry in ``fixtures/registry.json`` (parsed once per process)."""
        return _load_default_cached()

    def _build_indexes(self) -> None:
        raw: dict[str, list[tuple[str, str, str]]] = {}
        norm: dict[str, list[tuple[str, str, str]]] = {}

        def add(text: str, target: tuple[str, str], via: str) -> None:
            raw.setdefault(text, []).append((*target, via))
            norm.setdefault(normalise_unit_name(text), []).append((*target, via))

        for unit in self.units.values():
            add(unit.name, ("unit", unit.key), Via.EXACT)
            add(unit.short_name, ("unit", unit.key), Via.EXACT)
            for alias in unit.aliases:
                add(alias, ("unit", unit.key), Via.ALIAS)
        for group in self.groups.values():
            for text in (group.name, *group.aliases):
                add(text, ("group", group.key), Via.GROUP)

        self._raw = {text: self._pick(text, entries) for text, entries in raw.items()}
        self._norm = {text: self._pick(text, entries) for text, entries in norm.items()}

        for official in self.officials.values():
            for text in {official.name, *official.aliases}:
                self._officials_by_name.setdefault(normalise_person_name(text), []).append(
                    official.key
                )
        for succession in self.successions:
            self._forward.setdefault(succession.predecessor, []).append(succession)
            self._backward.setdefault(succession.successor, []).append(succession)

    def _pick(self, text: str, entries: list[tuple]) -> tuple:
        """One target per string. A string shared by a dissolved unit and one current unit
        (聊城市发展和改革委员会 before and after 2019) belongs to the current unit; any other
        clash is a data error."""
        targets = {entry[:2] for entry in entries}
        if len(targets) == 1:
            # the strongest way the string is registered: exact before alias
            return min(entries, key=lambda e: e[2] != Via.EXACT)
        current = [t for t in targets if t[0] == "unit" and self.units[t[1]].dissolved_on is None]
        if len(current) == 1 and all(t[0] == "unit" for t in targets):
            return next(e for e in entries if e[:2] == current[0])
        raise RegistryError(f"{text!r} names several units or groups: {sorted(targets)}")

    # ---------------------------------------------------------------- units
    def canonical_name(self, name: str, *, on: dt.date | None = None) -> str | None:
        """The full name of the unit or group `name` denotes at `on`; None when unknown."""
        resolution = self.resolve_unit(name, on=on)
        if resolution.group_key:
            return self.groups[resolution.group_key].name
        if resolution.unit_key:
            return self.units[resolution.unit_key].name
        return None

    def resolve_unit(self, name: str, *, on: dt.date | None = None) -> Resolution:
        hit = self._raw.get(name)
        if hit is not None:
            kind, key, via = hit
        else:
            kind, key = self._lookup_normalised(name)
            via = Via.NORMALISED
        if kind is None:
            return Resolution(name, None, None, Via.UNKNOWN, None)
        if kind == "group":
            return Resolution(name, None, key, Via.GROUP, None)
        current = key if on is None else self._follow(key, on)
        if current != key:
            via = Via.SUCCESSION
        return Resolution(name, current, None, via, key)

    def _lookup_normalised(self, name: str) -> tuple[str | None, str | None]:
        key = normalise_unit_name(name)
        hit = self._norm.get(key)
        if hit is None and (converter := _t2s()) is not None:
            simplified = normalise_unit_name(converter.convert(name))
            if simplified != key:
                hit = self._norm.get(simplified)
        return hit[:2] if hit is not None else (None, None)

    def _follow(self, unit_key: str, on: dt.date) -> str:
        """The unit that carries ``unit_key``'s work on ``on``."""
        seen = {unit_key}
        current = unit_key
        while True:
            unit = self.units[current]
            if unit.dissolved_on is None or unit.dissolved_on > on:
                return current
            onward = [s for s in self._forward.get(current, ()) if s.on is not None and s.on <= on]
            if not onward:
                return current  # abolished without a successor (市口岸办): keep what was written
            # a rename or merge has one successor; a split is followed to its first-listed part
            onward.sort(key=lambda s: s.kind == "split")
            nxt = onward[0].successor
            if nxt in seen:
                return current
            seen.add(nxt)
            current = nxt

    def lineage(self, unit_key: str) -> set[str]:
        """All predecessors and all successors of ``unit_key``, transitively (not itself)."""
        if unit_key not in self.units:
            raise KeyError(unit_key)
        found: set[str] = set()
        for table, end in ((self._forward, "successor"), (self._backward, "predecessor")):
            stack = [unit_key]
            seen = {unit_key}
            while stack:
                for succession in table.get(stack.pop(), ()):
                    nxt = getattr(succession, end)
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
            found |= seen
        found.discard(unit_key)
        return found

    def group_members(self, group_key: str) -> list[str]:
        """Member unit keys of a group; empty for open groups (市直有关部门 ...)."""
        return list(self.groups[group_key].members)

    def unit(self, unit_key: str) -> Unit:
        return self.units[unit_key]

    def names(self) -> Iterable[str]:
        """Every registered spelling (names, short names, aliases of units and groups)."""
        return self._raw.keys()

    # ---------------------------------------------------------------- officials
    def resolve_official(self, name: str, *, on: dt.date | None = None) -> str | None:
        """The key of the official written ``name``; None if unknown or gone by ``on``.

        ``from`` is the earliest evidence in the seeds, not a start date, so it only breaks
        ties; ``to`` is an upper bound of the departure and excludes later dates.
        """
        keys = self._officials_by_name.get(normalise_person_name(name))
        if keys is None and (converter := _t2s()) is not None:
            keys = self._officials_by_name.get(normalise_person_name(converter.convert(name)))
        if not keys:
            return None
        candidates = [self.officials[k] for k in keys]
        if on is not None:
            candidates = [o for o in candidates if o.to is None or on < o.to]
            candidates.sort(
                key=lambda o: (o.from_ is None or o.from_ <= on, o.from_ or dt.date.min),
                reverse=True,
            )
        return candidates[0].key if candidates else None


@cache
def _load_default_cached() -> Registry:
    return Registry.load(DEFAULT_PATH)
