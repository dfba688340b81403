"""The task page: text, targets, deadline, who is responsible, source, reports, history,
and the schedule status with its traffic light on a frozen day."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests import factories
from tests.tracker.reporting.conftest import SHANGHAI
from tracker.models import Assignment, Task
from tracker.services import reporting as services

pytestmark = pytest.mark.django_db


def page(client, user, task):
    client.force_login(user)
    response = client.get(reverse("task_detail", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_what_the_task_is_and_who_answers_for_it(client, viewer, task):
    html = page(client, viewer, task)
    assert "推进新旧动能转换。建设产业园区。" in html
    assert "建成产业园区3个" in html
    assert "2018年12月31日（原文：2018年12月底前）" in html
    assert "郭建民（副市长）" in html
    assert '牵头单位</dt><dd>市发展改革委<span class="badge">汇总报送</span>' in html
    assert "配合单位</dt><dd>市科技局" in html
    assert "第 12–13 行" in html
    assert "   12  （一）推进新旧动能转换。建设产业园区。\n   13  牵头单位：市发展改革委" in html


def test_it_shows_reports_by_period_and_the_history(client, owner, supervisor, task, unit, periods):
    factories.make_report(task, unit, periods[2], status="accepted", progress="二季度进展。")
    report = services.save_report_draft(
        acting_user=owner,
        task=task,
        unit=unit,
        period=periods[3],
        data={"progress": "三季度进展。", "percent": 75},
        version=0,
    )
    report = services.submit_report(acting_user=owner, report=report, version=1)
    services.return_report(acting_user=supervisor, report=report, comment="请补充数据。")
    html = page(client, owner, task)
    assert html.index("2018年第3季度") < html.index("2018年第2季度")
    assert "三季度进展。" in html and "二季度进展。" in html
    history = html[html.index("历史记录") :]
    assert history.index("退回报告") < history.index("报送报告") < history.index("创建报告")
    assert "（意见：请补充数据。）" in history


def test_it_keeps_other_units_drafts_off_the_page(client, coop_clerk, owner, task, unit, period):
    services.save_report_draft(
        acting_user=owner,
        task=task,
        unit=unit,
        period=period,
        data={"progress": "牵头单位的草稿。"},
        version=0,
    )
    html = page(client, coop_clerk, task)
    assert "牵头单位的草稿。" not in html
    assert "创建报告" in html  # the history lists the action, never a draft's content


def test_it_offers_the_clerk_a_link_to_file_the_current_report(client, owner, task, unit, period):
    html = page(client, owner, task)
    url = reverse("report_form", args=[task.pk, unit.pk, period.pk])
    assert f'href="{url}"' in html
    assert "市发展改革委：填报2018年第3季度进展" in html


@pytest.mark.parametrize(
    ("deadline", "report", "expected"),
    [
        # An accepted consolidated report says done: blue whatever the date.
        (dt.date(2018, 12, 31), ("accepted", "done", 100), "蓝灯（已完成）"),
        # The deadline passed on 30 September.
        (dt.date(2018, 9, 30), ("accepted", "on_track", 90), "红灯（逾期）"),
        # Thirteen days left.
        (dt.date(2018, 10, 15), ("submitted", "on_track", 90), "黄灯（临期）"),
        # The unit says it is behind.
        (dt.date(2018, 12, 31), ("submitted", "behind", 80), "黄灯（滞后序时进度）"),
        # 75% of the time used, 20% done: behind the elapsed-time schedule.
        (dt.date(2018, 12, 31), ("submitted", "on_track", 20), "黄灯（滞后序时进度）"),
        (dt.date(2018, 12, 31), ("submitted", "on_track", 70), "绿灯（正常推进）"),
        # A draft does not count yet: no report, 0% against 75% elapsed.
        (dt.date(2018, 12, 31), ("draft", "done", 100), "黄灯（滞后序时进度）"),
        # No dated deadline and nothing reported.
        (None, None, "绿灯（正常推进）"),
    ],
)
def test_it_shows_the_schedule_status_and_light_of_the_day(
    client, viewer, unit, period, deadline, report, expected
):
    task = factories.make_task(
        factories.make_document(signed_on=dt.date(2018, 1, 1)),
        deadline_on=deadline,
        deadline_kind=Task.DeadlineKind.DATE if deadline else Task.DeadlineKind.NONE,
    )
    factories.assign(task, unit, Assignment.Role.LEAD)
    if report:
        status, progress, percent = report
        factories.make_report(
            task, unit, period, status=status, progress_status=progress, percent=percent
        )
    assert expected in page(client, viewer, task)


def test_it_turns_red_on_the_day_after_the_deadline(client, viewer, unit):
    task = factories.make_task(deadline_on=dt.date(2018, 10, 31), deadline_kind="date")
    factories.assign(task, unit)
    with time_machine.travel(dt.datetime(2018, 10, 31, 23, 0, tzinfo=SHANGHAI), tick=False):
        assert "黄灯（临期）" in page(client, viewer, task)
    with time_machine.travel(dt.datetime(2018, 11, 1, 0, 30, tzinfo=SHANGHAI), tick=False):
        assert "红灯（逾期）" in page(client, viewer, task)
