"""Seeing the work at city scale: task list, plans and their matrix, portfolios, dashboard.

Every page runs a fixed number of queries whatever the number of rows; lists page by
keyset (tracker/selectors_browse.py), so a deep page costs what the first one costs.
"""

import functools
import html
import math

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tracker.access import member_unit_ids, role_of
from tracker.browse_sorts import PLAN_KEYS
from tracker.filters import (
    SORT_CHOICES,
    DocumentFilterSet,
    browse_base_queryset,
    sort_tasks,
    task_filterset,
    unit_task_ids,
)
from tracker.fragments import TASK_LIST_PAGE, render_page
from tracker.models import (
    Assignment,
    Document,
    Official,
    Profile,
    ReportingPeriod,
    Task,
    TaskOfficial,
    Unit,
)
from tracker.schedule import Light, ScheduleStatus
from tracker.selectors import unit_scope
from tracker.selectors_browse import (
    LIGHT_ORDER,
    ROLE_MARKS,
    ROLE_ORDER,
    current_period,
    dashboard_data,
    describe_rows,
    keyset_page,
    light_counts,
    official_choices,
    period_choices,
    period_trend,
    plan_choice,
    plan_choices,
    plan_matrix,
    recent_periods,
    sort_by_keys,
    unit_choice,
    unit_choices,
    with_row_details,
    year_choices,
)

# Parameters that move through pages rather than filter them.
PAGING_PARAMS = ("after", "before", "page")
LIGHT_COLOURS = {
    Light.RED: "#d93025",
    Light.YELLOW: "#f9ab00",
    Light.GREEN: "#188038",
    Light.BLUE: "#1a73e8",
}


def route_exists(name: str) -> bool:
    """Pages of other areas link here only once they exist (task page, Excel export, …)."""
    try:
        reverse(name, args=[1]) if name in {"task_detail", "export_ledger"} else reverse(name)
    except NoReverseMatch:
        return False
    return True


def sees_everything(user) -> bool:
    return role_of(user) in (Profile.Role.SUPERVISOR, Profile.Role.VIEWER)


def page_size() -> int:
    return settings.BROWSE_PAGE_SIZE


def _options(choices, selected: str, *, blank: str | None = "") -> str:
    """<option> elements for [(value, label[, optgroup]), …] with `selected` marked.

    Built with plain escaping (thousands of units and plans render in a millisecond rather
    than through one widget template per option), and remembered by the choices themselves:
    the same officials and periods come back on every page, and escaping them again was
    half a millisecond of the task list. A changed list is a different key, never stale.
    """
    choices = tuple(tuple(choice) for choice in choices)
    if all(str(choice[0]) != selected for choice in choices):
        selected = ""  # not a choice: nothing is marked, and nothing unbounded is cached
    return _build_options(choices, selected, None if blank is None else str(blank))


@functools.lru_cache(maxsize=512)
def _build_options(choices: tuple, selected: str, blank: str | None) -> str:
    parts = [f'<option value="">{html.escape(blank)}</option>'] if blank is not None else []
    group = None
    for choice in choices:
        value, label = str(choice[0]), str(choice[1])
        optgroup = str(choice[2]) if len(choice) > 2 else None
        if optgroup != group:
            if group is not None:
                parts.append("</optgroup>")
            if optgroup is not None:
                parts.append(f'<optgroup label="{html.escape(optgroup)}">')
            group = optgroup
        mark = " selected" if value == selected else ""
        parts.append(f'<option value="{html.escape(value)}"{mark}>{html.escape(label)}</option>')
    if group is not None:
        parts.append("</optgroup>")
    return mark_safe("".join(parts))  # every value above is escaped


# Choice lists fixed in code, with the label of their empty option (None: no empty option).
CODE_CHOICES = {
    "role": (Assignment.Role.choices, gettext_lazy("任意角色")),
    "status": (ScheduleStatus.choices, gettext_lazy("全部")),
    "light": (Light.choices, gettext_lazy("全部")),
    "overdue": (
        [("true", gettext_lazy("仅逾期")), ("false", gettext_lazy("不含逾期"))],
        gettext_lazy("全部"),
    ),
    "sort": (SORT_CHOICES, None),
}


def code_options(name: str, selected: str) -> str:
    """The <option>s of a choice list fixed in code (CODE_CHOICES), in the active language."""
    blank = CODE_CHOICES[name][1]
    return _options(
        _translated(name, get_language()), selected, blank=None if blank is None else str(blank)
    )


@functools.lru_cache(maxsize=64)
def _translated(name: str, language: str) -> tuple:
    """A CODE_CHOICES list with its labels translated once per language (they are lazy)."""
    return tuple((value, str(label)) for value, label in CODE_CHOICES[name][0])


# Search terms of the unit and plan lookups: they fill those two controls, never filter.
LOOKUP_PARAMS = ("unit_find", "plan_find")


def task_filter_fields(request, filterset) -> dict:
    """The task list's filter controls with their current values (4–6 queries).

    Units (2,000) and plans (1,700) are not sent in full with every page: their controls
    offer the chosen value (already read by the FilterSet) and, after a lookup
    (`unit_find` / `plan_find`, or the JSON lookup the page's script calls), the matches.
    """
    get = request.GET
    filterset.form.is_valid()  # validated already by .qs; the valid fields are cleaned
    cleaned = filterset.form.cleaned_data
    unit = cleaned.get("unit")
    unit_options = unit_choices(get.get("unit_find", ""))
    if unit is not None and all(pk != unit.pk for pk, _label, _group in unit_options):
        unit_options.insert(
            0, unit_choice(unit.pk, unit.name, unit.short_name, unit.kind, unit.dissolved_on)
        )
    plan = cleaned.get("plan")
    plan_options = plan_choices(get.get("plan_find", ""))
    if plan is not None and all(pk != plan.pk for pk, _label, _group in plan_options):
        plan_options.insert(0, plan_choice(plan.pk, plan.doc_number, plan.title, plan.year))
    section_choices = []
    if get.get("plan", "").isdigit():
        for pk, number, printed, title, text in (
            Task.objects.filter(document_id=int(get["plan"]), is_leaf=False)
            .order_by("order", "pk")
            .values_list("pk", "number", "printed_number", "title", "text")
        ):
            indent = "　" * number.count(".")
            section_choices.append((pk, f"{indent}{printed or number} {(title or text)[:30]}"))
    return {
        "q": get.get("q", ""),
        "deadline_after": get.get("deadline_after", ""),
        "deadline_before": get.get("deadline_before", ""),
        "year": _options(year_choices(), get.get("year", ""), blank=_("全部")),
        "plan": _options(plan_options, get.get("plan", ""), blank=_("全部")),
        "section": _options(section_choices, get.get("section", ""), blank=_("全部")),
        "unit": _options(unit_options, get.get("unit", ""), blank=_("全部")),
        "unit_find": get.get("unit_find", ""),
        "plan_find": get.get("plan_find", ""),
        "role": code_options("role", get.get("role", "")),
        "official": _options(official_choices(), get.get("official", ""), blank=_("全部")),
        "status": code_options("status", get.get("status", "")),
        "light": code_options("light", get.get("light", "")),
        "overdue": code_options("overdue", get.get("overdue", "")),
        "missing": _options(period_choices(), get.get("missing", ""), blank=_("不限")),
        "sort": code_options("sort", get.get("sort", "")),
        "has_sections": bool(section_choices),
    }


# Counting stops here: "more than 10,000" is as useful as the exact number and bounds the
# COUNT on an unfiltered city-wide list (it was the slowest statement of the page).
COUNT_CAP = 10_000


def capped_count(queryset) -> int:
    """The number of rows, counting no further than COUNT_CAP + 1.

    The ORM's `count()` of a sliced queryset rebuilt the whole filtered query inside an
    aggregation (0.5 ms of Python per list page); this counts the compiled id query,
    the same statement PostgreSQL plans the same way.
    """
    ids = queryset.order_by().values("pk")[: COUNT_CAP + 1]
    try:
        sql, params = ids.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # e.g. the `.none()` of an invalid filter
        return 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) capped", params)
        return cursor.fetchone()[0]


def filter_querystring(request) -> str:
    params = request.GET.copy()
    for name in PAGING_PARAMS + LOOKUP_PARAMS:
        params.pop(name, None)
    return params.urlencode()


def pager(request, page, total: int) -> dict:
    """Links of a keyset page: first, previous, next; and "page N of M" for orientation."""
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    if page.is_first:
        number = 1
    base = filter_querystring(request)
    joiner = "&" if base else ""

    def link(**params):
        from urllib.parse import urlencode

        return "?" + base + joiner + urlencode(params)

    return {
        "number": number,
        "pages": max(math.ceil(total / page_size()), 1),
        "total": total,
        "capped": total > COUNT_CAP,
        "cap": COUNT_CAP,
        "first": "?" + base if not page.is_first else None,
        "previous": link(before=page.previous_cursor, page=number - 1)
        if page.previous_cursor
        else None,
        "next": link(after=page.next_cursor, page=number + 1) if page.next_cursor else None,
    }


@login_required
def task_list(request):
    filterset = task_filterset(request)
    tasks = filterset.qs
    sort = filterset.sort_key
    page = keyset_page(
        with_row_details(tasks),
        sort,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=page_size(),
    )
    total = capped_count(tasks)
    query = filter_querystring(request)
    export_links = None
    if route_exists("export_task_list"):
        base = reverse("export_task_list") + "?" + (query + "&" if query else "")
        export_links = {"xlsx": base + "format=xlsx", "csv": base + "format=csv"}
    # A page Fragment, not render(): the page around the rows is the same text for every
    # request of a language and role (tracker/fragments.py).
    return render_page(
        request,
        TASK_LIST_PAGE,
        {
            "fields": task_filter_fields(request, filterset),
            "rows": describe_rows(page.rows),
            "pager": pager(request, page, total),
            "export_links": export_links,
            "errors_html": form_errors_html(filterset.form.errors if filterset.is_bound else None),
        },
    )


def form_errors_html(errors) -> str:
    """A filter form's errors above the list (nothing when there are none)."""
    if not errors:
        return ""
    items = format_html_join(
        "", "<li>{}</li>", ((message,) for messages in errors.values() for message in messages)
    )
    return SafeString(
        f'<div class="messages"><ul class="errorlist" role="alert">{items}</ul></div>'
    )


@login_required
def task_filter_choices(request, kind: str):
    """The unit or plan lookup of the task list's filters, as JSON for its script:
    {"results": [{"value": pk, "label": …, "group": …}, …]} (at most LOOKUP_LIMIT)."""
    finders = {"units": unit_choices, "plans": plan_choices}
    if kind not in finders:
        raise Http404
    results = [
        {"value": pk, "label": str(label), "group": str(group)}
        for pk, label, group in finders[kind](request.GET.get("q", ""))
    ]
    return JsonResponse({"results": results})


@login_required
def document_list(request):
    documents = Document.objects.all()
    if not sees_everything(request.user):
        documents = documents.filter(
            pk__in=browse_base_queryset(request.user).values("document_id")
        )
    filterset = DocumentFilterSet(request.GET, queryset=documents, request=request)
    sorted_docs = sort_by_keys(filterset.qs, PLAN_KEYS)
    page = keyset_page(
        sorted_docs,
        "plans",
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=page_size(),
        keys=PLAN_KEYS,
    )
    total = capped_count(filterset.qs)
    ids = [doc.pk for doc in page.rows]
    counts = {}
    for document_id, light, n in (
        Task.objects.filter(document_id__in=ids, is_leaf=True)
        .order_by()
        .values_list("document_id", "light")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(document_id, dict.fromkeys(LIGHT_ORDER, 0))[light] = n
    rows = []
    for doc in page.rows:
        lights = counts.get(doc.pk, dict.fromkeys(LIGHT_ORDER, 0))
        rows.append({"document": doc, "lights": lights, "tasks": sum(lights.values())})
    return render(
        request,
        "browse/document_list.html",
        {
            "rows": rows,
            "pager": pager(request, page, total),
            "year_options": _options(year_choices(), request.GET.get("year", ""), blank=_("全部")),
            "light_choices": [(light, Light(light).label) for light in LIGHT_ORDER],
        },
    )


@login_required
def document_detail(request, pk: int):
    """The plan with its responsibility matrix (tasks × units), filtered like the task list."""
    document = get_object_or_404(Document.objects.select_related("gazette_issue"), pk=pk)
    base = browse_base_queryset(request.user).filter(document=document)
    visible_ids = set(base.values_list("pk", flat=True))
    if not visible_ids and not sees_everything(request.user):
        raise Http404
    filter_params = request.GET.copy()
    filter_params.pop("plan", None)
    for name in PAGING_PARAMS + ("sort",):
        filter_params.pop(name, None)
    shown_ids = None
    filterset = None
    if any(value for value in filter_params.values()):
        filterset = task_filterset(request, data=filter_params, queryset=base)
        shown_ids = set(filterset.qs.values_list("pk", flat=True))
    matrix = plan_matrix(document, visible_ids=visible_ids, shown_ids=shown_ids)
    return render(
        request,
        "browse/document_detail.html",
        {
            "document": document,
            "matrix": matrix,
            "filtered": filterset is not None,
            "q": request.GET.get("q", ""),
            "light": request.GET.get("light", ""),
            "light_options": code_options("light", request.GET.get("light", "")),
            "light_rows": [
                {"light": light, "label": Light(light).label, "n": n}
                for light, n in matrix.light_counts.items()
            ],
            "task_links": route_exists("task_detail"),
            "ledger_link": reverse("export_ledger", args=[document.pk])
            if route_exists("export_ledger")
            else None,
            "role_legend": [
                (ROLE_MARKS[Assignment.Role.LEAD], _("牵头")),
                (ROLE_MARKS[Assignment.Role.COOPERATING], _("配合")),
                (ROLE_MARKS[Assignment.Role.IMPLEMENTING], _("负责落实")),
                (ROLE_MARKS[Assignment.Role.RESPONSIBLE], _("共同负责")),
                ("★", _("汇总报送")),
            ],
        },
    )


def _chart(chart_id, kind, labels, datasets, *, stacked=False, horizontal=False, caption=""):
    """The data of one chart; the template draws the same numbers as a table."""
    return {
        "id": chart_id,
        "data_id": f"{chart_id}-data",
        "caption": caption,
        "labels": [str(label) for label in labels],
        "datasets": datasets,
        "config": {
            "type": kind,
            "labels": [str(label) for label in labels],
            "datasets": [
                {"label": str(d["label"]), "data": d["data"], "color": d["color"]} for d in datasets
            ],
            "stacked": stacked,
            "horizontal": horizontal,
        },
        "rows": [(str(label), [d["data"][i] for d in datasets]) for i, label in enumerate(labels)],
    }


def _trend_chart(chart_id, trend, caption):
    labels = [str(row["period"]) for row in trend]
    return _chart(
        chart_id,
        "bar",
        labels,
        [
            {"label": _("按时报送"), "data": [r["on_time"] for r in trend], "color": "#188038"},
            {"label": _("逾期报送"), "data": [r["late"] for r in trend], "color": "#f9ab00"},
            {"label": _("被退回"), "data": [r["returned"] for r in trend], "color": "#8e24aa"},
            {"label": _("未报送"), "data": [r["missing"] for r in trend], "color": "#d93025"},
        ],
        stacked=True,
        caption=caption,
    )


def _portfolio_tasks_page(request, tasks):
    sort = request.GET.get("sort") if request.GET.get("sort") in dict(SORT_CHOICES) else "light"
    page = keyset_page(
        with_row_details(sort_tasks(tasks, sort)),
        sort,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=page_size(),
    )
    return page, sort


@login_required
def unit_portfolio(request, pk: int):
    """Every task a unit (with its former names) leads or supports; lateness over periods."""
    unit = get_object_or_404(Unit, pk=pk)
    scope = unit_scope([unit.pk])
    lineage = scope.unit_ids
    tasks = browse_base_queryset(request.user).filter(unit_task_ids(scope))
    lights = light_counts(tasks)
    total = sum(lights.values())
    if (
        not total
        and not sees_everything(request.user)
        and not (member_unit_ids(request.user) & lineage)
    ):
        raise Http404
    # Tasks by role and light: direct assignments and through the unit's groups.
    by_role = {role: dict.fromkeys(LIGHT_ORDER, 0) for role in ROLE_ORDER}
    for role, light, n in (
        Assignment.objects.filter(task__in=tasks.values("pk"))
        .filter(Q(unit_id__in=lineage) | Q(group__members__in=lineage))
        .order_by()
        .values_list("role", "task__light")
        .annotate(n=Count("task_id", distinct=True))
    ):
        by_role[role][light] += n
    periods = recent_periods()
    trend = period_trend(tasks, periods, unit_ids=lineage)
    page, sort = _portfolio_tasks_page(request, tasks)
    lineage_units = list(Unit.objects.filter(pk__in=lineage - {unit.pk}).order_by("name"))
    role_chart = _chart(
        "unit-roles",
        "bar",
        [Assignment.Role(role).label for role in ROLE_ORDER],
        [
            {
                "label": Light(light).label,
                "data": [by_role[role][light] for role in ROLE_ORDER],
                "color": LIGHT_COLOURS[light],
            }
            for light in LIGHT_ORDER
        ],
        stacked=True,
        caption=_("按角色和亮灯统计的任务数"),
    )
    return render(
        request,
        "browse/portfolio.html",
        {
            "subject": unit,
            "kind": "unit",
            "lineage_units": lineage_units,
            "lights": [(light, Light(light).label, n) for light, n in lights.items()],
            "total": total,
            "done_percent": round(100 * lights[Light.BLUE] / total) if total else 0,
            "charts": [role_chart, _trend_chart("unit-trend", trend, _("各报送周期报送情况"))],
            "rows": describe_rows(page.rows),
            "pager": pager(request, page, total),
            "sort": sort,
            "sort_options": code_options("sort", sort),
            "task_links": route_exists("task_detail"),
            "list_link": reverse("task_list") + f"?unit={unit.pk}",
        },
    )


@login_required
def official_portfolio(request, pk: int):
    """Every task an official leads, by lead unit, and the consolidated reports over periods."""
    official = get_object_or_404(Official, pk=pk)
    tasks = browse_base_queryset(request.user).filter(
        pk__in=TaskOfficial.objects.filter(official=official).values("task_id")
    )
    lights = light_counts(tasks)
    total = sum(lights.values())
    if not total and not sees_everything(request.user) and official.user_id != request.user.pk:
        raise Http404
    # Lead units of these tasks with their lights.
    units = {}
    for unit_id, short, name, light, n in (
        Assignment.objects.filter(
            task__in=tasks.values("pk"),
            role__in=[Assignment.Role.LEAD, Assignment.Role.RESPONSIBLE],
            unit__isnull=False,
        )
        .order_by()
        .values_list("unit_id", "unit__short_name", "unit__name", "task__light")
        .annotate(n=Count("task_id", distinct=True))
    ):
        row = units.setdefault(
            unit_id, {"id": unit_id, "name": short or name, **dict.fromkeys(LIGHT_ORDER, 0)}
        )
        row[light] += n
    unit_rows = sorted(units.values(), key=lambda r: (-r[Light.RED], -r[Light.YELLOW], r["name"]))[
        :15
    ]
    trend = period_trend(tasks, recent_periods())
    page, sort = _portfolio_tasks_page(request, tasks)
    unit_chart = _chart(
        "official-units",
        "bar",
        [row["name"] for row in unit_rows],
        [
            {
                "label": Light(light).label,
                "data": [row[light] for row in unit_rows],
                "color": LIGHT_COLOURS[light],
            }
            for light in LIGHT_ORDER
        ],
        stacked=True,
        horizontal=True,
        caption=_("牵头单位的任务亮灯情况"),
    )
    return render(
        request,
        "browse/portfolio.html",
        {
            "subject": official,
            "kind": "official",
            "lights": [(light, Light(light).label, n) for light, n in lights.items()],
            "total": total,
            "done_percent": round(100 * lights[Light.BLUE] / total) if total else 0,
            "charts": [
                unit_chart,
                _trend_chart("official-trend", trend, _("各报送周期汇总报告情况")),
            ],
            "rows": describe_rows(page.rows),
            "pager": pager(request, page, total),
            "sort": sort,
            "sort_options": code_options("sort", sort),
            "task_links": route_exists("task_detail"),
            "list_link": reverse("task_list") + f"?official={official.pk}",
        },
    )


@login_required
def dashboard(request):
    """Per plan and per unit for a period: reports in, late, missing, returned; who is behind."""
    periods = list(ReportingPeriod.objects.order_by("-starts_on", "cadence"))
    period = None
    if request.GET.get("period", "").isdigit():
        period = next((p for p in periods if p.pk == int(request.GET["period"])), None)
    period = period or current_period()
    data = None
    chart = None
    if period is not None:
        data = dashboard_data(browse_base_queryset(request.user), period)
        plans = data["plans"][:15]
        chart = _chart(
            "dashboard-plans",
            "bar",
            [p["doc_number"] or p["title"][:20] for p in plans],
            [
                {"label": _("按时报送"), "data": [p["on_time"] for p in plans], "color": "#188038"},
                {"label": _("逾期报送"), "data": [p["late"] for p in plans], "color": "#f9ab00"},
                {"label": _("被退回"), "data": [p["returned"] for p in plans], "color": "#8e24aa"},
                {"label": _("未报送"), "data": [p["missing"] for p in plans], "color": "#d93025"},
            ],
            stacked=True,
            horizontal=True,
            caption=_("各文件本期报送情况"),
        )
    return render(
        request,
        "browse/dashboard.html",
        {
            "period": period,
            "period_options": _options(
                [(p.pk, str(p)) for p in periods], str(period.pk) if period else "", blank=None
            ),
            "data": data,
            "chart": chart,
        },
    )


urlpatterns = [
    path("tasks/", task_list, name="task_list"),
    path("tasks/choices/<str:kind>/", task_filter_choices, name="task_filter_choices"),
    path("plans/", document_list, name="document_list"),
    path("plans/<int:pk>/", document_detail, name="document_detail"),
    path("units/<int:pk>/", unit_portfolio, name="unit_portfolio"),
    path("officials/<int:pk>/", official_portfolio, name="official_portfolio"),
    path("dashboard/", dashboard, name="dashboard"),
]
