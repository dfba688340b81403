"""Stage 3: put text that a page break displaced back where it is read.

The gazette is printed in two columns; when a document runs out of room, it stops with
``（下转第13页）`` ("continued on page 13") and its tail is printed on that page with
``（上接第 29 页）`` ("continued from page 29"), usually between two other documents and often
*before* its own header (seed 001 has three such tails). We move every tail back right after
the line that sent it away, and strip both markers so the cut word joins again
(``建设单`` + ``位``).

Pairing a ``上接第M页`` with its ``下转`` uses the table of contents: M is the page the text
came from, so it belongs to the document whose printed start page is the largest one not
after M (seed 001: 上接第25页 -> 23号 on p.22, not 24号 on p.26). Without a table of contents
(a pasted excerpt) markers are paired in the order they appear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tasks_import import documents
from tasks_import.normalize import SourceLine

# After normalisation every spelling is full-width and unspaced: （下转第13页）, （上接第29页）.
PAGE_MARKER_RE = re.compile(
    r"（\s*(?P<kind>上接|下转|接上|转下)\s*第?\s*(?P<page>\d{1,4})\s*页\s*）"
)
CONTINUED_FROM = ("上接", "接上")


@dataclass
class PageMarker:
    index: int  # position in the list of source lines
    kind: str  # "from" (上接) or "to" (下转)
    page: int


@dataclass
class ReadingOrder:
    lines: list[SourceLine]
    moved_tails: list[tuple[int, int, int]]  # (first line, last line, moved after line)
    unpaired_markers: list[int]  # original line numbers of markers we could not pair


def rebuild_reading_order(lines: list[SourceLine]) -> ReadingOrder:
    markers = _find_markers(lines)
    senders = [m for m in markers if m.kind == "to"]
    tails = [m for m in markers if m.kind == "from"]
    stripped = [_strip_markers(line) for line in lines]
    if not tails:
        unpaired = [lines[m.index].number for m in senders]
        return ReadingOrder(stripped, [], unpaired)

    pairs = _pair_markers(lines, senders, tails)
    tail_ranges = {tail.index: _tail_end(lines, tail.index, tails) for tail in tails}
    in_tail = set()
    for tail in tails:
        if tail.index in pairs:
            in_tail.update(range(tail.index, tail_ranges[tail.index] + 1))
    # sender index -> tail start index
    insert_after = {sender: tail for tail, sender in pairs.items()}

    order: list[int] = []
    emitted: set[int] = set()

    def emit(index: int) -> None:
        if index in emitted:
            return
        emitted.add(index)
        order.append(index)
        tail_start = insert_after.get(index)
        if tail_start is not None:
            for tail_index in range(tail_start, tail_ranges[tail_start] + 1):
                emit(tail_index)

    for index in range(len(lines)):
        if index not in in_tail:
            emit(index)
    for index in sorted(in_tail - emitted):  # a tail whose sender was itself never reached
        emit(index)

    moved = [
        (lines[t].number, lines[tail_ranges[t]].number, lines[s].number)
        for s, t in insert_after.items()
    ]
    paired_indexes = set(pairs) | set(pairs.values())
    unpaired = [lines[m.index].number for m in markers if m.index not in paired_indexes]
    return ReadingOrder([stripped[i] for i in order], sorted(moved), unpaired)


def _find_markers(lines: list[SourceLine]) -> list[PageMarker]:
    markers = []
    for index, line in enumerate(lines):
        for match in PAGE_MARKER_RE.finditer(line.text):
            kind = "from" if match.group("kind") in CONTINUED_FROM else "to"
            markers.append(PageMarker(index, kind, int(match.group("page"))))
    return markers


def _strip_markers(line: SourceLine) -> SourceLine:
    if "页" not in line.text or not PAGE_MARKER_RE.search(line.text):
        return line
    return replace(line, text=PAGE_MARKER_RE.sub("", line.text).strip())


def _pair_markers(
    lines: list[SourceLine], senders: list[PageMarker], tails: list[PageMarker]
) -> dict[int, int]:
    """Return {tail index: sender index}."""
    start_pages = documents.table_of_contents_pages(lines)
    sender_pages = {
        sender.index: start_pages.get(documents.document_key_at(lines, sender.index))
        for sender in senders
    }
    pairs: dict[int, int] = {}
    free = list(senders)
    for tail in tails:
        candidates = [
            s
            for s in free
            if sender_pages[s.index] is not None and sender_pages[s.index] <= tail.page
        ]
        if candidates:
            chosen = max(candidates, key=lambda s: (sender_pages[s.index], -s.index))
        elif free and not any(sender_pages[s.index] is not None for s in free):
            chosen = free[0]  # no table of contents: pair in order of appearance
        else:
            continue
        pairs[tail.index] = chosen.index
        free.remove(chosen)
    return pairs


def _tail_end(lines: list[SourceLine], start: int, tails: list[PageMarker]) -> int:
    """The last line of the tail that starts at ``start``: it runs up to the next tail, the
    next document's header, or its own signature date, whichever comes first."""
    other_tail_starts = {t.index for t in tails if t.index != start}
    last = start
    for index in range(start, len(lines)):
        if index != start and (
            index in other_tail_starts or documents.is_document_start(lines, index)
        ):
            break
        if lines[index].text:
            last = index
            if index != start and documents.is_date_line(lines[index].text):
                break
    return last
