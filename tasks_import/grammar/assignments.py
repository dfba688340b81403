"""Finding assignment tags in a task's text and reading who is responsible.

Three shapes (all in the seeds, see ``patterns.LABELS`` and ``patterns.CLAUSE_ROLES``):

* paren tags: ``（牵头单位：X；责任单位：Y）``, ``（X牵头，Y配合）``, ``（X、Y负责）``,
  ``（市X局起草）`` (kind ``drafting``), nested ``（各县（市、区）政府负责，X配合）``;
* label blocks outside parentheses: ``牵头领导：P；牵头单位：X；责任单位：Y。``;
* responsibility blocks: ``责任分工：X牵头，Y配合，Z负责落实。``.

Decisions (each one tested in tests/tasks_import/grammar):

* Jointly responsible (nothing marked lead): every unit gets ``Role.RESPONSIBLE`` and the
  first-listed one ``inferred=True`` — it is the default unit that consolidates the report.
  With the document rule 列第一位者为牵头部门 the first-listed becomes ``Role.LEAD``
  (``inferred=False``: the document says so) and the others ``Role.COOPERATING``.
* ``X负责`` after a lead in the same tag means implementing (``X牵头，Y配合，Z负责``);
  ``按职责分工负责`` after a lead means cooperating; ``分别实施/分别负责`` after a lead means
  implementing separately.
* A unit appears once per assignment: the first role it is given wins (a lead repeated in
  责任单位, as in 聊政发〔2018〕7号 tasks 14 and 33, stays lead only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tasks_import.grammar.patterns import (
    BLOCK_OPENING_LABELS,
    CLAUSE_ROLE_SUFFIXES,
    CLAUSE_SEPARATORS,
    CLOSE_PARENS,
    CONTEXT_ROLE_MAP,
    DRAFTING_SUFFIXES,
    FIRST_LISTED_RULE_RE,
    INHERITED_RULE_RE,
    LABEL_RE,
    LABEL_SLOTS,
    MAX_TAG_LENGTH,
    OPEN_PARENS,
    PREAMBLES,
    TOGETHER_WITH,
)
from tasks_import.grammar.units import (
    clean,
    compact,
    looks_like_unit,
    mark_space_separators,
    split_top_level,
    split_units_ex,
)
from tasks_import.result import Role, UnitRef


@dataclass
class Assignment:
    """What one tag or label block says."""

    lead_officials: list[str]
    units: list[UnitRef]  # roles already mapped, separately/inferred set
    deadline_text: str | None = None  # from an explicit 完成时限 field inside the tag
    open_list: bool = False  # a unit list ended with 等部门/等单位 (flag for a warning)


@dataclass
class TagMatch:
    """One assignment tag found in a text; the span includes brackets / the closing 。."""

    start: int
    end: int
    kind: str  # "paren_tag" | "label_block" | "responsibility_block" | "drafting"
    assignment: Assignment


@dataclass
class DocumentRules:
    """Rules a document states once and applies to later tags."""

    first_listed_is_lead: bool = False  # "列第一位者为牵头部门，下同"
    inherited_implementers: list[UnitRef] = field(default_factory=list)  # "以下任务措施均需…"
    inherited_from_offset: int | None = None  # offset in the document text after which they apply

    def for_offset(self, offset: int) -> DocumentRules:
        """The rules as they stand at ``offset`` of the document text (inheritance starts later)."""
        if self.inherited_from_offset is not None and offset < self.inherited_from_offset:
            return replace(self, inherited_implementers=[])
        return self


# ---------------------------------------------------------------------------------------------
# clause grammar
# ---------------------------------------------------------------------------------------------


@dataclass
class _Collector:
    units: list[UnitRef] = field(default_factory=list)
    open_list: bool = False
    lead_seen: bool = False

    def add(self, names: list[str], role: str, separately: bool = False) -> None:
        for name in names:
            self.units.append(UnitRef(name=name, role=role, separately=separately))
            if role == Role.LEAD:
                self.lead_seen = True


def _split_top_level(text: str, separators: str) -> list[str]:
    return [part for part in split_top_level(text, separators) if part]


_SUFFIX_LAST_CHARS = frozenset(row[0][-1] for row in CLAUSE_ROLE_SUFFIXES)


def _clause_suffix(clause: str) -> tuple[str, str, bool] | None:
    if not clause or clause[-1] not in _SUFFIX_LAST_CHARS:
        return None
    for suffix, role, separately, _note, _quote in CLAUSE_ROLE_SUFFIXES:
        if clause.endswith(suffix) and len(clause) > len(suffix):
            return suffix, role, separately
    return None


def _strip_rules(text: str) -> tuple[str, bool]:
    """Remove rule sentences from a tag body; report whether it declared first-listed-is-lead."""
    first_listed = False
    match = FIRST_LISTED_RULE_RE.search(text)
    if match:
        first_listed = True
        text = text[: match.start()] + text[match.end() :]
    match = INHERITED_RULE_RE.search(text)
    if match:
        text = text[: match.start()] + text[match.end() :]
    return text, first_listed


def _units_of(text: str, collector: _Collector) -> list[str]:
    names, open_list = split_units_ex(text)
    collector.open_list = collector.open_list or open_list
    return names


def _parse_clauses(text: str, collector: _Collector) -> bool:
    """Read ``X牵头，Y配合，Z负责落实`` into the collector; False if a clause is not grammar."""
    pending: list[str] = []
    ok = True
    for pattern, _note, _quote in PREAMBLES:
        text = pattern.sub("", text, count=1)
    for clause in _split_top_level(text, CLAUSE_SEPARATORS):
        found = _clause_suffix(clause)
        if found is None:
            names = _units_of(clause, collector)
            if not names or not all(looks_like_unit(n) for n in names):
                ok = False
            pending.extend(names)
            continue
        suffix, role, separately = found
        head = clause[: -len(suffix)]
        if collector.lead_seen and suffix in CONTEXT_ROLE_MAP and not separately:
            role = CONTEXT_ROLE_MAP[suffix]
        elif collector.lead_seen and role == Role.RESPONSIBLE and separately:
            role = Role.IMPLEMENTING
        together = next((w for w in TOGETHER_WITH if w in head), None)
        if together:
            leader, _, partners = head.partition(together)
            lead_names = pending + _units_of(leader, collector)
            partner_names = _units_of(partners, collector)
            names = lead_names + partner_names
            collector.add(lead_names, Role.LEAD)
            collector.add(partner_names, Role.COOPERATING)
        else:
            names = pending + _units_of(head, collector)
            collector.add(names, role, separately)
        pending = []
        if not names or not all(looks_like_unit(n) for n in names):
            ok = False
    if pending:
        collector.add(pending, Role.COOPERATING if collector.lead_seen else Role.RESPONSIBLE)
    return ok


def _finish(collector: _Collector, first_listed_is_lead: bool) -> list[UnitRef]:
    """Dedupe by name (first role wins) and settle jointly responsible lists."""
    seen: set[str] = set()
    units: list[UnitRef] = []
    for unit in collector.units:
        if unit.name in seen:
            continue
        seen.add(unit.name)
        units.append(unit)
    if not any(u.role == Role.LEAD for u in units):
        responsible = [u for u in units if u.role == Role.RESPONSIBLE]
        if responsible and first_listed_is_lead:
            responsible[0].role = Role.LEAD
            for unit in responsible[1:]:
                unit.role = Role.COOPERATING
        elif responsible:
            responsible[0].inferred = True
    return units


def _labelled_segments(text: str) -> list[tuple[str, str]]:
    """``牵头单位：X；责任单位：Y`` -> [("牵头单位", "X"), ("责任单位", "Y")] (top level only)."""
    depth_at = []
    depth = 0
    for ch in text:
        if ch in OPEN_PARENS:
            depth += 1
        elif ch in CLOSE_PARENS:
            depth = max(0, depth - 1)
        depth_at.append(depth)
    matches = [m for m in LABEL_RE.finditer(text) if depth_at[m.start()] == 0]
    segments = []
    for k, match in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip("；;。，,、")
        segments.append((match.group(1), value))
    return segments


def parse_assignment(body: str, *, rules: DocumentRules | None = None) -> Assignment:
    """Read one tag body (``牵头单位：X；责任单位：Y`` or ``X牵头，Y配合``) into an Assignment."""
    assignment, _ok = _parse(mark_space_separators(body), rules)
    return assignment


def _parse(body: str, rules: DocumentRules | None) -> tuple[Assignment, bool]:
    text, first_listed = _strip_rules(clean(body))
    first_listed = first_listed or bool(rules and rules.first_listed_is_lead)
    collector = _Collector()
    officials: list[str] = []
    deadline_text: str | None = None
    ok = True
    label_match = LABEL_RE.match(text)
    if label_match:
        segments = _labelled_segments(text)
        has_lead_label = any(LABEL_SLOTS[label] == Role.LEAD for label, _v in segments)
        for label, value in segments:
            slot = LABEL_SLOTS[label]
            if slot == "officials":
                officials.extend(split_units_ex(value)[0])
            elif slot == "deadline":
                deadline_text = value or None
            elif slot == "clauses":
                ok = _parse_clauses(value, collector) and ok
            elif slot == "responsible_label":
                if has_lead_label:
                    collector.lead_seen = True
                    _parse_fixed_role(value, Role.COOPERATING, collector)
                else:
                    ok = _parse_clauses(value, collector) and ok
            else:
                _parse_fixed_role(value, slot, collector)
    else:
        ok = _parse_clauses(text, collector)
    units = _finish(collector, first_listed)
    if rules and rules.inherited_implementers:
        names = {u.name for u in units}
        for inherited in rules.inherited_implementers:
            if inherited.name not in names:
                units.append(replace(inherited))
                names.add(inherited.name)
    assignment = Assignment(
        lead_officials=officials,
        units=units,
        deadline_text=deadline_text,
        open_list=collector.open_list,
    )
    return assignment, ok and bool(units or officials)


def _parse_fixed_role(value: str, role: str, collector: _Collector) -> None:
    """A labelled value whose role the label fixes; a trailing 分别负责 only sets separately."""
    separately = False
    found = _clause_suffix(value)
    if found is not None:
        suffix, _role, separately = found
        value = value[: -len(suffix)]
    collector.add(_units_of(value, collector), role, separately)


# ---------------------------------------------------------------------------------------------
# finding tags
# ---------------------------------------------------------------------------------------------

_BLOCK_TERMINATORS = "；;。"


def _paren_pairs(text: str) -> list[tuple[int, int]]:
    """All matched bracket pairs (either width, mixed allowed), outermost first."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch in OPEN_PARENS:
            stack.append(i)
        elif ch in CLOSE_PARENS and stack:
            pairs.append((stack.pop(), i))
    pairs.sort(key=lambda p: (p[0], -p[1]))
    return pairs


def _paren_kind(body: str) -> str | None:
    """``paren_tag`` / ``drafting`` when a bracket body is an assignment, else None."""
    if not body:
        return None
    text, _first = _strip_rules(body)
    if LABEL_RE.match(text):
        label = LABEL_RE.match(text).group(1)
        return "paren_tag" if LABEL_SLOTS[label] != "deadline" else None
    clauses = _split_top_level(text, CLAUSE_SEPARATORS)
    if not clauses or not any(_clause_suffix(c) for c in clauses):
        return None
    if _clause_suffix(clauses[-1]) is None:
        return None
    if all((_clause_suffix(c) or ("",))[0] in DRAFTING_SUFFIXES for c in clauses):
        return "drafting"
    return "paren_tag"


def _block_end(text: str, start: int, line_starts: frozenset[int] = frozenset()) -> int:
    """End (exclusive, terminator included) of a label block starting at ``start``.

    The block runs to the first top-level 。, to a ； not followed by another label, to an
    unmatched closing bracket, or to a new line that follows a complete unit name and does not
    start with a label (labels written one per line without ；).
    """
    depth = 0
    i = start
    n = min(len(text), start + MAX_TAG_LENGTH)
    while i < n:
        ch = text[i]
        if depth == 0 and i > start and i in line_starts and not LABEL_RE.match(text, i):
            last = re.split(r"[、，,：:；;]", text[start:i])[-1]
            if looks_like_unit(last):
                return i
        if ch in OPEN_PARENS:
            depth += 1
        elif ch in CLOSE_PARENS:
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and ch in _BLOCK_TERMINATORS:
            if ch == "。":
                return i + 1
            # a ； continues the block only when another label follows
            following = LABEL_RE.match(text, i + 1)
            if following is None:
                return i
        i += 1
    return n


def _line_starts(text: str, index: list[int]) -> frozenset[int]:
    """Compacted positions whose character begins a new line of the original text."""
    starts = set()
    previous = -1
    for k, original in enumerate(index):
        if previous >= 0 and "\n" in text[previous + 1 : original]:
            starts.add(k)
        previous = original
    return frozenset(starts)


def find_assignment_tags(
    text: str, *, rules: DocumentRules | None = None, offset: int | None = None
) -> list[TagMatch]:
    """All assignment tags of a task text, in order, with spans in ``text``.

    ``offset`` (optional) is where ``text`` starts in the document; when given, inherited
    implementers apply only after ``rules.inherited_from_offset``.
    """
    if rules is not None and offset is not None:
        rules = rules.for_offset(offset)
    compacted, index = compact(text)
    found: list[tuple[int, int, str, Assignment]] = []
    covered_until = -1
    paren_spans: list[tuple[int, int]] = []
    for open_at, close_at in _paren_pairs(compacted):
        if open_at <= covered_until or close_at - open_at > MAX_TAG_LENGTH:
            continue
        body = compacted[open_at + 1 : close_at]
        kind = _paren_kind(body)
        if kind is None:
            continue
        assignment, ok = _parse(body, rules)
        if not ok:
            continue
        found.append((open_at, close_at + 1, kind, assignment))
        paren_spans.append((open_at, close_at))
        covered_until = close_at

    label_matches = list(LABEL_RE.finditer(compacted))
    line_starts: frozenset[int] | None = None
    depth_at = _depth_at(compacted, [m.start() for m in label_matches])
    position = 0
    for match in label_matches:
        start = match.start()
        if start < position or depth_at[start] != 0:
            continue
        if any(a <= start <= b for a, b in paren_spans):
            continue
        label = match.group(1)
        if label not in BLOCK_OPENING_LABELS:
            continue
        if line_starts is None:
            line_starts = _line_starts(text, index) if "\n" in text else frozenset()
        end = _block_end(compacted, start, line_starts)
        block = compacted[start:end]
        assignment, ok = _parse(block, rules)
        position = max(end, start + 1)  # labels inside a failed block are not new blocks
        if not ok:
            continue
        kind = "responsibility_block" if LABEL_SLOTS[label] == "clauses" else "label_block"
        found.append((start, end, kind, assignment))

    found.sort(key=lambda item: item[0])
    matches = []
    for start, end, kind, assignment in found:
        real_start = index[start]
        # include bold markers written just before a label (**牵头领导：**)
        while real_start >= 2 and text[real_start - 2 : real_start] == "**":
            real_start -= 2
        matches.append(TagMatch(real_start, index[end - 1] + 1, kind, assignment))
    return matches


_PAREN_RE = re.compile(r"[（()）]")


def _depth_at(text: str, positions: list[int]) -> dict[int, int]:
    """Bracket depth at each of ``positions`` (sorted), walking only the brackets."""
    depths: dict[int, int] = {}
    depth = 0
    wanted = iter(positions)
    target = next(wanted, None)
    for paren in _PAREN_RE.finditer(text):
        while target is not None and target < paren.start():
            depths[target] = depth
            target = next(wanted, None)
        if paren.group() in OPEN_PARENS:
            depth += 1
        else:
            depth = max(0, depth - 1)
    while target is not None:
        depths[target] = depth
        target = next(wanted, None)
    return depths


def detect_document_rules(document_text: str) -> DocumentRules:
    """Rules a document states once: 列第一位者为牵头部门…下同 and 以下任务措施均需…不再列出."""
    compacted, index = compact(document_text)
    rules = DocumentRules()
    if FIRST_LISTED_RULE_RE.search(compacted):
        rules.first_listed_is_lead = True
    match = INHERITED_RULE_RE.search(compacted)
    if match:
        names, _open = split_units_ex(match.group("units"))
        rules.inherited_implementers = [UnitRef(name=n, role=Role.IMPLEMENTING) for n in names]
        end = match.end()
        close = _enclosing_close(compacted, end)
        end = close + 1 if close is not None else end
        rules.inherited_from_offset = index[end - 1] + 1
    return rules


def _enclosing_close(text: str, position: int) -> int | None:
    depth = 0
    for i in range(position, min(len(text), position + 40)):
        ch = text[i]
        if ch in OPEN_PARENS:
            depth += 1
        elif ch in CLOSE_PARENS:
            if depth == 0:
                return i
            depth -= 1
    return None
