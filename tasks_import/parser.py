"""Stage 6: from gazette text to documents and their task trees.

``parse_text`` runs the stages in order: clean lines (``normalize``), repair page breaks
(``reading_order``), split documents (``documents``), join broken lines and build each
document's outline (``outline``), then decide which outline items are tasks and read their
assignment tags with the grammar half (``tasks_import.grammar``).

What counts as a task follows docs/domain.md: a leaf item of a numbered series in which at least
one item carries an assignment tag. Items of such a series without a tag are still tasks (with
a ``task_without_units`` warning); series where no item names units (保障措施, 实施步骤,
principles, goals) are not. An item with several tags becomes the parent of one child task per
tag, each covering the text since the previous tag (聊政办字〔2023〕19号 task 24).

A document whose outline gives no task but which holds a table with a task column and a unit
column (``| 序号 | 工作任务 | 责任领导 | 牵头单位 | 配合单位 | 完成时限 |``, plans from other
places pasted from a spreadsheet) gets one task per table row (``tables``). A table beside body
tasks only dates them (聊政发〔2018〕61号 附件3).

The parser never raises on text: whatever it cannot read becomes a ``ParseWarning``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tasks_import import documents, outline
from tasks_import.documents import DocumentSpan
from tasks_import.grammar import (
    DocumentRules,
    TagMatch,
    detect_document_rules,
    extract_deadline,
    extract_targets,
    find_assignment_tags,
    parse_assignment,
)
from tasks_import.normalize import clean_lines, join_lines
from tasks_import.outline import ItemText, Node, Plan, item_text
from tasks_import.reading_order import rebuild_reading_order
from tasks_import.result import (
    Deadline,
    DeadlineKind,
    ParsedDocument,
    ParsedTask,
    ParseResult,
    ParseWarning,
)
from tasks_import.tables import TableRow, read_rows

# Lines whose value states a task's targets (16号 目标要求：…, 61号 附件3 建设目标 column).
TARGET_LINE_RE = re.compile(r"^(?:目标要求|建设目标|工作目标|预期目标)[：:]")
# Text left over at either end once the tags are cut out of a task.
TRIM_CHARS = " \n\t，,；;、：:"
MULTI_PLAN_LABELS = "ABCDEFGHIJ"


def parse_text(text: str, *, source_name: str | None = None) -> ParseResult:
    """Parse one gazette issue (or a pasted plan) into documents, tasks and warnings."""
    try:
        return _parse(text if isinstance(text, str) else str(text))
    except Exception as error:
        where = f"{source_name}: " if source_name else ""
        return ParseResult(
            warnings=[
                ParseWarning(
                    None,
                    None,
                    f"{where}解析失败，请人工检查原文（{type(error).__name__}: {error}）",
                    code="internal_error",
                )
            ]
        )


def _parse(text: str) -> ParseResult:
    result = ParseResult()
    source_lines = clean_lines(text)
    order = rebuild_reading_order(source_lines)
    for number in order.unpaired_markers:
        result.warnings.append(
            ParseWarning(
                None, number, "分页标记（下转/上接）找不到对应的另一半", "unpaired_page_marker"
            )
        )
    gazette, spans = documents.split_documents(order.lines)
    result.gazette_year, result.gazette_issue = gazette.year, gazette.issue
    result.gazette_cumulative = gazette.cumulative
    for span in spans:
        document, warnings = _parse_document(span)
        result.documents.append(document)
        result.warnings.extend(warnings)
    return result


# ---------------------------------------------------------------------------------------------
# One document
# ---------------------------------------------------------------------------------------------
@dataclass
class _DocumentContext:
    span: DocumentSpan
    warnings: list[ParseWarning] = field(default_factory=list)

    def warn(self, line: int | None, message: str, code: str) -> None:
        self.warnings.append(ParseWarning(self.span.doc_number, line, message, code))


def _parse_document(span: DocumentSpan) -> tuple[ParsedDocument, list[ParseWarning]]:
    context = _DocumentContext(span)
    document = ParsedDocument(
        doc_number=span.doc_number,
        title=span.title,
        issuer=span.issuer,
        signed_on=span.signed_on,
        kind=span.kind,
        year=span.year,
        place=documents.place_of(span),
        source_lines=(span.first_number, span.last_number),
        source_text="\n".join(line.text for line in span.all_lines if line.text),
    )
    if span.kind == "大事记":
        return document, []
    lines = join_lines(
        _outline_region(span),
        starts_new_line=outline.starts_new_line,
        is_heading=outline.is_heading,
    )
    tree = outline.build_outline(lines)
    plans_with_tasks = []
    for plan in tree.plans:
        plan_context = _DocumentContext(span)
        tasks = _plan_tasks(plan, plan_context)
        if tasks:
            plans_with_tasks.append((plan, tasks, plan_context.warnings))
    if len(plans_with_tasks) > 1:
        for label, (plan, tasks, warnings) in zip(
            MULTI_PLAN_LABELS, plans_with_tasks, strict=False
        ):
            document.tasks.append(_plan_parent(label, plan, tasks))
            document.tasks.extend(_prefixed(tasks, label))
            for warning in warnings:
                warning.message = warning.message.replace("任务 ", f"任务 {label}.", 1)
            context.warnings.extend(warnings)
    else:
        for _plan, tasks, warnings in plans_with_tasks:
            document.tasks.extend(tasks)
            context.warnings.extend(warnings)
    rows = read_rows(tree.tables)
    if document.tasks:
        _apply_table_deadlines(document, rows, context)
    elif rows:
        region_text = "\n".join(line.text for line in lines)
        document.tasks = _table_tasks(rows, span.year, detect_document_rules(region_text), context)
    return document, context.warnings


def _outline_region(span: DocumentSpan) -> list:
    """A 印发 notice is signed before its attached plan; an opinion is signed at the end. The
    outline is whatever follows the signature date, or, if nothing does, what precedes it."""
    body = span.body
    date_at = next(
        (i for i, line in enumerate(body) if line.text and documents.is_date_line(line.text)),
        None,
    )
    if date_at is None:
        return body
    after = body[date_at + 1 :]
    if sum(1 for line in after if line.text) >= 3:
        return after
    return _without_signature(body[:date_at])


def _without_signature(lines: list) -> list:
    """Drop the issuer printed above the signing date (``聊城市人民政府办公室`` ⏎ ``2018年9月3日``):
    it closes the document and is not part of its last task (001 L820, 003 L901)."""
    end = len(lines)
    while end and not lines[end - 1].text:
        end -= 1
    if end and documents.is_signature_line(lines[end - 1].text):
        return lines[: end - 1]
    return lines


# ---------------------------------------------------------------------------------------------
# Tasks of one plan
# ---------------------------------------------------------------------------------------------
@dataclass
class _Item:
    node: Node
    text: ItemText
    offset: int  # where the item's text starts in the plan text
    tags: list[TagMatch] = field(default_factory=list)


def _plan_tasks(plan: Plan, context: _DocumentContext) -> list[ParsedTask]:
    items = _plan_items(plan)
    if not items:
        return []
    plan_text = "\n".join(item.text.text for item in items.values())
    rules = detect_document_rules(plan_text)
    rules_without_inheritance = replace(rules, inherited_implementers=[])
    inheriting_section = _section_stating_inheritance(items, rules)
    leaves = [item for item in items.values() if not item.node.children]
    for item in leaves:
        # "以下任务措施均需…负责落实，不再列出" speaks of the tasks that follow in its own
        # section (三、重点任务), not of 四、保障措施 (聊政办字〔2019〕13号 L654, L710).
        in_scope = _root_of(item.node) is inheriting_section
        item.tags = find_assignment_tags(
            item.text.text,
            rules=rules if in_scope else rules_without_inheritance,
            offset=item.offset,
        )
    series_with_units = {item.node.series for item in leaves if item.tags}
    task_leaves = [item for item in leaves if item.node.series in series_with_units]
    if not task_leaves:
        return []
    wanted: set[int] = set()
    for item in task_leaves:
        node: Node | None = item.node
        while node is not None:
            wanted.add(id(node))
            node = node.parent

    tasks: list[ParsedTask] = []
    year = context.span.year
    for item in items.values():
        if id(item.node) not in wanted:
            continue
        if item.node.children:
            tasks.append(_parent_task(item))
        else:
            tasks.extend(_leaf_tasks(item, year, rules, context))
    return tasks


def _root_of(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


def _section_stating_inheritance(items: dict[int, _Item], rules: DocumentRules) -> Node | None:
    if rules.inherited_from_offset is None:
        return None
    position = rules.inherited_from_offset - 1
    for item in items.values():
        if item.offset <= position < item.offset + len(item.text.text) + 1:
            return _root_of(item.node)
    return None


def _plan_items(plan: Plan) -> dict[int, _Item]:
    items: dict[int, _Item] = {}
    offset = 0
    for node in plan.walk():
        text = item_text(node)
        items[id(node)] = _Item(node, text, offset)
        offset += len(text.text) + 1
    return items


def _parent_task(item: _Item) -> ParsedTask:
    node = item.node
    last_line = max(
        (line.last_number for n in node.walk() for line in n.lines), default=item.text.pieces[0][1]
    )
    text = _tidy(item.text.text)
    return ParsedTask(
        number=node.path,
        parent=node.parent.path if node.parent else None,
        leaf=False,
        text=text,
        printed_number=node.marker.printed,
        title=_title_of(item.text.heading),
        source_lines=(node.lines[0].first_number, last_line),
    )


def _leaf_tasks(
    item: _Item, year: int | None, rules: DocumentRules, context: _DocumentContext
) -> list[ParsedTask]:
    node = item.node
    text = item.text
    parent_path = node.parent.path if node.parent else None
    base = ParsedTask(
        number=node.path,
        parent=parent_path,
        leaf=True,
        text="",
        printed_number=node.marker.printed,
        title=_title_of(text.heading),
        source_lines=text.lines_of(0, len(text.text)),
    )
    if not item.tags:
        base.text = _tidy(text.text)
        base.deadline = extract_deadline(base.text, doc_year=year)
        base.targets = _targets(base.text)
        context.warn(
            base.source_lines[0], f"任务 {base.number} 未写明责任单位", "task_without_units"
        )
        return [base]

    if len(item.tags) == 1:
        _fill(base, item, 0, len(text.text), item.tags[0], year, context)
        return [base]

    # Several tags: each covers the text since the previous one; the item becomes a parent.
    # Text after the last tag is covered by no tag (domain.md: "each tag makes its own child
    # task covering the text since the previous tag"), so it stays with the parent only: giving
    # it to the last child would make that tag's units answer for work nobody assigned to them.
    # The clerk is told, since such text is either a closing remark or an untagged duty.
    base.leaf = False
    base.text = _tidy(_without_spans(text.text, item.tags))
    trailing = _tidy(text.text[item.tags[-1].end :])
    if trailing:
        context.warn(
            text.number_at(item.tags[-1].end),
            f"任务 {base.number} 最后一个责任标注之后的文字未分给任何子任务：{trailing[:30]}",
            "text_after_last_tag",
        )
    children = [base]
    start = 0
    for index, tag in enumerate(item.tags, start=1):
        end = tag.end
        child = ParsedTask(
            number=f"{node.path}-{index}",
            parent=node.path,
            leaf=True,
            text="",
            printed_number=node.marker.printed,
            title=_title_of(text.heading) if index == 1 else "",
        )
        _fill(child, item, start, end, tag, year, context)
        children.append(child)
        start = tag.end
    return children


def _fill(
    task: ParsedTask,
    item: _Item,
    start: int,
    end: int,
    tag: TagMatch,
    year: int | None,
    context: _DocumentContext,
) -> None:
    """Fill ``task`` from the item text span [start, end) and the tag it ends with."""
    source = item.text.text
    inner_tags = [t for t in item.tags if start <= t.start and t.end <= end]
    task.text = _tidy(_without_spans(source[start:end], inner_tags, shift=start))
    task.source_lines = item.text.lines_of(start, end)
    assignment = tag.assignment
    task.lead_officials = list(assignment.lead_officials)
    task.units = list(assignment.units)
    task.deadline = extract_deadline(task.text, doc_year=year, field_text=assignment.deadline_text)
    if tag.kind == "drafting" and task.deadline.date is None:
        task.deadline = _category_deadline(item.node, year) or task.deadline
    task.targets = _targets(task.text)
    if assignment.open_list:
        context.warn(
            task.source_lines[0],
            f"任务 {task.number} 的单位名单以“等”结尾，可能不完整",
            "open_unit_list",
        )


def _category_deadline(node: Node, year: int | None) -> Deadline | None:
    """聊政办字〔2018〕9号: drafting items take their deadline from the category heading
    （一）年内提请市人大常委会审议的重点立法项目 / （一）年内完成的重点立法项目."""
    parent = node.parent
    while parent is not None:
        heading = item_text(parent).heading
        deadline = extract_deadline(heading, doc_year=year)
        if deadline.date is not None:
            return deadline
        parent = parent.parent
    return None


def _targets(text: str) -> list[str]:
    labelled = [line for line in text.split("\n") if TARGET_LINE_RE.match(line)]
    if labelled:
        return [target for line in labelled for target in extract_targets(line)]
    return extract_targets(text)


def _without_spans(text: str, tags: list[TagMatch], *, shift: int = 0) -> str:
    kept = []
    position = 0
    for tag in sorted(tags, key=lambda t: t.start):
        start, end = tag.start - shift, tag.end - shift
        if start < position:
            continue
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept)


def _tidy(text: str) -> str:
    lines = [line.strip(TRIM_CHARS) for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip(TRIM_CHARS)


def _title_of(heading: str) -> str:
    heading = heading.strip()
    if "。" in heading:
        return heading.split("。", 1)[0]
    return heading if len(heading) <= 60 else ""


# ---------------------------------------------------------------------------------------------
# Two plans under one 文号: prefix their paths so they stay unique
# ---------------------------------------------------------------------------------------------
def _plan_parent(label: str, plan: Plan, tasks: list[ParsedTask]) -> ParsedTask:
    first = min(t.source_lines[0] for t in tasks)
    last = max(t.source_lines[1] for t in tasks)
    return ParsedTask(
        number=label,
        parent=None,
        leaf=False,
        text=plan.title,
        title=plan.title,
        source_lines=(first, last),
    )


def _prefixed(tasks: list[ParsedTask], label: str) -> list[ParsedTask]:
    for task in tasks:
        task.number = f"{label}.{task.number}"
        task.parent = f"{label}.{task.parent}" if task.parent else label
    return tasks


# ---------------------------------------------------------------------------------------------
# Tables: deadlines for the body's tasks (聊政发〔2018〕61号 附件3), or the tasks themselves
# ---------------------------------------------------------------------------------------------
def _apply_table_deadlines(
    document: ParsedDocument, rows: list[TableRow], context: _DocumentContext
) -> None:
    by_serial = _table_deadlines(rows)
    if not by_serial:
        return
    leaves = [t for t in document.tasks if t.leaf]
    if len(by_serial) != len(leaves):
        context.warn(
            None,
            f"附表有 {len(by_serial)} 个序号，正文有 {len(leaves)} 项任务，未按附表取完成时限",
            "table_not_matched",
        )
        return
    for task, (_serial, cells) in zip(leaves, sorted(by_serial.items()), strict=True):
        field_text = "；".join(dict.fromkeys(cells))
        deadline = extract_deadline(task.text, doc_year=document.year, field_text=field_text)
        if deadline.kind != DeadlineKind.NONE:
            task.deadline = deadline


def _table_deadlines(rows: list[TableRow]) -> dict[int, list[str]]:
    """{序号: [deadline cells of its row and its continuation rows]} over all tables."""
    found: dict[int, list[str]] = {}
    for row in rows:
        if row.serial.isdigit() and "deadline" in row.cells:
            found.setdefault(int(row.serial), []).extend(row.cells["deadline"])
    return found


# Labels under which a row's cells are read, so that the grammar's label rules apply: 责任单位
# beside 牵头单位 means cooperating, 责任单位 alone means jointly responsible.
TABLE_CELL_LABELS: tuple[tuple[str, str], ...] = (
    ("officials", "牵头领导"),
    ("lead", "牵头单位"),
    ("cooperating", "配合单位"),
    ("responsible", "责任单位"),
)


def _table_tasks(
    rows: list[TableRow], year: int | None, rules: DocumentRules, context: _DocumentContext
) -> list[ParsedTask]:
    """One task per row of a table whose header names a task column and who is responsible
    (``| 序号 | 工作任务 | 责任领导 | 牵头单位 | 配合单位 | 完成时限 |``). Only used when the
    document's outline gives no task, so a table restating body tasks (61号) adds none."""
    tasks: list[ParsedTask] = []
    used: set[str] = set()
    assigning = {role for role, _label in TABLE_CELL_LABELS}
    for index, row in enumerate(rows, start=1):
        if "task" not in row.columns or not (row.columns & assigning):
            continue
        text = _tidy(row.joined("task"))
        if not text:
            continue
        number = row.serial or str(index)
        if number in used:
            number = f"{number}-{index}"
        used.add(number)
        body = "；".join(
            f"{label}：{row.joined(role)}"
            for role, label in TABLE_CELL_LABELS
            if row.cells.get(role)
        )
        assignment = parse_assignment(body, rules=rules) if body else None
        task = ParsedTask(
            number=number,
            parent=None,
            leaf=True,
            text=text,
            printed_number=row.serial,
            title=_title_of(text.split("\n", 1)[0]),
            source_lines=(min(row.lines), max(row.lines)),
        )
        if assignment is not None:
            task.lead_officials = list(assignment.lead_officials)
            task.units = list(assignment.units)
        deadline_cell = "；".join(dict.fromkeys(row.cells.get("deadline", [])))
        task.deadline = extract_deadline(text, doc_year=year, field_text=deadline_cell or None)
        targets = [t for t in row.cells.get("target", []) if t]
        task.targets = targets or _targets(text)
        if not task.units:
            context.warn(
                task.source_lines[0], f"任务 {number} 未写明责任单位", "task_without_units"
            )
        elif assignment is not None and assignment.open_list:
            context.warn(
                task.source_lines[0],
                f"任务 {number} 的单位名单以“等”结尾，可能不完整",
                "open_unit_list",
            )
        tasks.append(task)
    return tasks
