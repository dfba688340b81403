"""Every offered task-list filter and sort is served by an index (PostgreSQL plans).

With sequential scans disabled the planner still falls back to one when no index can
serve a condition, so a plan without "Seq Scan on tracker_task" proves the index exists.
"""

import pytest
from django.db import connection
from django.test import RequestFactory

from tests.conftest import requires_postgres
from tracker.filters import task_filterset

pytestmark = [pytest.mark.django_db, requires_postgres]


def plan_for(user, params) -> str:
    request = RequestFactory().get("/tasks/", params)
    request.user = user
    queryset = task_filterset(request).qs
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset[:50].explain()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "deadline"},
        {"sort": "light"},
        {"light": "red"},
        {"status": "overdue"},
        {"overdue": "true"},
        {"deadline_after": "2018-06-01", "deadline_before": "2018-12-31"},
        {"q": "营商环境"},
        {"role": "implementing"},
    ],
)
def test_it_serves_each_filter_with_an_index(city, supervisor, params):
    plan = plan_for(supervisor, params)
    assert "Seq Scan on tracker_task " not in plan, plan


@pytest.mark.parametrize("name", ["year", "plan", "section", "unit", "official", "missing"])
def test_it_serves_each_related_filter_with_an_index(city, supervisor, name):
    value = {
        "year": 2018,
        "plan": city.plan18.pk,
        "section": city.s1.pk,
        "unit": city.fgw_new.pk,
        "official": city.guo.pk,
        "missing": city.q1_2018.pk,
    }[name]
    plan = plan_for(supervisor, {name: value})
    for table in ("tracker_task", "tracker_assignment", "tracker_taskofficial", "tracker_document"):
        assert f"Seq Scan on {table} " not in plan, plan
