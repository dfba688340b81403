"""Reads behind the browse pages: keyset pages, the matrix, portfolios and the dashboard.

Every function runs a fixed number of queries whatever the number of rows.
"""

import base64
import binascii
import datetime as dt
import functools
import json
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, JSONArray, NullIf
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from tracker.browse_sorts import SORTS
from tracker.filters import COUNTED_STATUSES, expected_in_period_q
from tracker.models import (
    Assignment,
    Document,
    Official,
    ProgressReport,
    ReportingPeriod,
    Task,
    TaskOfficial,
    Unit,
    UnitGroup,
    UnitSuccession,
)
from tracker.models.reporting import period_label
from tracker.schedule import Light, ScheduleStatus
from tracker.statements import CompiledOnce

LIGHT_ORDER = [Light.RED, Light.YELLOW, Light.GREEN, Light.BLUE]
ROLE_ORDER = [
    Assignment.Role.LEAD,
    Assignment.Role.RESPONSIBLE,
    Assignment.Role.COOPERATING,
    Assignment.Role.IMPLEMENTING,
]
# One-character marks of the responsibility matrix (the legend spells them out).
ROLE_MARKS = {
    Assignment.Role.LEAD: pgettext_lazy("matrix mark", "牵"),
    Assignment.Role.COOPERATING: pgettext_lazy("matrix mark", "配"),
    Assignment.Role.IMPLEMENTING: pgettext_lazy("matrix mark", "落"),
    Assignment.Role.RESPONSIBLE: pgettext_lazy("matrix mark", "负"),
}


# --- keyset pagination -------------------------------------------------------------------


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None
    is_first: bool


def encode_cursor(sort: str, values: list) -> str:
    raw = json.dumps(
        [sort, [v.isoformat() if isinstance(v, dt.date) else v for v in values]],
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(sort: str, cursor: str | None, keys=None) -> list | None:
    """The key values in a cursor, or None when it is missing, malformed or for another sort."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, values = json.loads(raw)
    except (ValueError, binascii.Error, TypeError):
        return None
    keys = keys or SORTS.get(sort)
    if cursor_sort != sort or not isinstance(values, list) or len(values) != len(keys):
        return None
    decoded = []
    for (alias, _expression, _desc), value in zip(keys, values, strict=True):
        if alias == "k_deadline":
            try:
                value = dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                return None
        elif not isinstance(value, int) or isinstance(value, bool):
            return None
        decoded.append(value)
    return decoded


def _after_q(keys, values, *, backwards: bool) -> Q:
    """Rows strictly after `values` in the sort order (before them when backwards).

    (a, b, c) > (x, y, z) with mixed directions, written as nested ORs, plus a leading
    a ≥ x that lets PostgreSQL start its index scan at the cursor.
    """
    condition = Q()
    for index in range(len(keys) - 1, -1, -1):
        alias, _expression, descending = keys[index]
        forward = descending == backwards  # ascending going forward → "gt"
        strict = Q(**{f"{alias}__{'gt' if forward else 'lt'}": values[index]})
        condition = (
            strict if index == len(keys) - 1 else strict | (Q(**{alias: values[index]}) & condition)
        )
    first_alias, _expression, descending = keys[0]
    forward = descending == backwards
    return Q(**{f"{first_alias}__{'gte' if forward else 'lte'}": values[0]}) & condition


def keyset_page(
    queryset, sort: str, *, after=None, before=None, size: int, keys=None
) -> KeysetPage:
    """One page of a queryset already sorted by `sort_by_keys(…, keys)`.

    `keys` defaults to the task sort `SORTS[sort]`. `after`/`before` are cursors from a
    previous page. One query (two when a "previous" link reaches back past the first
    page, which is then shown instead).
    """
    keys = keys or SORTS[sort]
    aliases = [alias for alias, _e, _d in keys]
    before_values = decode_cursor(sort, before, keys)
    after_values = None if before_values else decode_cursor(sort, after, keys)
    if before_values:
        reverse = queryset.filter(_after_q(keys, before_values, backwards=True)).reverse()
        rows = list(reverse.annotate(**_key_annotations(keys))[: size + 1])
        if len(rows) > size:
            rows = rows[:size][::-1]
            return _page(rows, aliases, sort, more_after=True, more_before=True)
        after_values = None  # reached the start: show the first page
    page_qs = queryset
    if after_values:
        page_qs = page_qs.filter(_after_q(keys, after_values, backwards=False))
    rows = list(page_qs.annotate(**_key_annotations(keys))[: size + 1])
    more_after = len(rows) > size
    return _page(rows[:size], aliases, sort, more_after=more_after, more_before=bool(after_values))


def sort_by_keys(queryset, keys):
    """Order a queryset by keyset keys [(alias, expression, descending), …]."""
    queryset = queryset.alias(**{alias: expression for alias, expression, _desc in keys})
    return queryset.order_by(
        *[f"-{alias}" if descending else alias for alias, _expression, descending in keys]
    )


def _key_annotations(keys):
    return {f"{alias}_value": F(alias) for alias, _e, _d in keys}


def _page(rows, aliases, sort, *, more_after: bool, more_before: bool) -> KeysetPage:
    def cursor(row):
        if isinstance(row, dict):  # a values() row (with_row_details)
            return encode_cursor(sort, [row[f"{alias}_value"] for alias in aliases])
        return encode_cursor(sort, [getattr(row, f"{alias}_value") for alias in aliases])

    return KeysetPage(
        rows=rows,
        next_cursor=cursor(rows[-1]) if rows and more_after else None,
        previous_cursor=cursor(rows[0]) if rows and more_before else None,
        is_first=not more_before,
    )


# --- task rows ---------------------------------------------------------------------------


ROW_FIELDS = (
    "id",
    "document_id",
    "number",
    "printed_number",
    "title",
    "text",
    "deadline_on",
    "deadline_text",
    "light",
    "schedule_status",
    "reported_percent",
    "document__doc_number",
    "document__title",
)


def with_row_details(queryset):
    """Only the columns a task row shows, as dicts, with its plan's number and title and its
    units and officials as JSON text, all in the row query.

    Dicts: building 51 deferred Task and Document instances took 4 of the page query's
    7 ms. Units and officials in the same statement: two more queries with a 50-id IN list
    cost 7 ms of ORM work and round trips for 4 ms of SQL; as subqueries they add 2 ms
    to the row query (measured at city scale, tracker/views/browse.py's task list).
    """
    units_json, officials_json = _row_detail_sql(queryset.db)
    return queryset.values(*ROW_FIELDS).annotate(
        units_json=units_json, officials_json=officials_json
    )


@functools.cache
def _row_detail_sql(using: str) -> tuple[RawSQL, RawSQL]:
    """The two row-detail subqueries, compiled by the ORM once per database and from then on
    added as their SQL: resolving and compiling them took 1.4 ms of every list page.

    They are correlated on the outer query's task table, which a task queryset always
    names by its table name ("tracker_task"); their own tables carry the inner aliases the
    ORM gave them (U0, U2, …), which nothing outside the parentheses can see.
    """
    outer = Task.objects.using(using).all().query
    compiler = outer.get_compiler(using)
    subqueries = (
        _json_rows(
            Assignment,
            "role",
            "unit_id",
            Coalesce(NullIf("unit__short_name", Value("")), "unit__name"),  # the unit's label
            "group__name",
            "written_name",
        ),
        _json_rows(TaskOfficial, "official_id", "official__name"),
    )
    compiled = []
    for subquery in subqueries:
        sql, params = compiler.compile(subquery.resolve_expression(outer))
        compiled.append(RawSQL(sql, tuple(params), output_field=TextField()))
    return tuple(compiled)


def _json_rows(model, *fields):
    """A task's rows of `model` as JSON arrays [*fields, order, pk] in one text (the items
    of an array); `_parse_json_columns` reads them back in order. Arrays, not objects:
    the keys were two thirds of the text, and decoding it half of the rows' markup time.
    The order is applied after reading: SQLite before 3.44 cannot order inside an
    aggregate."""
    return Subquery(
        model.objects.filter(task_id=OuterRef("pk"))
        .order_by()
        .values("task_id")
        .annotate(
            items=StringAgg(
                Cast(JSONArray(*fields, "order", "pk"), TextField()), delimiter=Value(",")
            )
        )
        .values("items")
    )


_ITEM_ORDER = operator.itemgetter(-2, -1)  # order, pk: the last two of each item


def _parse_json_columns(rows: list[dict], *columns: str) -> list[tuple[list[list], ...]]:
    """The `_json_rows` texts of `columns` in every row, decoded in one json.loads call
    (a hundred small calls cost a tenth of a millisecond more) and each put in order."""
    texts = ",".join(f"[{row[column] or ''}]" for row in rows for column in columns)
    decoded = json.loads(f"[{texts}]")
    for items in decoded:
        items.sort(key=_ITEM_ORDER)
    width = len(columns)
    return [tuple(decoded[i : i + width]) for i in range(0, len(decoded), width)]


class UrlPattern:
    """Builds /units/<pk>/-style URLs by string, not one reverse() per link and row."""

    MARK = 987654321

    def __init__(self, name: str):
        try:
            self.before, self.after = reverse(name, args=[self.MARK]).split(str(self.MARK))
        except NoReverseMatch:
            self.before = None
        # The link of a pk and text: the same units, officials and plans recur on every
        # page (a renamed unit is a new text, so a new key).
        self.link = functools.lru_cache(maxsize=4096)(self._link)

    @classmethod
    def of(cls, name: str) -> "UrlPattern":
        """The pattern of `name` under the current URL prefix and URLconf (built once each)."""
        return _url_pattern(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)

    def __call__(self, pk) -> str | None:
        return None if self.before is None else f"{self.before}{pk}{self.after}"

    def _link(self, pk, text) -> str:
        return _link(self(pk), text)


@functools.lru_cache(maxsize=64)
def _url_pattern(name: str, _script_prefix: str, _urlconf: str) -> UrlPattern:
    return UrlPattern(name)  # the prefix and URLconf are the key; reverse() reads them


def _link(url, text, css=""):
    attrs = f' class="{css}"' if css else ""
    if url:
        return f'<a href="{url}"{attrs}>{escape(text)}</a>'
    return f"<span{attrs}>{escape(text)}</span>" if css else escape(text)


@functools.lru_cache(maxsize=16)
def _row_labels(language: str) -> tuple[dict, dict]:
    """The escaped light and status labels of task rows, translated once per language."""
    return (
        {value: escape(str(label)) for value, label in Light.choices},
        {value: escape(str(label)) for value, label in ScheduleStatus.choices},
    )


class TaskRows(list):
    """The rows of `describe_rows`, with the table body's markup as one text (`html`):
    one {{ rows.html }} instead of one {{ row.html }} per row in a template loop."""

    @functools.cached_property
    def html(self) -> str:
        return SafeString("".join(row["html"] for row in self))  # built and escaped below


# The task row's two unit columns and the roles they show, in this order.
_LEAD_ROLES = (Assignment.Role.LEAD.value, Assignment.Role.RESPONSIBLE.value)
_OTHER_ROLES = (Assignment.Role.COOPERATING.value, Assignment.Role.IMPLEMENTING.value)
assert set(_LEAD_ROLES + _OTHER_ROLES) == set(Assignment.Role.values), "place the new role"
_ROLE_SLOT = {role: slot for slot, role in enumerate(_LEAD_ROLES + _OTHER_ROLES)}


def describe_rows(tasks) -> TaskRows:
    """One page of task rows (dicts of `with_row_details`) with their table markup (no query).

    Each row carries its values (for tests and other layouts) and `html`, its <tr> built
    here: the row template's 15 tags per row were a third of the task list's time
    (8 of 50 ms for 50 rows).
    """
    tasks = list(tasks)
    unit_link = UrlPattern.of("unit_portfolio").link
    official_link = UrlPattern.of("official_portfolio").link
    task_url, plan_pattern = UrlPattern.of("task_detail"), UrlPattern.of("document_detail")
    light_labels, status_labels = _row_labels(get_language())
    no_deadline = f'<span class="muted">{escape(_("未规定"))}</span>'
    not_reported = f'<span class="muted">{escape(_("未报送"))}</span>'
    details = _parse_json_columns(tasks, "units_json", "officials_json")
    rows = TaskRows()
    for task, (assignments, officials_of_task) in zip(tasks, details, strict=True):
        by_role = ([], [], [], [])  # _LEAD_ROLES, then _OTHER_ROLES
        for role, unit_id, unit_label, group, written, _order, _pk in assignments:
            if unit_id:
                html = unit_link(unit_id, unit_label)
            elif group:
                html = escape(group)
            else:
                html = _link(None, written, "unknown")
            by_role[_ROLE_SLOT[role]].append(html)
        task_id, label = task["id"], task["title"] or task["text"]
        light, deadline_on, percent = task["light"], task["deadline_on"], task["reported_percent"]
        row = {
            "id": task_id,
            "url": task_url(task_id),
            "number": task["printed_number"] or task["number"],
            "label": label if len(label) <= 90 else label[:89] + "…",
            "plan_url": plan_pattern(task["document_id"]),
            "plan": task["document__doc_number"] or task["document__title"][:24],
            "light": light,
            "light_label": light_labels.get(light, light),
            "status_label": status_labels.get(task["schedule_status"], task["schedule_status"]),
            "officials": "、".join(  # escaped in _link
                [official_link(pk, name) for pk, name, _o, _pk in officials_of_task]
            ),
            "leads": "、".join(by_role[0] + by_role[1]),
            "others": "、".join(by_role[2] + by_role[3]),
            "deadline": deadline_on,
            "deadline_text": task["deadline_text"][:16],
            "percent": percent,
        }
        if deadline_on:
            deadline = deadline_on.isoformat()
        elif row["deadline_text"]:
            deadline = f'<span class="muted">{escape(row["deadline_text"])}</span>'
        else:
            deadline = no_deadline
        # SafeString, not mark_safe(): the same thing for a str, without mark_safe's check
        # for lazy arguments (a tenth of a millisecond over a page's rows).
        row["html"] = SafeString(  # every text here is escaped here or in _link
            f'<tr><td class="nowrap"><span class="light light-{escape(light)}"'
            f' aria-hidden="true"></span>{row["light_label"]}'
            f'<span class="muted"> · {row["status_label"]}</span></td>'
            f'<td class="task-text"><span class="task-number">{escape(row["number"])}</span> '
            f"{_link(row['url'], row['label'])}</td>"
            f'<td class="nowrap">{plan_pattern.link(task["document_id"], row["plan"])}</td>'
            f"<td>{row['officials']}</td><td>{row['leads']}</td><td>{row['others']}</td>"
            f'<td class="nowrap">{deadline}</td><td class="nowrap">'
            f"{not_reported if percent is None else f'{percent}%'}</td></tr>\n"
        )
        rows.append(row)
    return rows


# --- choices of the big filters (units, plans) -------------------------------------------

# At most this many matches of a unit or plan lookup are offered at once.
LOOKUP_LIMIT = 50


def unit_choices(term: str, *, limit: int = LOOKUP_LIMIT) -> list[tuple]:
    """Units whose name or short name contains `term`: [(pk, label, kind label)] (1 query).

    The task list no longer sends all 2,000 units with every page; the unit control
    offers the chosen unit and what a lookup found (tracker/views/browse.py).
    """
    term = term.strip()[:50]
    if not term:
        return []
    units = (
        Unit.objects.filter(Q(name__contains=term) | Q(short_name__contains=term))
        .order_by("kind", "name", "pk")
        .values_list("pk", "name", "short_name", "kind", "dissolved_on")[:limit]
    )
    return [unit_choice(*row) for row in units]


def unit_choice(pk, name, short_name, kind, dissolved_on) -> tuple:
    label = (short_name or name) + (_("（已撤销）") if dissolved_on else "")
    return (pk, label, str(Unit.Kind(kind).label) if kind in Unit.Kind.values else kind)


def plan_choices(term: str, *, limit: int = LOOKUP_LIMIT) -> list[tuple]:
    """Plans (documents with tasks) whose 文号 or title contains `term`, newest first:
    [(pk, label, year label)] (1 query, served by the trigram indexes on PostgreSQL)."""
    term = term.strip()[:50]
    if not term:
        return []
    plans = (
        Document.objects.filter(Q(doc_number__contains=term) | Q(title__contains=term))
        .filter(Exists(Task.objects.filter(document=OuterRef("pk"))))
        .order_by("-year", "doc_number", "pk")
        .values_list("pk", "doc_number", "title", "year")[:limit]
    )
    return [plan_choice(*row) for row in plans]


def plan_choice(pk, doc_number, title, year) -> tuple:
    return (pk, f"{doc_number or ''} {title[:40]}".strip(), _("%(year)s年") % {"year": year})


PLAN_YEARS = CompiledOnce(lambda: Document.objects.order_by("-year").values_list("year").distinct())
OFFICIAL_ROWS = CompiledOnce(
    lambda: Official.objects.order_by("name", "pk").values_list("pk", "name", "position")
)
PERIOD_ROWS = CompiledOnce(
    lambda: ReportingPeriod.objects.order_by("-starts_on", "cadence").values_list(
        "pk", "cadence", "year", "index"
    )
)


def year_choices() -> list[tuple[int, str]]:
    """The years that have plans, newest first (1 query)."""
    return [(year, str(year)) for (year,) in PLAN_YEARS.rows()]


def official_choices() -> list[tuple[int, str]]:
    """Every official as 姓名（职务）, by name (1 query)."""
    return [
        (pk, f"{name}（{position}）" if position else name)
        for pk, name, position in OFFICIAL_ROWS.rows()
    ]


def period_choices() -> tuple[tuple[int, str], ...]:
    """Every reporting period, newest first (1 query)."""
    return _labelled_periods(tuple(PERIOD_ROWS.rows()), get_language())


@functools.lru_cache(maxsize=16)
def _labelled_periods(rows: tuple, language: str) -> tuple[tuple[int, str], ...]:
    """Period labels, made once per list of periods and language (keyed by the rows
    themselves, so a new period shows at once): three dozen gettext calls per page."""
    return tuple((pk, period_label(cadence, year, index)) for pk, cadence, year, index in rows)


# --- the responsibility matrix -----------------------------------------------------------


@dataclass
class MatrixColumn:
    key: str
    label: str
    title: str
    kind_label: str
    url: str | None = None
    members: list[str] = field(default_factory=list)
    dissolved: bool = False


@dataclass
class Matrix:
    columns: list[MatrixColumn]
    column_groups: list[tuple[str, int]]
    sections: list[dict]
    task_count: int
    light_counts: dict


def plan_matrix(document, *, visible_ids: set[int], shown_ids: set[int] | None) -> Matrix:
    """Tasks × units of one plan (6 queries).

    `visible_ids`: the plan's leaf tasks the user may read; `shown_ids`: those that pass
    the list filters (None: all). Sections are top-level items with children.
    """
    tasks = list(
        Task.objects.filter(document=document)
        .only(
            "pk",
            "parent_id",
            "number",
            "printed_number",
            "title",
            "text",
            "is_leaf",
            "order",
            "deadline_on",
            "deadline_text",
            "light",
            "schedule_status",
        )
        .order_by("order", "pk")
    )
    assignments = list(
        Assignment.objects.filter(task__document=document)
        .values_list("task_id", "unit_id", "group_id", "written_name", "role", "consolidates")
        .order_by("order", "pk")
    )
    officials = defaultdict(list)
    for link in TaskOfficial.objects.filter(task__document=document).select_related("official"):
        officials[link.task_id].append(link.official.name)

    unit_ids = {a[1] for a in assignments if a[1]}
    group_ids = {a[2] for a in assignments if a[2]}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    groups = {
        g.pk: g for g in UnitGroup.objects.filter(pk__in=group_ids).prefetch_related("members")
    }
    successors = {}
    for succession in UnitSuccession.objects.filter(predecessor_id__in=unit_ids).select_related(
        "successor"
    ):
        successors[succession.predecessor_id] = succession.successor

    shown = visible_ids if shown_ids is None else visible_ids & shown_ids
    # Columns: units by kind, most-assigned first; then groups; then unknown names.
    uses = Counter()
    cells = defaultdict(dict)
    for task_id, unit_id, group_id, written, role, consolidates in assignments:
        if task_id not in shown:
            continue
        key = f"u{unit_id}" if unit_id else f"g{group_id}" if group_id else f"p{written}"
        uses[key] += 1
        mark = ROLE_MARKS[role] + ("★" if consolidates else "")
        previous = cells[task_id].get(key)
        cells[task_id][key] = {
            "mark": f"{previous['mark']}{mark}" if previous else mark,
            "role": role,
            "label": Assignment.Role(role).label,
        }
    kind_rank = {kind: i for i, kind in enumerate(Unit.Kind.values)}
    columns = []
    unit_keys = sorted(
        (key for key in uses if key.startswith("u")),
        key=lambda k: (kind_rank[units[int(k[1:])].kind], -uses[k], units[int(k[1:])].name),
    )
    for key in unit_keys:
        unit = units[int(key[1:])]
        successor = successors.get(unit.pk)
        title = unit.name
        if successor is not None:
            title = f"{unit.name}（现{successor}）"
        columns.append(
            MatrixColumn(
                key=key,
                label=str(unit),
                title=title,
                kind_label=unit.get_kind_display(),
                url=unit.get_absolute_url(),
                dissolved=unit.dissolved_on is not None,
            )
        )
    for key in sorted((k for k in uses if k.startswith("g")), key=lambda k: -uses[k]):
        group = groups[int(key[1:])]
        members = [str(m) for m in group.members.all()]
        columns.append(
            MatrixColumn(
                key=key,
                label=group.name,
                title=f"{group.name}：{'、'.join(members)}",
                kind_label=str(_("单位组")),
                members=members,
            )
        )
    for key in sorted(k for k in uses if k.startswith("p")):
        columns.append(
            MatrixColumn(key=key, label=key[1:], title=key[1:], kind_label=str(_("待确认单位")))
        )
    column_groups = []
    for column in columns:
        if column_groups and column_groups[-1][0] == column.kind_label:
            column_groups[-1] = (column.kind_label, column_groups[-1][1] + 1)
        else:
            column_groups.append((column.kind_label, 1))

    # Rows: keep the outline; a section appears when any of its tasks is shown.
    children_of = defaultdict(list)
    for task in tasks:
        children_of[task.parent_id].append(task)
    sections = []
    loose = []
    light_counts = Counter()

    def rows_under(node, depth):
        rows = []
        for child in children_of[node.pk]:
            if child.is_leaf:
                if child.pk in shown:
                    light_counts[child.light] += 1
                    rows.append(_matrix_row(child, depth, cells, columns, officials))
            else:
                inner = rows_under(child, depth + 1)
                if inner:
                    rows.append(_matrix_row(child, depth, cells, columns, officials, heading=True))
                    rows.extend(inner)
        return rows

    for top in children_of[None]:
        if top.is_leaf:
            if top.pk in shown:
                light_counts[top.light] += 1
                loose.append(_matrix_row(top, 0, cells, columns, officials))
            continue
        rows = rows_under(top, 0)
        if rows:
            sections.append({"task": top, "rows": rows})
    if loose:
        sections.insert(0, {"task": None, "rows": loose})
    return Matrix(
        columns=columns,
        column_groups=column_groups,
        sections=sections,
        task_count=sum(light_counts.values()),
        light_counts={light: light_counts.get(light, 0) for light in LIGHT_ORDER},
    )


def _matrix_row(task, depth, cells, columns, officials, heading=False):
    row_cells = cells.get(task.pk, {})
    parts = []
    for column in columns:
        cell = row_cells.get(column.key)
        if cell is None:
            parts.append('<td class="cell"></td>')
        else:
            parts.append(
                f'<td class="cell role-{cell["role"]}" title="{escape(str(cell["label"]))}">'
                f"{escape(cell['mark'])}</td>"
            )
    return {
        "task": task,
        "depth": depth,
        "heading": heading,
        "officials": officials.get(task.pk, []),
        # 60 rows × 80 units: joined here, not through 4,800 template loop iterations.
        "cells_html": mark_safe("".join(parts)),
    }


# --- portfolios and the dashboard --------------------------------------------------------


def light_counts(tasks) -> dict:
    counts = dict(tasks.order_by().values_list("light").annotate(n=Count("pk")))
    return {light: counts.get(light, 0) for light in LIGHT_ORDER}


def recent_periods(*, cadence: str = "quarterly", limit: int = 8, today=None) -> list:
    """The last `limit` periods that have started, oldest first."""
    today = today or timezone.localdate()
    periods = ReportingPeriod.objects.filter(cadence=cadence, starts_on__lte=today).order_by(
        "-starts_on"
    )[:limit]
    return list(periods)[::-1]


def current_period(today=None, *, cadence: str = "quarterly") -> ReportingPeriod | None:
    """The period being chased: the latest that has ended, else the earliest that started."""
    today = today or timezone.localdate()
    periods = ReportingPeriod.objects.filter(cadence=cadence)
    return (
        periods.filter(ends_on__lt=today).order_by("-ends_on").first()
        or periods.filter(starts_on__lte=today).order_by("starts_on").first()
        or periods.order_by("starts_on").first()
    )


def report_counts(reports, key_field: str) -> dict:
    """{key: {"in", "late", "returned"}} for reports grouped by `key_field` (1 query).

    In: submitted or accepted. Late: in, but submitted after the period's due date
    (dates in Asia/Shanghai). Returned: sent back by the office and not yet resubmitted.
    """
    counted = Q(status__in=COUNTED_STATUSES)
    rows = (
        reports.order_by()
        .values(key_field)
        .annotate(
            n_in=Count("pk", filter=counted),
            n_late=Count("pk", filter=counted & Q(submitted_at__date__gt=F("period__due_on"))),
            n_returned=Count("pk", filter=Q(status=ProgressReport.Status.RETURNED)),
        )
    )
    return {
        row[key_field]: {"in": row["n_in"], "late": row["n_late"], "returned": row["n_returned"]}
        for row in rows
    }


def period_trend(tasks, periods, *, unit_ids=None) -> list[dict]:
    """Per period: reports expected, in, late, missing and returned for these tasks (2 queries).

    With `unit_ids`, the units' own reports (parts or consolidated) on their tasks; without,
    the consolidated reports. Expected counts tasks expected in each period.
    """
    if not periods:
        return []
    by_year_cadence = Counter()
    for year, cadence, n in (
        tasks.filter(~Q(schedule_status="done"))
        .order_by()
        .values_list("document__year", "document__reporting_cadence")
        .annotate(n=Count("pk"))
    ):
        by_year_cadence[(year, cadence)] += n
    reports = ProgressReport.objects.filter(task__in=tasks.values("pk"), period__in=periods)
    reports = (
        reports.filter(unit_id__in=unit_ids) if unit_ids else reports.filter(is_consolidated=True)
    )
    counts = report_counts(reports, "period_id")
    trend = []
    for period in periods:
        expected = sum(
            n
            for (year, cadence), n in by_year_cadence.items()
            if year <= period.year and cadence == period.cadence
        )
        bucket = counts.get(period.pk, {"in": 0, "late": 0, "returned": 0})
        trend.append(
            {
                "period": period,
                "expected": expected,
                "in": bucket["in"],
                "on_time": bucket["in"] - bucket["late"],
                "late": bucket["late"],
                "returned": bucket["returned"],
                "missing": max(expected - bucket["in"] - bucket["returned"], 0),
            }
        )
    return trend


def dashboard_data(tasks, period: ReportingPeriod, *, limit: int = 30) -> dict:
    """Per plan and per unit for one period: expected, in, late, missing, returned (6 queries)."""
    expected_tasks = tasks.filter(expected_in_period_q(period))
    counted = ProgressReport.objects.filter(period=period, task__in=expected_tasks.values("pk"))

    plans = {
        row["document_id"]: {
            "id": row["document_id"],
            "doc_number": row["document__doc_number"],
            "title": row["document__title"],
            "expected": row["n"],
            "red": row["red"],
        }
        for row in expected_tasks.order_by()
        .values("document_id", "document__doc_number", "document__title")
        .annotate(n=Count("pk"), red=Count("pk", filter=Q(light=Light.RED)))
    }
    plan_reports = report_counts(counted.filter(is_consolidated=True), "task__document_id")
    plan_rows = [_merge(plan, plan_reports.get(pk)) for pk, plan in plans.items()]

    # Units: direct assignments, plus each member of an assigned unit group.
    expected_by_unit = Counter(
        dict(
            Assignment.objects.filter(task__in=expected_tasks.values("pk"), unit__isnull=False)
            .order_by()
            .values_list("unit_id")
            .annotate(n=Count("pk"))
        )
    )
    group_counts = dict(
        Assignment.objects.filter(task__in=expected_tasks.values("pk"), group__isnull=False)
        .order_by()
        .values_list("group_id")
        .annotate(n=Count("pk"))
    )
    for group_id, unit_id in UnitGroup.members.through.objects.filter(
        unitgroup_id__in=list(group_counts)
    ).values_list("unitgroup_id", "unit_id"):
        expected_by_unit[unit_id] += group_counts[group_id]
    red_led = dict(
        Assignment.objects.filter(
            task__in=expected_tasks.filter(light=Light.RED).values("pk"),
            role__in=[Assignment.Role.LEAD, Assignment.Role.RESPONSIBLE],
            unit__isnull=False,
        )
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("task_id", distinct=True))
    )
    unit_reports = report_counts(counted, "unit_id")
    unit_ids = set(expected_by_unit) | set(unit_reports)
    names = {
        pk: short or name
        for pk, short, name in Unit.objects.filter(pk__in=unit_ids).values_list(
            "pk", "short_name", "name"
        )
    }
    unit_rows = [
        _merge(
            {
                "id": pk,
                "name": names.get(pk, ""),
                "expected": expected_by_unit.get(pk, 0),
                "red": red_led.get(pk, 0),
            },
            unit_reports.get(pk),
        )
        for pk in unit_ids
    ]
    for row in unit_rows:
        row["behind_score"] = row["missing"] + row["late"] + row["returned"] + row["red"]
    behind = sorted(
        (r for r in unit_rows if r["behind_score"]),
        key=lambda r: (-r["behind_score"], -r["missing"], r["name"]),
    )
    totals = {
        key: sum(r[key] for r in plan_rows)
        for key in ("expected", "in", "late", "missing", "returned", "on_time")
    }
    plan_rows.sort(key=lambda r: (-r["missing"], -r["late"], r["doc_number"] or ""))
    unit_rows.sort(key=lambda r: (-r["missing"], -r["late"], r["name"]))
    return {
        "totals": totals,
        "plans": plan_rows[:limit],
        "plan_count": len(plan_rows),
        "units": unit_rows[:limit],
        "unit_count": len(unit_rows),
        "behind": behind[:10],
    }


def _merge(row: dict, counts: dict | None) -> dict:
    counts = counts or {"in": 0, "late": 0, "returned": 0}
    row.update(
        {
            "in": counts["in"],
            "late": counts["late"],
            "on_time": counts["in"] - counts["late"],
            "returned": counts["returned"],
            "missing": max(row["expected"] - counts["in"] - counts["returned"], 0),
        }
    )
    return row
