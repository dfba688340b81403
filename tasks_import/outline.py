"""Stage 5: read a document's numbered outline into a tree.

Chinese official documents number their outline 一、 → （一） → 1. → （1）, but any level may
be skipped (科技强市: 一、 → 1.) and the same marker can be a container in one section and a
leaf in another (中医药 35号: （一） under 二、 holds 1.–20.; under 三、 it is a task). So the
tree is built from the order in which marker *kinds* appear, not from a fixed depth: a marker
whose kind is already open on the stack closes everything below it and becomes its sibling;
a new kind opens a level below the current item. Markdown heading depth means nothing
(``##``/``###``/``####`` are random in the seeds).

Numbering may run on across sections (7号: 1.–50. across 一、–十、; 6号: （一）–（二十七）
across 一、–四、) or restart; ``Series`` groups items that belong to one numbered list either
way, because domain.md decides what is a task per series.

Two plans printed under one 文号 (聊政办字〔2019〕13号, 聊政办发〔2023〕10号) show up as the
top level restarting at 一、 after a title line; each becomes its own ``Plan``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasks_import.normalize import Line

CN_DIGITS = "一二三四五六七八九十百零〇"

# ---------------------------------------------------------------------------------------------
# OUTLINE_MARKERS: (kind, pattern, how the path shows it, seed quote). Text is normalised
# (full-width brackets, no stray spaces), so （7） and (8)␣ are the same kind.
# ---------------------------------------------------------------------------------------------
OUTLINE_MARKERS: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    (
        "section",
        re.compile(f"^(?P<num>[{CN_DIGITS}]{{1,4}})、"),
        "{num}",
        "000 L106 一、主要预期目标",
    ),
    (
        "paren_cn",
        re.compile(f"^（(?P<num>[{CN_DIGITS}]{{1,4}})）"),
        "({num})",
        "001 L147 （一）构建区域创新发展新格局",
    ),
    (
        "arabic",
        # 1. / 1． / 1、 but not 1.1 (14号 decimal headings) or 2.12345 (003 L1135) or 1-2家.
        re.compile(r"^(?P<num>\d{1,3})\s*(?:[.．](?![\d.])|、(?!\d))\s*"),
        "{num}",
        "000 L108 1. 生产总值增长7.5%左右",
    ),
    ("paren_num", re.compile(r"^（(?P<num>\d{1,3})）"), "({num})", "000 L461 (8) 实现管道天然气"),
    ("circled", re.compile(r"^(?P<num>[①-⑳])"), "{num}", "(other cities' plans)"),
)

# Lines that look like items but are not: (pattern, why). Checked against the whole line.
NOT_ITEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"（略）$"), "attachment list entry (001 L297 附件：1. 创新型城市…（略）)"),
    (re.compile(r"^\d{1,3}[.．、]\s*$"), "a bare number"),
)
# 附件：1. …（略） / 2. … : a numbered attachment list, not items (000 L843–844, 001 L297–299).
ATTACHMENT_LIST_RE = re.compile(r"^附件\s*[：:]\s*\d{1,2}\s*[.．、]")

# Labels that start their own line (block layouts: 7号 牵头领导…, 16号 主要工作/目标要求/责任分工).
LINE_LABEL_RE = re.compile(
    r"^(?:牵头领导|责任领导|分管领导|牵头单位|牵头部门|责任单位|责任部门|配合单位|协办单位|"
    r"主要工作|主要任务|工作任务|目标要求|责任分工|完成时限|时限要求|建设目标)[：:]"
)
# Other lines that always start a new logical line: articles, chronicle days, attachments.
OTHER_LINE_STARTS_RE = re.compile(
    f"^(?:第[{CN_DIGITS}]+[条章节]|\\d{{1,2}}日(?:[-—至]\\d{{1,2}}日)?[，,]|△|附件|注[：:])"
)
# Plan titles: a line that names a plan (used to tell a second plan from a notice's list).
PLAN_TITLE_RE = re.compile(r"(?:方案|措施|意见|计划|要点|办法)(?:（[^）]*）)?$")

CN_VALUES = {ch: i for i, ch in enumerate("零一二三四五六七八九", start=0)}


def chinese_number(text: str) -> int:
    """一 -> 1, 十二 -> 12, 二十三 -> 23 (enough for outline numbers)."""
    text = text.replace("〇", "零").lstrip("零")
    if "百" in text:
        hundreds, _, rest = text.partition("百")
        return CN_VALUES.get(hundreds, 1) * 100 + (chinese_number(rest) if rest else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_VALUES.get(tens, 1) if tens else 1) * 10 + CN_VALUES.get(ones, 0)
    return CN_VALUES.get(text, 0)


@dataclass
class Marker:
    kind: str
    value: int
    label: str  # as shown in paths: 一, (一), 1, (1)
    printed: str  # as printed, e.g. "（2）" or "2. "
    length: int  # characters the marker takes at the start of the line


def match_marker(text: str) -> Marker | None:
    """The outline marker at the start of ``text``, if it is a real item."""
    for kind, pattern, shown, _quote in OUTLINE_MARKERS:
        match = pattern.match(text)
        if not match:
            continue
        if any(p.search(text) for p, _why in NOT_ITEMS):
            return None
        num = match["num"]
        if kind in ("section", "paren_cn"):
            value = chinese_number(num)
        elif kind == "circled":
            value = ord(num) - ord("①") + 1
        else:
            value = int(num)
        return Marker(kind, value, shown.format(num=num), match.group().strip(), match.end())
    return None


def starts_new_line(text: str) -> bool:
    """Whether a physical line must not be glued to the line before it."""
    return bool(match_marker(text) or LINE_LABEL_RE.match(text) or OTHER_LINE_STARTS_RE.match(text))


def is_heading(text: str) -> bool:
    """A numbered line with no sentence in it (（一）工作目标, 1. 战略定位), or the title of a
    second plan printed under the same 文号 (003 L741 关于支持纺织服装产业高质量发展的若干措施)."""
    if "。" in text or len(text) > 60:
        return False
    if match_marker(text) is not None:
        return True
    return text.startswith("关于") and bool(PLAN_TITLE_RE.search(text))


# ---------------------------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------------------------
@dataclass(eq=False)
class Node:
    marker: Marker
    parent: Node | None
    lines: list[Line] = field(default_factory=list)  # the item's own lines (marker line first)
    children: list[Node] = field(default_factory=list)
    series: int = -1

    @property
    def path(self) -> str:
        labels = []
        node: Node | None = self
        while node is not None:
            labels.append(node.marker.label)
            node = node.parent
        return ".".join(reversed(labels))

    @property
    def depth(self) -> int:
        depth = 0
        node = self.parent
        while node is not None:
            depth += 1
            node = node.parent
        return depth

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Plan:
    """One numbered outline; most documents have exactly one."""

    title: str = ""
    roots: list[Node] = field(default_factory=list)
    preamble: list[Line] = field(default_factory=list)  # lines before the first item

    def walk(self):
        for root in self.roots:
            yield from root.walk()


@dataclass
class Outline:
    plans: list[Plan]
    tables: list[list[Line]]  # each a run of `| … |` rows


def build_outline(lines: list[Line]) -> Outline:
    plans = [Plan()]
    tables: list[list[Line]] = []
    stack: list[Node] = []
    in_attachment_list = False
    # A plan title seen since the last item, with where it sits: (its node or None, index in
    # that node's lines). Everything from the title on belongs to the next plan, if one starts.
    pending_title: tuple[Line, Node | None, int] | None = None
    previous_was_table = False
    for line in lines:
        if line.table_row:
            if not previous_was_table:
                tables.append([])
            tables[-1].append(line)
            previous_was_table = True
            continue
        previous_was_table = False
        marker = match_marker(line.text)
        if ATTACHMENT_LIST_RE.match(line.text):
            in_attachment_list = True
        elif in_attachment_list and marker and marker.kind == "arabic" and "。" not in line.text:
            marker = None  # 2. 聊城市“两区”工作领导小组人员名单 after 附件：1. …
        else:
            in_attachment_list = False

        if marker is None:
            if _looks_like_plan_title(line):
                owner = stack[-1] if stack else None
                at = len(owner.lines) if owner else len(plans[-1].preamble)
                pending_title = (line, owner, at)
            if stack:
                stack[-1].lines.append(line)
            else:
                plans[-1].preamble.append(line)
            continue

        plan = plans[-1]
        if _restarts_plan(plan, marker, stack):
            title = ""
            preamble: list[Line] = []
            if pending_title is not None:
                # 聊政办发〔2023〕10号 L741–743: the second plan's title and its preamble follow
                # the first plan's last item; they open the new plan instead.
                title_line, owner, at = pending_title
                title = title_line.text
                if owner is not None and owner in stack:
                    preamble = owner.lines[at:]
                    del owner.lines[at:]
            plan = Plan(title=title, preamble=preamble)
            plans.append(plan)
            stack = []
        pending_title = None

        same_kind = [i for i, node in enumerate(stack) if node.marker.kind == marker.kind]
        if same_kind:
            del stack[same_kind[-1] :]
        parent = stack[-1] if stack else None
        node = Node(marker, parent, [line])
        if parent is None:
            plan.roots.append(node)
        else:
            parent.children.append(node)
        stack.append(node)

    plans = [p for p in plans if p.roots or p.preamble]
    _number_series(plans)
    return Outline(plans or [Plan()], tables)


def _looks_like_plan_title(line: Line) -> bool:
    text = line.text
    return "。" not in text and len(text) <= 80 and bool(PLAN_TITLE_RE.search(text))


def _restarts_plan(plan: Plan, marker: Marker, stack: list[Node]) -> bool:
    """A second plan begins when the top level starts again at 1 after running past 1."""
    if not plan.roots or marker.value != 1:
        return False
    top_kind = plan.roots[0].marker.kind
    if marker.kind != top_kind:
        return False
    return any(root.marker.value >= 2 for root in plan.roots)


def _number_series(plans: list[Plan]) -> None:
    """Give every node a series id: siblings of one kind, or a numbering that runs on from the
    previous list of the same kind and depth (7号 1.–50., 6号 （一）–（二十七）)."""
    series_id = 0
    for plan in plans:
        last: dict[tuple[str, int], Node] = {}
        for node in plan.walk():
            key = (node.marker.kind, node.depth)
            previous = last.get(key)
            if previous is not None and (
                previous.parent is node.parent or node.marker.value == previous.marker.value + 1
            ):
                node.series = previous.series
            else:
                series_id += 1
                node.series = series_id
            last[key] = node


# ---------------------------------------------------------------------------------------------
# Item text with provenance
# ---------------------------------------------------------------------------------------------
PARAGRAPH_SEPARATOR = "\n"


@dataclass
class ItemText:
    """An item's own text (marker removed), with the original line of every character."""

    text: str
    pieces: list[tuple[int, int]]  # (offset, original line number)
    heading: str  # the first logical line, marker removed

    def number_at(self, offset: int) -> int:
        number = self.pieces[0][1] if self.pieces else 0
        for start, line_number in self.pieces:
            if start > offset:
                break
            number = line_number
        return number

    def lines_of(self, start: int, end: int) -> tuple[int, int]:
        """Original (first, last) line of the span text[start:end]."""
        first = self.number_at(start)
        last = self.number_at(max(start, end - 1))
        return (min(first, last), max(first, last))


def item_text(node: Node) -> ItemText:
    parts: list[str] = []
    pieces: list[tuple[int, int]] = []
    length = 0
    heading = ""
    for index, line in enumerate(node.lines):
        text = line.text
        skip = 0
        if index == 0:
            skip = node.marker.length
            text = text[skip:]
            heading = text
        if index:
            parts.append(PARAGRAPH_SEPARATOR)
            length += len(PARAGRAPH_SEPARATOR)
        for offset, number in line.pieces:
            pieces.append((length + max(0, offset - skip), number))
        parts.append(text)
        length += len(text)
    return ItemText("".join(parts), pieces, heading)
