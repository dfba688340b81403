"""A small plan with two sections, four tasks, three units, two officials and one quarter of
reports covering every report state: on time, late, returned, missing (none and draft)."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2018, 4, 10, 10, 0, tzinfo=SHANGHAI)


def at(month, day, hour=10):
    return dt.datetime(2018, month, day, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def plan(db, unit, other_unit, frozen):
    from tests import factories
    from tracker.models import Assignment, ProgressReport

    county = factories.make_unit("聊城市东昌府区人民政府", short_name="东昌府区")
    counties = factories.make_group("各县（市、区）人民政府", members=[county])
    guo = factories.make_official("郭建民", position="市委常委、常务副市长")
    ma = factories.make_official("马丽红", position="副市长")
    document = factories.make_document(
        "聊政发〔2018〕7号", title="2018年市政府工作报告分工方案", signed_on=dt.date(2018, 2, 28)
    )
    one = factories.make_task(
        document,
        "一",
        printed_number="一、",
        title="加快新旧动能转换",
        text="加快新旧动能转换。",
        is_leaf=False,
        order=1,
    )
    two = factories.make_task(
        document,
        "二",
        printed_number="二、",
        title="深化改革开放",
        text="深化改革开放。",
        is_leaf=False,
        order=4,
    )
    t1 = factories.make_task(
        document,
        "一.1",
        parent=one,
        order=2,
        text="推进重大项目建设，全年完成投资200亿元。",
        deadline_on=dt.date(2018, 6, 30),
        deadline_text="2018年6月底前",
        deadline_kind="date",
        schedule_status="on_track",
        light="green",
    )
    t2 = factories.make_task(
        document,
        "一.2",
        parent=one,
        order=3,
        text="完成新旧动能转换重大工程实施规划编制。",
        deadline_on=dt.date(2018, 3, 31),
        deadline_kind="date",
        schedule_status="overdue",
        light="red",
    )
    t3 = factories.make_task(
        document,
        "二.1",
        parent=two,
        order=5,
        text="深化“放管服”改革。",
        schedule_status="done",
        light="blue",
        deadline_text="长期坚持",
        deadline_kind="ongoing",
    )
    t4 = factories.make_task(
        document,
        "二.2",
        parent=two,
        order=6,
        text="=SUM(1,2) 优化营商环境。",
        schedule_status="behind",
        light="yellow",
    )
    factories.assign(t1, unit)
    factories.assign(t1, other_unit, Assignment.Role.COOPERATING)
    factories.assign(t2, other_unit)
    factories.assign(t3, unit)
    Assignment.objects.create(
        task=t3,
        group=counties,
        role=Assignment.Role.IMPLEMENTING,
        written_name="各县（市、区）人民政府",
    )
    factories.assign(t4, unit, Assignment.Role.RESPONSIBLE, consolidates=True)
    factories.lead_official(t1, guo)
    factories.lead_official(t2, ma)
    factories.lead_official(t3, guo)
    period = factories.make_period(2018, 1)
    submitted = ProgressReport.Status.SUBMITTED
    factories.make_report(
        t1,
        unit,
        period,
        status=submitted,
        submitted_at=at(4, 3),
        progress="已完成立项。",
        problems="资金缺口较大。",
        next_steps="加快开工。",
        percent=40,
    )
    factories.make_report(
        t1,
        other_unit,
        period,
        status=submitted,
        submitted_at=at(4, 8),
        is_consolidated=False,
        progress="已拨付资金。",
    )
    factories.make_report(
        t2,
        other_unit,
        period,
        status=ProgressReport.Status.RETURNED,
        submitted_at=at(4, 4),
        progress="正在编制。",
        review_comment="请补充数据。",
    )
    factories.make_report(
        t3,
        unit,
        period,
        status=ProgressReport.Status.ACCEPTED,
        submitted_at=at(4, 2),
        progress="已全面完成。",
        percent=100,
        progress_status="done",
    )
    factories.make_report(
        t4, unit, period, status=ProgressReport.Status.DRAFT, progress="草稿内容不应出现。"
    )
    return SimpleNamespace(
        document=document,
        period=period,
        tasks=[t1, t2, t3, t4],
        sections=[one, two],
        unit=unit,
        other_unit=other_unit,
        county=county,
        group=counties,
        officials=[guo, ma],
    )
