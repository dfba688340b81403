"""Planning costs a fixed number of queries, however many tasks, units and recipients."""

import pytest

from tests import factories
from tests.tracker.reminders.conftest import at, frozen
from tracker.models import Assignment, OutgoingEmail, UnitMembership
from tracker.services.reminders import plan_reminders

pytestmark = pytest.mark.django_db

# savepoint, rules, periods, missing reports ×2 (direct + unit groups), task deadlines,
# memberships, lead officials, task-deadline lead units ×0 (none due), insert, audit, release.
QUERIES_ON_ESCALATION_DAY = 11
# savepoint, rules, periods, missing reports ×2, task deadlines, memberships, the weekly
# digest's period (a Monday), insert, audit, release.
QUERIES_ON_DUE_DAY = 11


def grow(city, n: int) -> None:
    """n more units, each leading a task with a clerk and a head contact and an official."""
    for i in range(n):
        unit = factories.make_unit(f"扩展单位{city.period.pk}-{i}")
        factories.make_user(units=[unit])
        factories.make_user(units=[unit], head_of=[unit])
        task = factories.make_task(document=city.task.document)
        factories.assign(task, unit, Assignment.Role.LEAD)
        factories.lead_official(
            task, factories.make_official(f"领导{i}", email=f"o{i}@example.gov.cn")
        )


@pytest.mark.parametrize("extra", [0, 3, 12])
def test_it_plans_an_escalation_day_in_a_constant_number_of_queries(
    city, extra, django_assert_num_queries
):
    grow(city, extra)
    with frozen(at(2018, 4, 12)), django_assert_num_queries(QUERIES_ON_ESCALATION_DAY):
        plan_reminders(dispatch=False)
    heads = UnitMembership.objects.filter(is_head_contact=True).count()
    # every head contact, every lead official (one without an address)
    assert OutgoingEmail.objects.count() == heads + 2 + extra


@pytest.mark.parametrize("extra", [0, 12])
def test_it_plans_a_due_day_in_a_constant_number_of_queries(city, extra, django_assert_num_queries):
    grow(city, extra)
    with frozen(at(2018, 4, 2)), django_assert_num_queries(QUERIES_ON_DUE_DAY):
        plan_reminders(dispatch=False)
    assert OutgoingEmail.objects.count() == 3 + 2 * extra - extra


def test_it_inserts_in_chunks_of_plan_chunk_rows_one_query_each(
    city, monkeypatch, django_assert_num_queries
):
    from tracker.services import reminders

    grow(city, 4)  # report due: 3 + 4 clerks
    monkeypatch.setattr(reminders, "PLAN_CHUNK", 3)
    with frozen(at(2018, 4, 2)), django_assert_num_queries(QUERIES_ON_DUE_DAY + 2):
        result = plan_reminders(dispatch=False)
    assert result.planned == OutgoingEmail.objects.count() == 7
    with frozen(at(2018, 4, 2, 15)):
        plan_reminders(dispatch=False)  # the same day again: every key exists
    assert OutgoingEmail.objects.count() == 7
