"""selectors.unit_scope: a unit's lineage through renames and merges, and its unit groups."""

import pytest

from tests import factories
from tracker.models import UnitSuccession
from tracker.selectors import unit_scope

pytestmark = pytest.mark.django_db


def succeed(before, after, kind=UnitSuccession.Kind.RENAME):
    UnitSuccession.objects.create(predecessor=before, successor=after, kind=kind)


def test_it_follows_successions_both_ways_and_transitively():
    a, b, c, d = (factories.make_unit(f"单位{n}") for n in "甲乙丙丁")
    stranger = factories.make_unit("无关单位")
    succeed(a, b)
    succeed(b, c)
    succeed(d, c, UnitSuccession.Kind.MERGE)  # 丁 merged into 丙 as well
    expected = {a.pk, b.pk, c.pk, d.pk}
    for start in (a, b, c, d):
        assert unit_scope([start.pk]).unit_ids == expected
    assert unit_scope([stranger.pk]).unit_ids == {stranger.pk}


def test_it_ends_on_a_cycle_in_the_succession_graph():
    a, b = factories.make_unit("甲局"), factories.make_unit("乙局")
    succeed(a, b)
    succeed(b, a)  # a data-entry error must not hang the task list
    assert unit_scope([a.pk]).unit_ids == {a.pk, b.pk}


def test_it_collects_the_groups_of_every_unit_in_the_lineage():
    old, new, other = (factories.make_unit(n) for n in ("旧局", "新局", "他局"))
    succeed(old, new)
    counties = factories.make_group("各县（市、区）人民政府", members=[old])
    departments = factories.make_group("市直各部门", members=[new, other])
    factories.make_group("无关分组", members=[other])
    scope = unit_scope([new.pk])
    assert scope.group_ids == {counties.pk, departments.pk}


def test_it_gives_nothing_for_no_units_or_unknown_ones():
    assert unit_scope([]).unit_ids == set() and unit_scope([999_999]).unit_ids == set()
