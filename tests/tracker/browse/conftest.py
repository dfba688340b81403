"""A small city with hand-counted tasks for the filter and page tests.

2018 plan 聊政发〔2018〕7号 (sections 一 and 二) and 2019 plan 聊政发〔2019〕5号:

    t1 一.1  lead 市发改委 (renamed 2019 → 市发展改革委), coop 市财政局; 郭建民; red, overdue, 2018-06-30
    t2 一.2  lead 市财政局, coop 市发改委; 马丽红; yellow, due soon, 2018-12-31
    t3 二.1  lead 市财政局, implementing 各县（市、区）人民政府; 郭建民; green, no deadline
    t4 二.2  responsible 冠县政府; blue, done, 2018-03-31
    t5 1     lead 市发展改革委; 马丽红; red, overdue, 2019-06-30
    t6 2     lead 市财政局, coop 莘县政府; green

Reports for 2018 Q1: t1 consolidated and submitted (late); t2 a draft; t3 returned.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests import factories
from tracker.models import Assignment, ProgressReport, Task, Unit
from tracker.services.units import rename_unit

Role = Assignment.Role


def _task(document, number, text, *, parent=None, status="on_track", light="green", deadline=None):
    return factories.make_task(
        document,
        number,
        text=text,
        parent=parent,
        schedule_status=status,
        light=light,
        deadline_on=deadline,
        deadline_kind=Task.DeadlineKind.DATE if deadline else Task.DeadlineKind.NONE,
    )


@pytest.fixture
def city(db, unit, other_unit):
    """`unit` is 市发展改革委's fixture name in the cast; here 市财政局 is `other_unit`."""
    fgw_old = factories.make_unit("聊城市发展计划委员会", short_name="市发改委")
    fgw_new = rename_unit(
        acting_user=None,
        unit=fgw_old,
        new_name="聊城市发展和改革委员会（新）",
        new_short_name="市发展改革委",
        effective_on=dt.date(2019, 1, 20),
    )
    czj = other_unit
    guan = factories.make_unit(
        "冠县人民政府", short_name="冠县政府", kind=Unit.Kind.COUNTY_GOVERNMENT
    )
    shen = factories.make_unit(
        "莘县人民政府", short_name="莘县政府", kind=Unit.Kind.COUNTY_GOVERNMENT
    )
    counties = factories.make_group("各县（市、区）人民政府", members=[guan, shen])
    guo = factories.make_official("郭建民")
    ma = factories.make_official("马丽红")

    plan18 = factories.make_document("聊政发〔2018〕7号", year=2018, title="2018年分工方案")
    s1 = _task(
        plan18,
        "一",
        "聚焦聚力供给侧结构性改革",
    )
    s2 = _task(plan18, "二", "聚焦聚力乡村振兴")
    Task.objects.filter(pk__in=[s1.pk, s2.pk]).update(is_leaf=False)
    t1 = _task(
        plan18,
        "一.1",
        "推进营商环境改革，实施“一次办好”。",
        parent=s1,
        status="overdue",
        light="red",
        deadline=dt.date(2018, 6, 30),
    )
    t2 = _task(
        plan18,
        "一.2",
        "深化财税体制改革。",
        parent=s1,
        status="due_soon",
        light="yellow",
        deadline=dt.date(2018, 12, 31),
    )
    t3 = _task(plan18, "二.1", "实施乡村振兴战略。", parent=s2)
    t4 = _task(
        plan18,
        "二.2",
        "完成县域农村公路建设。",
        parent=s2,
        status="done",
        light="blue",
        deadline=dt.date(2018, 3, 31),
    )
    plan19 = factories.make_document("聊政发〔2019〕5号", year=2019, title="2019年分工方案")
    t5 = _task(
        plan19,
        "1",
        "持续优化营商环境。",
        status="overdue",
        light="red",
        deadline=dt.date(2019, 6, 30),
    )
    t6 = _task(plan19, "2", "加强财政资金绩效管理。")

    factories.assign(t1, fgw_old, Role.LEAD)
    factories.assign(t1, czj, Role.COOPERATING, order=1)
    factories.assign(t2, czj, Role.LEAD)
    factories.assign(t2, fgw_old, Role.COOPERATING, order=1)
    factories.assign(t3, czj, Role.LEAD)
    Assignment.objects.create(
        task=t3, group=counties, written_name=counties.name, role=Role.IMPLEMENTING, order=1
    )
    factories.assign(t4, guan, Role.RESPONSIBLE, consolidates=True)
    factories.assign(t5, fgw_new, Role.LEAD)
    factories.assign(t6, czj, Role.LEAD)
    factories.assign(t6, shen, Role.COOPERATING, order=1)
    factories.lead_official(t1, guo)
    factories.lead_official(t3, guo)
    factories.lead_official(t2, ma)
    factories.lead_official(t5, ma)

    q1_2018 = factories.make_period(2018, 1)
    q1_2019 = factories.make_period(2019, 1)
    late = timezone.make_aware(dt.datetime(2018, 4, 9, 10, 0))
    ProgressReport.objects.create(
        task=t1,
        unit=fgw_old,
        period=q1_2018,
        is_consolidated=True,
        status="submitted",
        percent=40,
        submitted_at=late,
    )
    ProgressReport.objects.create(
        task=t2, unit=czj, period=q1_2018, is_consolidated=True, status="draft"
    )
    ProgressReport.objects.create(
        task=t3,
        unit=czj,
        period=q1_2018,
        is_consolidated=True,
        status="returned",
        submitted_at=late,
        review_comment="请补充佐证材料。",
    )
    return SimpleNamespace(
        fgw_old=fgw_old, fgw_new=fgw_new, czj=czj, guan=guan, shen=shen, counties=counties,
        guo=guo, ma=ma, plan18=plan18, plan19=plan19, s1=s1, s2=s2,
        t1=t1, t2=t2, t3=t3, t4=t4, t5=t5, t6=t6, q1_2018=q1_2018, q1_2019=q1_2019,
    )  # fmt: skip
