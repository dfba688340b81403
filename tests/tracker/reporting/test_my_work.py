"""My work: the clerk's report slots for the current period, missing and returned first."""

import pytest
from django.urls import reverse

from tests import factories
from tracker.models import Assignment, Document, ReportingPeriod

pytestmark = pytest.mark.django_db


def make_tasks(unit, count, **doc_fields):
    document = factories.make_document(**doc_fields)
    tasks = [factories.make_task(document, f"1.{n}", text=f"任务{n}。") for n in range(count)]
    for task in tasks:
        factories.assign(task, unit, Assignment.Role.LEAD)
    return tasks


def states(response):
    return [(row.number, row.state) for row in response.context["rows"]]


def test_it_lists_missing_and_returned_reports_first(client, owner, unit, period, periods):
    missing, returned, draft, submitted, accepted = make_tasks(unit, 5)
    factories.make_report(returned, unit, period, status="returned", review_comment="请补充数据。")
    factories.make_report(draft, unit, period, status="draft")
    factories.make_report(submitted, unit, period, status="submitted")
    factories.make_report(accepted, unit, period, status="accepted")
    factories.make_report(missing, unit, periods[2], status="accepted")  # an earlier quarter
    client.force_login(owner)
    response = client.get(reverse("my_work"))
    assert states(response) == [
        ("1.0", "missing"),
        ("1.1", "returned"),
        ("1.2", "draft"),
        ("1.3", "submitted"),
    ]
    html = response.content.decode()
    assert "退回意见：请补充数据。" in html
    assert "另有 1 份报告已审核通过。" in html
    assert "2018年第3季度（2018年10月5日前报送）" in html


def test_it_includes_tasks_assigned_through_a_unit_group(client, owner, unit, period):
    task = factories.make_task()
    group = factories.make_group("各县（市、区）人民政府", members=[unit])
    Assignment.objects.create(
        task=task, group=group, written_name=group.name, role=Assignment.Role.IMPLEMENTING
    )
    client.force_login(owner)
    response = client.get(reverse("my_work"))
    [row] = response.context["rows"]
    assert (row.task_id, row.unit, row.state, row.consolidates) == (task.pk, unit, "missing", True)


def test_it_marks_a_cooperating_unit_as_filing_a_part(client, coop_clerk, task, period):
    client.force_login(coop_clerk)
    [row] = client.get(reverse("my_work")).context["rows"]
    assert (row.task_id, row.role_labels, row.consolidates) == (task.pk, "配合", False)


def test_it_uses_the_period_of_each_plans_cadence(client, owner, unit, period):
    [monthly_task] = make_tasks(unit, 1, reporting_cadence=Document.Cadence.MONTHLY)
    september = ReportingPeriod.objects.create(
        cadence="monthly",
        year=2018,
        index=9,
        starts_on="2018-09-01",
        ends_on="2018-09-30",
        due_on="2018-10-05",
    )
    [quarterly_task] = make_tasks(unit, 1)
    client.force_login(owner)
    rows = client.get(reverse("my_work")).context["rows"]
    assert {(r.task_id, r.period) for r in rows} == {
        (monthly_task.pk, september),
        (quarterly_task.pk, period),
    }


def test_it_shows_another_period_when_asked(client, owner, unit, periods):
    make_tasks(unit, 1)
    client.force_login(owner)
    response = client.get(reverse("my_work"), {"period": periods[1].pk})
    assert [r.period for r in response.context["rows"]] == [periods[1]]
    assert client.get(reverse("my_work"), {"period": "x"}).status_code == 404


def test_it_leaves_out_other_units_work(client, outsider, task, period):
    client.force_login(outsider)
    response = client.get(reverse("my_work"))
    assert response.context["rows"] == []
    assert "本期没有待填报的报告。" in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_it_runs_a_fixed_number_of_queries(
    client, owner, unit, period, count, django_assert_num_queries
):
    tasks = make_tasks(unit, count)
    group = factories.make_group("各县（市、区）人民政府", members=[unit])
    for task in tasks[: count // 2]:
        factories.make_report(task, unit, period, status="draft")
        Assignment.objects.create(
            task=task, group=group, written_name=group.name, role=Assignment.Role.IMPLEMENTING
        )
    client.force_login(owner)
    # session, user with profile, memberships, current periods, units, group memberships,
    # assignments with tasks, reports.
    with django_assert_num_queries(8):
        response = client.get(reverse("my_work"))
    assert len(response.context["rows"]) == count


def test_it_pages_long_lists_and_counts_each_state(client, owner, unit, period, settings):
    tasks = make_tasks(unit, 103)
    factories.make_report(tasks[0], unit, period, status="returned", review_comment="补充")
    client.force_login(owner)
    first = client.get(reverse("my_work"))
    assert len(first.context["rows"]) == 100
    assert first.context["rows"][0].state == "missing"
    assert first.context["counts"] == [("未填报", "missing", 102), ("已退回", "returned", 1)]
    assert "第 1 / 2 页" in first.content.decode()
    second = client.get(reverse("my_work"), {"page": 2})
    assert [r.state for r in second.context["rows"]] == ["missing"] * 2 + ["returned"]
