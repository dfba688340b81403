"""The grammar half of the parser: assignment tags, unit lists, deadlines and targets.

Pure functions over already normalised text (no Django). The tables the functions walk are in
``tasks_import.grammar.patterns``.
"""

from tasks_import.grammar.assignments import (
    Assignment,
    DocumentRules,
    TagMatch,
    detect_document_rules,
    find_assignment_tags,
    parse_assignment,
)
from tasks_import.grammar.deadlines import extract_deadline
from tasks_import.grammar.targets import extract_targets
from tasks_import.grammar.units import looks_like_unit, split_units, split_units_ex

__all__ = [
    "Assignment",
    "DocumentRules",
    "TagMatch",
    "detect_document_rules",
    "extract_deadline",
    "extract_targets",
    "find_assignment_tags",
    "looks_like_unit",
    "parse_assignment",
    "split_units",
    "split_units_ex",
]
