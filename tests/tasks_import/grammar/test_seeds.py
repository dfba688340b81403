"""All five seeds through find_assignment_tags: tag counts per seed and speed.

The text is joined by a crude stand-in for the structure half (``join_for_test``); the counts
match the seed notes: 000 61 label blocks + 15 tags (8号) + 10 drafting (9号); 001 127 paren
tags (38 + 4 + 63 + 22); 002 63 label blocks + 82 paren tags; 003 180 paren tags; 004 60
责任分工 blocks + 27 (35号) + 9 (13号) paren tags.
"""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks_import.grammar import (
    detect_document_rules,
    extract_deadline,
    extract_targets,
    find_assignment_tags,
    split_units,
)
from tests.tasks_import.grammar.seedlines import SEEDS, join_for_test

EXPECTED = {
    "000": {"label_block": 61, "paren_tag": 15, "drafting": 10},
    "001": {"paren_tag": 127},
    "002": {"label_block": 63, "paren_tag": 82},
    "003": {"paren_tag": 180},
    "004": {"responsibility_block": 60, "paren_tag": 36},
}


def _seed_text(seed: str) -> str:
    (path,) = SEEDS.glob(f"{seed}_*.txt")
    return join_for_test(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_it_finds_every_tag_of_the_seed(seed):
    matches = find_assignment_tags(_seed_text(seed))
    assert Counter(m.kind for m in matches) == EXPECTED[seed]
    assert all(m.assignment.units for m in matches)
    assert [m.start for m in matches] == sorted(m.start for m in matches)


def test_every_unit_name_is_clean():
    for seed in EXPECTED:
        for match in find_assignment_tags(_seed_text(seed)):
            for unit in match.assignment.units:
                outside = re.sub(r"（[^（）]*）", "", unit.name)
                assert outside and not any(c in outside for c in " \n*、，,；;：:。()"), unit


def test_the_seeds_have_their_document_rules():
    assert detect_document_rules(_seed_text("004")).first_listed_is_lead is True
    rules = detect_document_rules(_seed_text("002"))
    assert [u.name for u in rules.inherited_implementers] == [
        "各县（市、区）政府",
        "市属开发区管委会",
    ]


def test_all_seeds_parse_well_under_a_second():
    # CPU time, best of three: other test runs sharing the machine must not make this flaky.
    texts = [_seed_text(seed) for seed in EXPECTED]
    spent = []
    for _attempt in range(3):
        started = time.process_time()
        for text in texts:
            for match in find_assignment_tags(text):
                extract_deadline(text[max(0, match.start - 300) : match.start], doc_year=2018)
            extract_targets(text[:20000])
        spent.append(time.process_time() - started)
    assert min(spent) < 1.0


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet="（）()：:；;，,、。市局委负责牵头配合落实单位年月底前0123456789 \n*和等",
        max_size=200,
    )
)
def test_the_grammar_never_raises_on_arbitrary_text(text):
    find_assignment_tags(text)
    split_units(text)
    extract_deadline(text, doc_year=2018)
    extract_targets(text)


def test_pathological_input_stays_fast():
    texts = ["（" * 20000 + "）" * 20000, "牵头单位：" * 5000, "（市农委负责）" * 3000]
    started = time.process_time()
    for text in texts:
        find_assignment_tags(text)
    assert time.process_time() - started < 2.0
