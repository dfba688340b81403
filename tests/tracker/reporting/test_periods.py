"""Reporting periods: created per year and cadence, closed, reopened with a reason."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tracker.models import AuditEntry, ReportingPeriod
from tracker.services import periods as services

pytestmark = pytest.mark.django_db


def test_it_creates_the_four_quarters_due_five_days_after_each(supervisor):
    created = services.create_year_periods(acting_user=supervisor, year=2019)
    assert [(str(p), p.starts_on, p.ends_on, p.due_on) for p in created] == [
        ("2019年第1季度", dt.date(2019, 1, 1), dt.date(2019, 3, 31), dt.date(2019, 4, 5)),
        ("2019年第2季度", dt.date(2019, 4, 1), dt.date(2019, 6, 30), dt.date(2019, 7, 5)),
        ("2019年第3季度", dt.date(2019, 7, 1), dt.date(2019, 9, 30), dt.date(2019, 10, 5)),
        ("2019年第4季度", dt.date(2019, 10, 1), dt.date(2019, 12, 31), dt.date(2020, 1, 5)),
    ]
    entry = AuditEntry.objects.get(action="period.create_year")
    assert (entry.actor, entry.object_repr) == (supervisor, "2019年报送周期（每季度）")


def test_it_creates_other_cadences(supervisor):
    months = services.create_year_periods(
        acting_user=supervisor, year=2020, cadence="monthly", due_days=10
    )
    assert len(months) == 12
    assert (months[1].ends_on, months[1].due_on) == (dt.date(2020, 2, 29), dt.date(2020, 3, 10))
    halves = services.create_year_periods(acting_user=supervisor, year=2020, cadence="half_yearly")
    assert [str(p) for p in halves] == ["2020年上半年", "2020年下半年"]


def test_it_is_idempotent(supervisor):
    services.create_year_periods(acting_user=None, year=2019)
    assert services.create_year_periods(acting_user=supervisor, year=2019) == []
    assert ReportingPeriod.objects.count() == 4
    assert AuditEntry.objects.filter(action="period.create_year").count() == 1


def test_it_refuses_an_unreasonable_due_delay(supervisor):
    with pytest.raises(ValidationError) as error:
        services.create_year_periods(acting_user=supervisor, year=2019, due_days=90)
    assert error.value.messages == ["报送期限应在周期结束后0至60天之间。"]


def test_it_closes_and_reopens_with_an_audited_reason(supervisor, period):
    services.close_period(acting_user=supervisor, period=period)
    period.refresh_from_db()
    assert period.is_closed
    with pytest.raises(ValidationError) as error:
        services.reopen_period(acting_user=supervisor, period=period, reason="")
    assert error.value.messages == ["重新开放报送周期时请填写原因。"]
    services.reopen_period(acting_user=supervisor, period=period, reason="市科技局补报")
    period.refresh_from_db()
    assert not period.is_closed
    entry = AuditEntry.objects.get(action="period.reopen")
    assert (entry.actor, entry.after["reason"], entry.before["closed_at"] is not None) == (
        supervisor,
        "市科技局补报",
        True,
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2018, 10, 2), 3),  # Q3 ended, still within its submission window
        (dt.date(2018, 10, 6), 4),  # Q3 overdue: the clerk now works on Q4
        (dt.date(2018, 5, 15), 2),
        (dt.date(2019, 2, 1), 4),  # nothing later exists: the latest started period
    ],
)
def test_it_picks_the_current_period(periods, day, expected):
    assert services.current_periods(day)["quarterly"] == periods[expected]


def test_it_skips_a_closed_period_when_picking_the_current_one(supervisor, periods):
    services.close_period(acting_user=supervisor, period=periods[3])
    assert services.current_periods(dt.date(2018, 10, 2))["quarterly"] == periods[4]


def test_it_lets_the_office_manage_periods_on_a_page(client, supervisor, period):
    client.force_login(supervisor)
    response = client.post(
        reverse("period_list"),
        {"year": "2019", "cadence": "quarterly", "due_days": "5"},
        follow=True,
    )
    assert "已新建 4 个报送周期。" in response.content.decode()
    response = client.post(reverse("period_close", args=[period.pk]), follow=True)
    assert "已关闭：2018年第3季度" in response.content.decode()
    response = client.post(reverse("period_reopen", args=[period.pk]), follow=True)
    assert "重新开放报送周期时请填写原因。" in response.content.decode()
    response = client.post(
        reverse("period_reopen", args=[period.pk]), {"reason": "补报"}, follow=True
    )
    assert "已重新开放：2018年第3季度" in response.content.decode()


@pytest.mark.parametrize("who", ["owner", "viewer"])
def test_it_refuses_period_changes_by_others(client, request, period, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("period_close", args=[period.pk])).status_code == 403
    assert client.post(reverse("period_list"), {"year": "2019"}).status_code == 403
    period.refresh_from_db()
    assert not period.is_closed


def test_it_sends_clerks_home_to_my_work_and_the_office_to_the_queue(client, owner, supervisor):
    client.force_login(owner)
    assert client.get("/")["Location"] == reverse("my_work")
    client.force_login(supervisor)
    assert client.get("/")["Location"] == reverse("review_queue")
