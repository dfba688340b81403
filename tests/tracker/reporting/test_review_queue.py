"""The supervision office's review queue: accept or return in one step each."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tracker.models import AuditEntry, ProgressReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(owner, task, unit, period):
    return factories.make_report(
        task, unit, period, status="submitted", submitted_by=owner, submitted_at=timezone.now()
    )


def test_it_lists_submitted_reports_only(client, supervisor, submitted, task, coop_unit, period):
    factories.make_report(task, coop_unit, period, status="draft", is_consolidated=False)
    client.force_login(supervisor)
    response = client.get(reverse("review_queue"))
    assert list(response.context["page"].object_list) == [submitted]
    assert "待审核 1 份报告。" in response.content.decode()


def test_it_accepts_in_one_step(client, supervisor, submitted, django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_accept", args=[submitted.pk]), follow=True)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == ("accepted", supervisor)
    assert response.redirect_chain[-1][0] == reverse("review_queue")
    assert f"已审核通过：{submitted}" in response.content.decode()
    assert AuditEntry.objects.filter(action="report.accept", task=submitted.task).exists()


def test_it_returns_in_one_step_with_a_comment(client, supervisor, submitted):
    client.force_login(supervisor)
    response = client.post(
        reverse("report_return", args=[submitted.pk]),
        {"comment": "请补充投资完成情况。", "next": reverse("review_queue") + "?page=1"},
    )
    assert response["Location"] == reverse("review_queue") + "?page=1"
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_comment) == ("returned", "请补充投资完成情况。")


def test_it_refuses_to_return_without_a_comment(client, supervisor, submitted):
    client.force_login(supervisor)
    response = client.post(reverse("report_return", args=[submitted.pk]), follow=True)
    assert "退回时请填写审核意见。" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_it_ignores_a_next_url_on_another_site(client, supervisor, submitted):
    client.force_login(supervisor)
    response = client.post(
        reverse("report_accept", args=[submitted.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("review_queue")


def test_it_says_so_when_a_report_was_already_reviewed(client, supervisor, submitted):
    client.force_login(supervisor)
    client.post(reverse("report_accept", args=[submitted.pk]))
    response = client.post(reverse("report_accept", args=[submitted.pk]), follow=True)
    assert "只能审核已报送的报告。" in response.content.decode()


def test_it_filters_by_period(client, supervisor, submitted, task, unit, periods):
    client.force_login(supervisor)
    response = client.get(reverse("review_queue"), {"period": periods[2].pk})
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize("count", [2, 25])
def test_it_runs_a_fixed_number_of_queries(
    client, supervisor, owner, unit, period, count, django_assert_num_queries
):
    document = factories.make_document()
    for n in range(count):
        task = factories.make_task(document, f"2.{n}")
        factories.assign(task, unit)
        factories.make_report(
            task, unit, period, status="submitted", submitted_by=owner, submitted_at=timezone.now()
        )
    client.force_login(supervisor)
    # session, user with profile, count, page of reports, periods for the filter.
    with django_assert_num_queries(5):
        response = client.get(reverse("review_queue"))
    assert len(response.context["page"].object_list) == count
    assert ProgressReport.objects.filter(status="submitted").count() == count
