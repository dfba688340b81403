"""Measurable targets in a task's text: 达到85%以上, 新增…家, and 目标要求 texts.

Conservative on purpose: a clause is a target only when it holds an Arabic number with a unit
or percent (``TARGET_NUMBER_RE``) next to a target verb (``TARGET_VERB_RE``), and is not a
subsidy or reward amount (``NOT_TARGET_RE``). Bare years are never targets. A text that starts
with a target label (目标要求：…) is returned whole, label removed.
"""

from __future__ import annotations

import re

from tasks_import.grammar.patterns import (
    NOT_TARGET_RE,
    TARGET_LABELS,
    TARGET_NUMBER_RE,
    TARGET_VERB_RE,
)
from tasks_import.grammar.units import clean

_LABEL_RE = re.compile("^(?:" + "|".join(TARGET_LABELS) + ")[：:]")
_SENTENCE_SPLIT_RE = re.compile(r"[。；;！!？?]")
_CLAUSE_SPLIT_RE = re.compile(r"[，,]")
_YEAR_RE = re.compile(r"\d{4}年")
_NUMBERING_RE = re.compile(r"^(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]{1,3}[）)])")
_TIME_ONLY_RE = re.compile(r"^(?:力争|争取|确保)?(?:到|至)?\d{4}年(?:年底|底|末)?(?:前)?$")


def _is_target(clause: str) -> bool:
    without_years = _YEAR_RE.sub("", clause)
    if not TARGET_NUMBER_RE.search(without_years):
        return False
    if NOT_TARGET_RE.search(clause):
        return False
    return bool(TARGET_VERB_RE.search(without_years))


def extract_targets(text: str) -> list[str]:
    """The measurable targets of a task text, each as a short clause, in order."""
    compacted = _NUMBERING_RE.sub("", clean(text or ""), count=1)
    label = _LABEL_RE.match(compacted)
    if label:
        body = compacted[label.end() :].strip()
        return [body] if body else []
    targets: list[str] = []
    for sentence in _SENTENCE_SPLIT_RE.split(compacted):
        prefix = ""
        for clause in _CLAUSE_SPLIT_RE.split(sentence):
            if not clause:
                continue
            if _TIME_ONLY_RE.match(clause):
                prefix = clause + "，"
                continue
            if _is_target(clause):
                targets.append(prefix + clause)
    return targets
