"""Each task-list filter, with a one-line count on the hand-counted city (conftest.py)."""

import pytest
from django.test import RequestFactory

from tests import factories
from tracker.filters import TaskFilterSet, task_filterset
from tracker.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def count(city, supervisor):
    def count(**params):
        request = RequestFactory().get("/tasks/", params)
        request.user = supervisor
        return task_filterset(request).qs.count()

    return count


def test_it_lists_only_leaf_tasks_without_filters(count):
    assert count() == 6


def test_it_filters_by_year(count):
    assert (count(year=2018), count(year=2019)) == (4, 2)


def test_it_filters_by_plan(count, city):
    assert count(plan=city.plan19.pk) == 2


def test_it_filters_by_section(count, city):
    assert (count(section=city.s1.pk), count(section=city.s2.pk)) == (2, 2)


def test_it_filters_a_renamed_unit_to_its_whole_lineage(count, city):
    assert count(unit=city.fgw_new.pk) == 3  # t1, t2 as 市发改委 (2018), t5 as 市发展改革委
    assert count(unit=city.fgw_old.pk) == 3


def test_it_filters_by_unit_and_role_together(count, city):
    assert count(unit=city.fgw_new.pk, role="lead") == 2  # t1, t5
    assert count(unit=city.fgw_new.pk, role="cooperating") == 1  # t2


def test_it_counts_tasks_of_a_unit_group_for_its_members(count, city):
    assert count(unit=city.guan.pk) == 2  # t3 through 各县（市、区）人民政府, t4 directly


def test_it_filters_by_role_alone(count):
    assert (count(role="implementing"), count(role="responsible")) == (1, 1)


def test_it_filters_by_lead_official(count, city):
    assert (count(official=city.guo.pk), count(official=city.ma.pk)) == (2, 2)


def test_it_filters_by_status(count):
    assert (count(status="overdue"), count(status="done")) == (2, 1)


def test_it_filters_by_light(count):
    assert (count(light="red"), count(light="yellow"), count(light="green")) == (2, 1, 2)


def test_it_filters_by_deadline_range(count):
    assert count(deadline_after="2018-06-01", deadline_before="2018-12-31") == 2


def test_it_filters_overdue_and_not_overdue(count):
    assert (count(overdue="true"), count(overdue="false")) == (2, 4)


def test_it_filters_tasks_missing_a_report_for_a_period(count, city):
    # 2018 Q1: t1 reported, t2 only a draft, t3 returned, t4 done → t2 and t3.
    assert count(missing=city.q1_2018.pk) == 2
    # 2019 Q1: nothing reported; every task of 2018 and 2019 not done.
    assert count(missing=city.q1_2019.pk) == 5


def test_it_searches_task_text_by_every_word(count):
    assert (count(q="营商环境"), count(q="营商 改革"), count(q="无此内容")) == (2, 1, 0)


def test_it_combines_filters(count, city):
    assert count(year=2018, unit=city.czj.pk, light="green") == 1  # t3


def test_it_shows_nothing_for_an_invalid_filter_value(count):
    assert (count(unit=999999), count(deadline_after="not-a-date")) == (0, 0)


@pytest.mark.parametrize("value", ["999999", "abc", "1.5", "-1", "9" * 30, "1\x00"])
def test_a_chosen_row_is_read_by_id_and_anything_else_is_refused(city, value):
    leaves = Task.objects.filter(is_leaf=True)
    refused = TaskFilterSet({"unit": value, "plan": value}, queryset=leaves)
    assert not refused.form.is_valid() and set(refused.form.errors) == {"unit", "plan"}
    assert refused.qs.count() == 0
    chosen = TaskFilterSet(
        {"unit": f" {city.czj.pk} ", "plan": str(city.plan19.pk)}, queryset=leaves
    )
    assert chosen.form.is_valid(), chosen.form.errors
    assert chosen.form.cleaned_data["unit"] == city.czj
    plan = chosen.form.cleaned_data["plan"]
    assert (plan.pk, plan.doc_number, plan.year) == (
        city.plan19.pk,
        city.plan19.doc_number,
        city.plan19.year,
    )


def test_a_section_must_be_a_section(city):
    # The section filter's queryset (non-leaf tasks) is part of the statement that reads it.
    leaves = Task.objects.filter(is_leaf=True)
    a_leaf = leaves.first()
    assert not TaskFilterSet({"section": str(a_leaf.pk)}, queryset=leaves).form.is_valid()
    assert TaskFilterSet({"section": str(city.s1.pk)}, queryset=leaves).form.is_valid()


def test_it_limits_a_clerk_to_the_tasks_of_their_units(city, outsider):
    request = RequestFactory().get("/tasks/")
    request.user = outsider  # a clerk of 市财政局: t1 (cooperating), t2, t3, t6
    assert task_filterset(request).qs.count() == 4


def test_it_sorts_the_same_way_for_the_export(city, supervisor):
    request = RequestFactory().get("/tasks/", {"sort": "light"})
    request.user = supervisor
    lights = [t.light for t in task_filterset(request).qs]
    assert lights == ["red", "red", "yellow", "green", "green", "blue"]


def test_it_offers_the_documented_parameters():
    assert set(TaskFilterSet.base_filters) == {
        "q", "year", "plan", "section", "unit", "role", "official", "status", "light",
        "deadline", "overdue", "missing", "sort",
    }  # fmt: skip


def test_each_filterset_binds_its_own_copies_of_the_filters(city, supervisor):
    # The filters are copied shallowly per request (tracker.filters.SharedFormFilterSet):
    # a method filter must call the FilterSet of its own request, never another one's.
    leaves = Task.objects.filter(is_leaf=True)
    first = TaskFilterSet({"q": "营商环境"}, queryset=leaves)
    second = TaskFilterSet({"q": "无此内容"}, queryset=leaves)
    assert first.filters["q"] is not TaskFilterSet.base_filters["q"]
    assert first.filters["q"].parent is first and second.filters["q"].parent is second
    assert first.filters["q"].filter.method.__self__ is first
    assert not hasattr(TaskFilterSet.base_filters["q"], "parent")
    assert type(first.form) is type(second.form) and first.form is not second.form
    assert (first.qs.count(), second.qs.count()) == (2, 0)


def test_filter_forms_share_their_fields_but_not_their_state(city):
    # The fields are not deep-copied per form (tracker.filters.SharedFields): each form has
    # its own dict of the same field objects, and its own data, errors and cleaned values.
    leaves = Task.objects.filter(is_leaf=True)
    bad = TaskFilterSet({"unit": "999999", "year": "x"}, queryset=leaves)
    good = TaskFilterSet({"unit": str(city.czj.pk), "year": "2018"}, queryset=leaves)
    assert bad.form.fields is not good.form.fields
    assert bad.form.fields["unit"] is good.form.fields["unit"]
    assert not bad.form.is_valid() and set(bad.form.errors) == {"unit", "year"}
    assert good.form.is_valid() and good.form.cleaned_data["unit"] == city.czj
    assert bad.qs.count() == 0 and good.qs.count() == 3  # t1, t2, t3 of 2018
    # The shared unit field reads its queryset afresh each time: no list of units is kept.
    unit_field = good.form.fields["unit"]
    assert unit_field.queryset._result_cache is None
    new_unit = factories.make_unit("市新设局")
    later = TaskFilterSet({"unit": str(new_unit.pk)}, queryset=leaves)
    assert later.form.is_valid() and later.form.cleaned_data["unit"] == new_unit
