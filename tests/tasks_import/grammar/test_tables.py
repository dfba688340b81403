"""The pattern tables stay readable and complete: every row has a note and a source, and every
role verb is reachable by the grammar."""

from __future__ import annotations

import pytest

from tasks_import.grammar import parse_assignment, patterns
from tasks_import.result import Role


@pytest.mark.parametrize("row", patterns.LABELS, ids=lambda r: r[0])
def test_every_label_row_is_documented(row):
    label, slot, note, quote = row
    assert label and note and quote
    assert slot in (*Role.ALL, "officials", "deadline", "clauses", "responsible_label")


@pytest.mark.parametrize("row", patterns.CLAUSE_ROLES, ids=lambda r: r[0])
def test_every_role_verb_row_is_documented_and_reachable(row):
    suffix, role, separately, note, quote = row
    assert note and quote and role in Role.ALL
    assignment = parse_assignment(f"市农委{suffix}")
    (unit,) = assignment.units
    assert unit.name == "市农委"
    assert unit.separately is separately
    if role == Role.RESPONSIBLE:
        assert unit.role == Role.RESPONSIBLE and unit.inferred is True
    else:
        assert unit.role == role


@pytest.mark.parametrize("row", patterns.CONTEXT_ROLES, ids=lambda r: r[0])
def test_every_context_row_applies_after_a_lead(row):
    suffix, role, note, quote = row
    assert note and quote
    assignment = parse_assignment(f"市农委牵头，市林业局{suffix}")
    assert [(u.name, u.role) for u in assignment.units] == [
        ("市农委", Role.LEAD),
        ("市林业局", role),
    ]


def test_deadline_rows_are_documented():
    for name, regex, kind, note, quote in patterns.DATE_PATTERNS + patterns.FIELD_DATE_PATTERNS:
        assert name and regex and kind and note and quote
    for pattern, note, quote in patterns.NOT_A_DEADLINE:
        assert pattern.pattern and note and quote
