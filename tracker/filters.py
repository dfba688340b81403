"""FilterSets of the list pages. The list page, the matrix and the Excel export use the same
FilterSet, so "download what I see" is always true.

Usage (a list page or an export)::

    filterset = task_filterset(request)          # request.GET, the user's visible tasks
    tasks = filterset.qs                         # filtered and sorted; invalid input → none

Every filter is served by an index (see tracker/models/matrix.py and migration
0005_browse_indexes); none of them runs a query per row.
"""

import copy

import django_filters
import django_filters.fields
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tracker.access import visible_tasks
from tracker.browse_sorts import DEFAULT_SORT, SORTS
from tracker.models import (
    Assignment,
    Document,
    Official,
    ProgressReport,
    ReportingPeriod,
    Task,
    TaskOfficial,
    Unit,
)
from tracker.schedule import Light, ScheduleStatus
from tracker.selectors import UnitScope, unit_scope
from tracker.statements import ByPk

# Reports that count as "in" for a period: what the office has received.
COUNTED_STATUSES = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)

SORT_CHOICES = [
    ("plan", _("按文件顺序")),
    ("deadline", _("按完成时限")),
    ("light", _("按亮灯（红灯在前）")),
]
assert {key for key, _label in SORT_CHOICES} == set(SORTS)


def browse_base_queryset(user):
    """Leaf tasks the user may read, as a plain queryset (no DISTINCT, no joins).

    access.visible_tasks joins assignments with DISTINCT for clerks and officials; the
    list sorts on expressions and pages by keyset, so the visibility rule is applied as
    an `id IN (…)` subquery instead.
    """
    visible = visible_tasks(user)
    tasks = Task.objects.filter(is_leaf=True)
    if visible.query.distinct or visible.query.where:
        tasks = tasks.filter(pk__in=visible.values("pk"))
    return tasks


def unit_task_ids(scope: UnitScope, role: str | None = None) -> Q:
    """Tasks assigned to any of the scope's units, directly or through a unit group.

    The groups go into the SQL as values: with one subquery over assignments
    (`unit IN … OR group IN …`) PostgreSQL estimates the matches from its statistics and
    joins on the task's primary key. Two nested subqueries OR-ed on the task made it guess
    a thousand matches and scan the whole list in sort order (137 ms instead of 3 ms for a
    renamed unit with 54 lead tasks).

    Written as SQL (the shape of unit_scope's): building and resolving the ORM subquery
    was a fifth of the Python of a list filtered by unit.
    """
    if not scope.unit_ids and not scope.group_ids:
        return Q(pk__in=[])
    table = Assignment._meta.db_table
    column = {
        name: Assignment._meta.get_field(name).column for name in ("task", "unit", "group", "role")
    }
    assigned, params = [], []
    for name, ids in (("unit", scope.unit_ids), ("group", scope.group_ids)):
        if ids:
            assigned.append(f"{column[name]} IN ({', '.join(['%s'] * len(ids))})")
            params.extend(sorted(ids))
    where = " OR ".join(assigned)
    if role:
        where = f"({where}) AND {column['role']} = %s"
        params.append(role)
    return Q(pk__in=RawSQL(f"SELECT {column['task']} FROM {table} WHERE {where}", params))


def missing_report_q(period: ReportingPeriod) -> Q:
    """Tasks expected to report in `period` that have no counted consolidated report.

    Expected: leaf tasks of plans of the period's cadence and of its year or earlier, not
    done (the stored schedule status). Counted: submitted or accepted. The NOT EXISTS is
    served by the partial index report_counted_period_task_idx (the period's counted
    consolidated reports only), read once into a hash rather than probed per task.
    """
    counted = ProgressReport.objects.filter(
        task=OuterRef("pk"), period=period, is_consolidated=True, status__in=COUNTED_STATUSES
    )
    return expected_in_period_q(period) & ~Exists(counted)


def expected_in_period_q(period: ReportingPeriod) -> Q:
    return (
        Q(is_leaf=True)
        & Q(document__year__lte=period.year)
        & Q(document__reporting_cadence=period.cadence)
        & ~Q(schedule_status=ScheduleStatus.DONE)
    )


class SharedFormFilterSet(django_filters.FilterSet):
    """A FilterSet whose form class is built once per FilterSet class, not per request.

    django-filter builds a new form class (and a field per filter) for every instance and
    deep-copies every filter; the fields here depend only on the declarations (no
    per-request querysets), so one class serves every request, and its forms share the
    field objects (SharedFields). Each request still gets its own form instance and
    filters bound to it (tests/tracker/browse/test_filters.py pins that a method filter
    calls its own request's FilterSet). For forms that are validated, never changed per
    request; a FilterSet whose form is rendered or adjusted per request is a plain one.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # BaseFilterSet.__init__ deep-copies every filter with its querysets and choices, a
        # quarter of a millisecond per request; the only per-request state of a filter is
        # its parent and model, so a shallow copy bound to this FilterSet does the same.
        # Same attributes as django-filter 26.2's BaseFilterSet.__init__.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {
            name: _bound_copy(filter_, self, queryset.model)
            for name, filter_ in self.base_filters.items()
        }

    def get_form_class(self):
        cls = type(self)
        form_class = cls.__dict__.get("_shared_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = SharedFields(form_class.base_fields)
            cls._shared_form_class = form_class
        return form_class


class SharedFields(dict):
    """The fields of a filter form, given to each form instance as they are.

    A Django form deep-copies its fields per instance so that it may change them; a filter
    form never does (it validates the query string; the pages build their own controls),
    and the copies (a queryset clone and a choice iterator per model choice) were a third
    of a millisecond of every list page. The form still gets its own dict of them.
    """

    def __deepcopy__(self, memo):
        return dict(self)


class PkModelChoiceField(django_filters.fields.ModelChoiceField):
    """A model choice field that reads the chosen row by a statement compiled once
    (tracker.statements.ByPk) instead of building `queryset.get(pk=…)` per request."""

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self._by_pk = None if queryset is None else ByPk(self.queryset)

    queryset = property(django_filters.fields.ModelChoiceField._get_queryset, _set_queryset)

    def to_python(self, value):
        if self.null_label is not None and value == self.null_value:
            return value
        if value in self.empty_values:
            return None
        if self.to_field_name or isinstance(value, self.queryset.model):
            return super().to_python(value)
        self.validate_no_null_characters(value)
        instance = self._by_pk.get(value)
        if instance is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return instance


class PkModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PkModelChoiceField


def _bound_copy(filter_, parent, model):
    bound = copy.copy(filter_)
    bound.extra = dict(filter_.extra)  # the field property writes its queryset here
    if filter_.method is not None:
        bound.method = filter_.method  # a FilterMethod of the copy, finding it on `parent`
    bound.model, bound.parent = model, parent
    return bound


class TaskFilterSet(SharedFormFilterSet):
    """The task list's filters; filter state lives in the URL's query string."""

    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    year = django_filters.NumberFilter(label=_("年度"), field_name="document__year")
    plan = PkModelChoiceFilter(
        label=_("文件"), field_name="document", queryset=Document.objects.all()
    )
    section = PkModelChoiceFilter(
        label=_("章节"), queryset=Task.objects.filter(is_leaf=False), method="filter_section"
    )
    unit = PkModelChoiceFilter(
        label=_("责任单位"), queryset=Unit.objects.all(), method="filter_noop"
    )
    role = django_filters.ChoiceFilter(
        label=_("角色"), choices=Assignment.Role.choices, method="filter_noop"
    )
    official = PkModelChoiceFilter(
        label=_("牵头领导"), queryset=Official.objects.all(), method="filter_official"
    )
    status = django_filters.ChoiceFilter(
        label=_("进度状态"), field_name="schedule_status", choices=ScheduleStatus.choices
    )
    light = django_filters.ChoiceFilter(label=_("亮灯"), choices=Light.choices)
    deadline = django_filters.DateFromToRangeFilter(label=_("完成时限"), field_name="deadline_on")
    overdue = django_filters.BooleanFilter(label=_("已逾期"), method="filter_overdue")
    missing = PkModelChoiceFilter(
        label=_("缺报周期"), queryset=ReportingPeriod.objects.all(), method="filter_missing"
    )
    sort = django_filters.ChoiceFilter(
        label=_("排序"), choices=SORT_CHOICES, method="filter_noop", empty_label=None
    )

    class Meta:
        model = Task
        fields = []

    @property
    def sort_key(self) -> str:
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return data.get("sort") or DEFAULT_SORT

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together in filter_queryset (unit with role, sort)

    def filter_text(self, queryset, name, value):
        # `contains`, not `icontains`: Chinese has no case, and LIKE is what the trigram
        # index serves (UPPER(text) LIKE … would need an expression index of its own).
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(text__contains=word) | Q(title__contains=word))
        return queryset

    def filter_section(self, queryset, name, value):
        # Task.number is the outline path (一.2.(2)); a section's tasks share its prefix.
        return queryset.filter(document_id=value.document_id).filter(
            Q(number=value.number) | Q(number__startswith=f"{value.number}.")
        )

    def filter_official(self, queryset, name, value):
        return queryset.filter(pk__in=TaskOfficial.objects.filter(official=value).values("task_id"))

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(schedule_status=ScheduleStatus.OVERDUE)
        return queryset.exclude(schedule_status=ScheduleStatus.OVERDUE)

    def filter_missing(self, queryset, name, value):
        return queryset.filter(missing_report_q(value))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        unit, role = data.get("unit"), data.get("role")
        if unit is not None:
            # Renamed units (机构改革) filter to their whole lineage.
            queryset = queryset.filter(unit_task_ids(unit_scope([unit.pk]), role or None))
        elif role:
            queryset = queryset.filter(
                pk__in=Assignment.objects.filter(role=role).values("task_id")
            )
        return sort_tasks(queryset, data.get("sort") or DEFAULT_SORT)

    @property
    def qs(self):
        if not hasattr(self, "_qs") and self.is_bound and not self.form.is_valid():
            # A bad value (a deleted unit, a malformed date) shows nothing rather than all.
            self._qs = sort_tasks(self.queryset.none(), DEFAULT_SORT)
        return super().qs


def sort_tasks(queryset, sort: str):
    """Order tasks by one of the keyset sorts of tracker/browse_sorts.py."""
    keys = SORTS[sort]
    queryset = queryset.alias(**{alias: expression for alias, expression, _desc in keys})
    return queryset.order_by(
        *[f"-{alias}" if descending else alias for alias, _expression, descending in keys]
    )


def task_filterset(request, data=None, *, queryset=None) -> TaskFilterSet:
    """The task list's FilterSet bound to the query string, over the user's visible tasks."""
    user = getattr(request, "user", None) or AnonymousUser()
    if queryset is None:
        queryset = browse_base_queryset(user)
    return TaskFilterSet(request.GET if data is None else data, queryset=queryset, request=request)


class DocumentFilterSet(SharedFormFilterSet):
    """The plan list's filters: year and free text over 文号 and title."""

    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    year = django_filters.NumberFilter(label=_("年度"), field_name="year")

    class Meta:
        model = Document
        fields = []

    def filter_text(self, queryset, name, value):
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(title__contains=word) | Q(doc_number__contains=word))
        return queryset

    @property
    def qs(self):
        if not hasattr(self, "_qs") and self.is_bound and not self.form.is_valid():
            self._qs = self.queryset.none()
        return super().qs
