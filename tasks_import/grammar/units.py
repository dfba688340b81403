"""Splitting unit lists: a balanced-parenthesis scanner over 、，, and 和/及.

``split_units("市发改委、各县（市、区）人民政府")`` -> ``["市发改委", "各县（市、区）人民政府"]``.
Names are kept as written (no abbreviation expansion); only whitespace, markdown ``**`` and a
few OCR slips (``OCR_FIXES``) are repaired, and parentheses inside a name are made full-width.
"""

from __future__ import annotations

import re

from tasks_import.grammar.patterns import (
    AND_FOLLOWERS_RE,
    AND_WORDS,
    CLOSE_PARENS,
    LIST_SEPARATORS,
    OCR_FIXES,
    OPEN_LIST_RE,
    OPEN_PARENS,
    PLACE_RE,
    SHARED_SUFFIXES,
    SPACE_SEPARATOR_RE,
    UNIT_SUFFIXES,
)

_TRAILING_JUNK = "。.：:；;，,、 "


_KEPT_RUN_RE = re.compile(r"[^\s*\u3000\xa0]+")
_DROPPED_RE = re.compile(r"[\s*\u3000\xa0]+")


def compact(text: str) -> tuple[str, list[int]]:
    """Drop whitespace and markdown ``*``; return the text and each kept char's original index."""
    index: list[int] = []
    for run in _KEPT_RUN_RE.finditer(text):
        index.extend(range(run.start(), run.end()))
    return _DROPPED_RE.sub("", text), index


def clean(text: str) -> str:
    """``compact`` without the index map."""
    return _DROPPED_RE.sub("", text)


def mark_space_separators(text: str) -> str:
    """Turn whitespace between two complete unit names into 、 (same length: offsets hold)."""
    return SPACE_SEPARATOR_RE.sub(lambda m: "、" + " " * (len(m.group()) - 1), text)


def looks_like_unit(name: str) -> bool:
    """Whether a string has the shape of a unit or unit group (市X局, 各县（市、区）政府, …)."""
    if not name or len(name) > 45 or "。" in name:
        return False
    if name.endswith(UNIT_SUFFIXES):
        return True
    if name.endswith("）") and "（" in name:
        # 各镇（街道）, 市教育体育局（市委教育工委）: the name before the bracket decides
        return looks_like_unit(name[: name.rindex("（")])
    return bool(PLACE_RE.match(name))


def _fix_name(name: str) -> str:
    name = name.strip(_TRAILING_JUNK)
    name = name.replace("(", "（").replace(")", "）")
    for pattern, replacement, _note, _quote in OCR_FIXES:
        name = pattern.sub(replacement, name, count=1)
    return name


def _split_on_and(piece: str) -> list[str]:
    """Split one top-level piece on 和/及/and where the next word starts a new unit."""
    if not any(word in piece for word in AND_WORDS):
        return [piece]
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(piece)
    while i < n:
        ch = piece[i]
        if ch in OPEN_PARENS:
            depth += 1
        elif ch in CLOSE_PARENS:
            depth = max(0, depth - 1)
        elif depth == 0 and i > start:
            for word in AND_WORDS:
                if piece.startswith(word, i):
                    before = piece[start:i]
                    after = piece[i + len(word) :]
                    if looks_like_unit(before.strip(_TRAILING_JUNK)) and AND_FOLLOWERS_RE.match(
                        after
                    ):
                        parts.append(before)
                        start = i + len(word)
                        i = start - 1
                    break
        i += 1
    parts.append(piece[start:])
    return parts


def split_top_level(text: str, separators: str) -> list[str]:
    """Split on `separators` outside parentheses (、 inside 各县（市、区） does not split).

    The one balanced-parenthesis scanner of the grammar; empty pieces are kept.
    """
    pieces: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in OPEN_PARENS:
            depth += 1
        elif ch in CLOSE_PARENS:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in separators:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return pieces


def _top_level_pieces(text: str) -> list[str]:
    return split_top_level(text, LIST_SEPARATORS)


def _distribute_shared_suffixes(names: list[str]) -> list[str]:
    """冠县、莘县、阳谷县人民政府 -> 冠县人民政府、莘县人民政府、阳谷县人民政府.

    A run of bare place names (``PLACE_RE``) directly before a name that ends with a shared
    suffix (``SHARED_SUFFIXES``) takes that suffix. A bare place with nothing to share stays as
    written.
    """
    result = list(names)
    i = len(result) - 1
    while i > 0:
        name = result[i]
        suffix = next(
            (s for s in SHARED_SUFFIXES if name.endswith(s) and PLACE_RE.match(name[: -len(s)])),
            None,
        )
        if suffix is None:
            i -= 1
            continue
        j = i - 1
        while j >= 0 and PLACE_RE.match(result[j]):
            result[j] = result[j] + suffix
            j -= 1
        i = j
    return result


def split_units_ex(text: str) -> tuple[list[str], bool]:
    """Split a unit list; return the names and whether the list was open (…等部门)."""
    text = clean(mark_space_separators(text)).strip(_TRAILING_JUNK)
    names: list[str] = []
    open_list = False
    for piece in _top_level_pieces(text):
        for part in _split_on_and(piece):
            name = _fix_name(part)
            match = OPEN_LIST_RE.search(name)
            if match and match.start() > 0:
                open_list = True
                name = name[: match.start()]
            elif match:
                # "等部门" alone: nothing to keep
                open_list = True
                name = ""
            if name:
                names.append(name)
    return _distribute_shared_suffixes(names), open_list


def split_units(text: str) -> list[str]:
    """Split a unit list on 、，, and 和/及 outside parentheses; see ``split_units_ex``."""
    return split_units_ex(text)[0]
