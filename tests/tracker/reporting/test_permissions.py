"""Who may read and change reports, attachments and drafts, URL guessing included.

The cast: owner and colleague (clerks of the lead unit: may read and edit the unit's
report), outsider (a clerk of an unrelated unit: 404 everywhere), viewer (reads, 403 on
any change), supervisor (reads and reviews, does not file unit reports).
"""

import pytest
from django.urls import reverse

from tests.tracker.reporting import files
from tracker.models import Attachment, ProgressReport
from tracker.services import reporting as services

pytestmark = pytest.mark.django_db

CONTENT = {
    "progress_status": "on_track",
    "percent": 40,
    "progress": "单位草稿内容。",
    "problems": "",
    "coordination": "",
    "next_steps": "",
}


@pytest.fixture
def draft(owner, task, unit, period):
    return services.save_report_draft(
        acting_user=owner,
        task=task,
        unit=unit,
        period=period,
        data=CONTENT,
        version=0,
        uploads=[files.pdf()],
    )


@pytest.fixture
def submitted(owner, draft):
    return services.submit_report(acting_user=owner, report=draft, version=draft.version)


def form_url(report):
    return reverse("report_form", args=[report.task_id, report.unit_id, report.period_id])


def post_draft(client, report, **changes):
    data = CONTENT | {"version": report.version, "action": "save"} | changes
    return client.post(form_url(report), data)


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("colleague", 200), ("outsider", 404), ("viewer", 403), ("supervisor", 403)],
)
def test_it_guards_the_report_form(client, request, draft, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(form_url(draft)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 302), ("colleague", 302), ("outsider", 404), ("viewer", 403), ("supervisor", 403)],
)
def test_it_lets_only_the_units_clerks_save_a_draft(client, request, draft, who, status):
    client.force_login(request.getfixturevalue(who))
    response = post_draft(client, draft, progress=f"{who} 改过")
    assert response.status_code == status
    draft.refresh_from_db()
    changed = draft.progress == f"{who} 改过"
    assert changed is (status == 302)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("outsider", 404),
        ("viewer", 200),
        ("supervisor", 200),
        ("coop_clerk", 404),  # a draft is never shown outside its unit
        ("official_user", 404),  # officials read reports once they are submitted
    ],
)
def test_it_guards_a_draft_report_page(client, request, draft, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("report_detail", args=[draft.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("outsider", 404), ("viewer", 200), ("official_user", 200)],
)
def test_it_guards_a_submitted_report_page(client, request, submitted, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("report_detail", args=[submitted.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("colleague", 200), ("outsider", 404), ("viewer", 200), ("coop_clerk", 404)],
)
def test_it_guards_attachment_downloads(client, request, draft, who, status):
    client.force_login(request.getfixturevalue(who))
    attachment = Attachment.objects.get()
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == files.PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 302), ("colleague", 302), ("outsider", 404), ("viewer", 403)],
)
def test_it_guards_attachment_deletion(client, request, draft, who, status):
    client.force_login(request.getfixturevalue(who))
    attachment = Attachment.objects.get()
    response = client.post(reverse("attachment_delete", args=[attachment.pk]))
    assert response.status_code == status
    assert Attachment.objects.exists() is (status != 302)


@pytest.mark.parametrize(
    ("who", "status"),
    [("supervisor", 302), ("owner", 403), ("viewer", 403), ("outsider", 404)],
)
def test_it_lets_only_the_office_accept(client, request, submitted, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("report_accept", args=[submitted.pk]))
    assert response.status_code == status
    submitted.refresh_from_db()
    assert (submitted.status == "accepted") is (status == 302)


@pytest.mark.parametrize(
    ("who", "status"),
    [("supervisor", 302), ("owner", 403), ("viewer", 403), ("outsider", 404)],
)
def test_it_lets_only_the_office_return(client, request, submitted, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("report_return", args=[submitted.pk]), {"comment": "补充"})
    assert response.status_code == status
    submitted.refresh_from_db()
    assert (submitted.status == "returned") is (status == 302)


def test_it_hides_another_units_slot_even_when_both_units_share_the_task(client, coop_clerk, draft):
    """The cooperating clerk sees the task but cannot open the lead unit's draft form."""
    client.force_login(coop_clerk)
    assert client.get(reverse("task_detail", args=[draft.task_id])).status_code == 200
    assert client.get(form_url(draft)).status_code == 404
    assert post_draft(client, draft, progress="越权").status_code == 404
    draft.refresh_from_db()
    assert draft.progress == "单位草稿内容。"


def test_it_answers_404_for_reports_that_do_not_exist(client, owner, draft):
    client.force_login(owner)
    assert client.get(reverse("report_detail", args=[draft.pk + 1000])).status_code == 404
    assert client.get(reverse("attachment_download", args=[9999])).status_code == 404
    url = reverse("report_form", args=[draft.task_id, draft.unit_id, 9999])
    assert client.get(url).status_code == 404


def test_it_answers_404_for_a_unit_that_is_not_on_the_task(
    client, outsider, task, other_unit, period
):
    client.force_login(outsider)
    url = reverse("report_form", args=[task.pk, other_unit.pk, period.pk])
    assert client.get(url).status_code == 404


def test_it_refuses_changes_to_an_accepted_report(client, owner, supervisor, submitted):
    services.accept_report(acting_user=supervisor, report=submitted)
    submitted.refresh_from_db()
    client.force_login(owner)
    page = client.get(form_url(submitted))
    assert "该报告已审核通过并锁定，不能修改。" in page.content.decode()
    assert 'name="action"' not in page.content.decode()
    assert post_draft(client, submitted, progress="偷偷改").status_code == 403
    attachment = Attachment.objects.get()
    assert client.post(reverse("attachment_delete", args=[attachment.pk])).status_code == 302
    assert Attachment.objects.exists()  # refused by the service with a message
    submitted.refresh_from_db()
    assert submitted.progress == "单位草稿内容。"


def test_it_refuses_changes_in_a_closed_period(client, owner, supervisor, draft, period):
    from tracker.services.periods import close_period

    close_period(acting_user=supervisor, period=period)
    client.force_login(owner)
    assert (
        "该报送周期已关闭，报告已锁定，不能修改。" in client.get(form_url(draft)).content.decode()
    )
    assert post_draft(client, draft, progress="关闭后改").status_code == 403
    assert ProgressReport.objects.get().progress == "单位草稿内容。"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("coop_clerk", 200),
        ("outsider", 404),
        ("viewer", 200),
        ("supervisor", 200),
        ("official_user", 200),
    ],
)
def test_it_guards_the_task_page(client, request, task, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("task_detail", args=[task.pk])).status_code == status


@pytest.mark.parametrize(
    ("url", "who", "status"),
    [
        ("my_work", "owner", 200),
        ("my_work", "supervisor", 403),
        ("my_work", "viewer", 403),
        ("review_queue", "supervisor", 200),
        ("review_queue", "owner", 403),
        ("review_queue", "viewer", 403),
        ("period_list", "supervisor", 200),
        ("period_list", "owner", 403),
        ("period_list", "viewer", 403),
    ],
)
def test_it_guards_the_list_pages(client, request, period, url, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(url)).status_code == status


def test_it_sends_anonymous_visitors_to_the_login_page(client, draft):
    for url in (form_url(draft), reverse("report_detail", args=[draft.pk]), reverse("my_work")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_it_shows_the_office_the_submitted_cooperating_part_only_to_the_lead_unit(
    client, owner, outsider, coop_clerk, task, coop_unit, period
):
    part = services.save_report_draft(
        acting_user=coop_clerk, task=task, unit=coop_unit, period=period, data=CONTENT, version=0
    )
    client.force_login(owner)
    assert client.get(reverse("report_detail", args=[part.pk])).status_code == 404
    services.submit_report(acting_user=coop_clerk, report=part, version=1)
    assert client.get(reverse("report_detail", args=[part.pk])).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("report_detail", args=[part.pk])).status_code == 404
    # The lead clerk reads the part but cannot change it.
    client.force_login(owner)
    assert post_draft(client, part).status_code == 404
