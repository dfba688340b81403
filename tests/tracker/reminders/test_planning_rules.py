"""Who gets what on which day: frozen-time tests for every rule, escalation included.

The period is 2018 Q1, due Thursday 2018-04-05 — the first day of the 清明 holiday
(04-05 to 04-07), with Sunday 04-08 a make-up working day. Default rules: report due 7, 3
and 1 calendar days before; overdue chase 1 working day after; escalation 5 working days
after; task deadline 15 and 3 days before and 1 working day after; per-period digest 1
working day after the due date; weekly digest on Mondays.
"""

import datetime as dt

import pytest

from tests import factories
from tests.tracker.reminders.conftest import at, frozen
from tracker.models import (
    Assignment,
    OutgoingEmail,
    Profile,
    ProgressReport,
    ReminderRule,
    UnitSuccession,
)
from tracker.schedule import Light, ScheduleStatus
from tracker.services.reminders import plan_reminders

pytestmark = pytest.mark.django_db


def plan(moment):
    with frozen(moment):
        return plan_reminders(dispatch=False)


def mail_on(moment) -> dict[str, list[tuple]]:
    """Plan at `moment`; {recipient: [(item type, task number, unit), …]} of that day's rows."""
    plan(moment)
    day = moment.date()
    result = {}
    for email in OutgoingEmail.objects.filter(run_on=day).order_by("pk"):
        who = email.recipient_email or f"({email.recipient_name})"
        result[who] = [
            (item.get("type", email.kind), item["number"], item.get("unit", ""))
            for item in email.items
        ]
    return result


def report(task, unit, period, status):
    return ProgressReport.objects.create(task=task, unit=unit, period=period, status=status)


def test_it_reminds_clerks_of_every_unit_with_a_missing_report_7_3_and_1_days_before(city):
    expected = {
        "owner@example.gov.cn": [("report_due", "一.1", "市发展改革委")],
        "colleague@example.gov.cn": [("report_due", "一.1", "市发展改革委")],
        "outsider@example.gov.cn": [("report_due", "一.1", "市财政局")],
    }
    assert mail_on(at(2018, 3, 29)) == expected  # 7 days before
    assert mail_on(at(2018, 4, 2)) == expected  # 3 days before
    assert mail_on(at(2018, 4, 4)) == expected  # 1 day before
    for quiet_day in (at(2018, 3, 28), at(2018, 3, 30), at(2018, 4, 3), at(2018, 4, 5)):
        assert mail_on(quiet_day) == {}
    email = OutgoingEmail.objects.get(
        run_on=dt.date(2018, 4, 2), recipient_email="owner@example.gov.cn"
    )
    assert email.items[0] | {} == {
        "type": "report_due",
        "task": city.task.pk,
        "number": "一.1",
        "title": "深化“放管服”改革",
        "unit": "市发展改革委",
        "period": "2018年第1季度",
        "due_on": "2018-04-05",
        "days": 3,
        "mandatory": False,
    }
    assert email.kind == OutgoingEmail.Kind.REMINDER
    assert email.idempotency_key == "reminder:2018-04-02:owner@example.gov.cn"


def test_it_counts_only_submitted_or_accepted_reports_as_in(city):
    report(city.task, city.other_unit, city.period, ProgressReport.Status.SUBMITTED)
    report(city.task, city.unit, city.period, ProgressReport.Status.DRAFT)
    assert set(mail_on(at(2018, 4, 2))) == {"owner@example.gov.cn", "colleague@example.gov.cn"}
    ProgressReport.objects.filter(unit=city.unit).update(
        status=ProgressReport.Status.RETURNED, review_comment="请补充数据。"
    )
    assert set(mail_on(at(2018, 4, 4))) == {"owner@example.gov.cn", "colleague@example.gov.cn"}
    ProgressReport.objects.filter(unit=city.unit).update(status=ProgressReport.Status.ACCEPTED)
    assert mail_on(at(2018, 3, 29)) == {}


def test_it_leaves_out_done_tasks_implementing_units_and_closed_periods(city, unit, other_unit):
    done = factories.make_task(
        document=city.task.document, number="一.2", schedule_status=ScheduleStatus.DONE
    )
    factories.assign(done, unit, Assignment.Role.LEAD)
    county = factories.make_unit("冠县人民政府")
    factories.make_user("county", units=[county])
    factories.assign(city.task, county, Assignment.Role.IMPLEMENTING)
    assert set(mail_on(at(2018, 4, 2))) == {
        "owner@example.gov.cn",
        "colleague@example.gov.cn",
        "outsider@example.gov.cn",
    }
    assert [i[1] for i in mail_on(at(2018, 4, 4))["owner@example.gov.cn"]] == ["一.1"]
    city.period.closed_at = at(2018, 3, 1)
    city.period.save()
    assert mail_on(at(2018, 3, 29)) == {}


def test_it_chases_clerks_one_working_day_after_the_due_date_skipping_the_holiday(city):
    # 04-05..04-07 is 清明; Sunday 04-08 is a make-up working day: the chase goes then.
    assert mail_on(at(2018, 4, 6)) == {}
    assert mail_on(at(2018, 4, 7)) == {}
    assert mail_on(at(2018, 4, 8)) == {
        "owner@example.gov.cn": [("report_overdue", "一.1", "市发展改革委")],
        "colleague@example.gov.cn": [("report_overdue", "一.1", "市发展改革委")],
        "outsider@example.gov.cn": [("report_overdue", "一.1", "市财政局")],
        # the per-period digest goes out the same working day
        "guojianmin@liaocheng.gov.cn": [("digest", "一.1", "")],
        "(马丽红)": [("digest", "一.1", "")],
    }
    chase = OutgoingEmail.objects.get(
        recipient_email="owner@example.gov.cn", run_on=dt.date(2018, 4, 8)
    )
    assert chase.items[0]["days"] == 3


def test_it_escalates_to_the_head_contact_and_the_lead_officials_after_5_working_days(city):
    report(city.task, city.other_unit, city.period, ProgressReport.Status.SUBMITTED)
    for day in (9, 10, 11):
        assert mail_on(at(2018, 4, day)) == {}
    # Working days after 04-05: 04-08, 09, 10, 11, 12 → escalation on Thursday 04-12.
    assert mail_on(at(2018, 4, 12)) == {
        "head@example.gov.cn": [("report_escalation", "一.1", "市发展改革委")],
        "guojianmin@liaocheng.gov.cn": [("report_escalation", "一.1", "市发展改革委")],
        "(马丽红)": [("report_escalation", "一.1", "市发展改革委")],
    }
    assert mail_on(at(2018, 4, 13)) == {}
    escalation = OutgoingEmail.objects.get(
        recipient_email="guojianmin@liaocheng.gov.cn", run_on=dt.date(2018, 4, 12)
    )
    assert escalation.items[0]["days"] == 7
    assert escalation.items[0]["mandatory"] is True


def test_it_records_an_official_without_an_address_instead_of_skipping_silently(city):
    plan(at(2018, 4, 12))
    row = OutgoingEmail.objects.get(official=city.silent_official)
    assert row.status == OutgoingEmail.Status.NO_ADDRESS
    assert row.recipient_email == ""
    assert row.recipient_name == "马丽红"
    assert row.last_error == "收件人没有电子邮箱地址。"
    assert plan(at(2018, 4, 12)).no_address == 1


def test_it_reminds_lead_units_and_lead_officials_before_and_after_a_task_deadline(city):
    task = factories.make_task(
        document=city.task.document,
        number="二.3",
        title="建成政务服务中心",
        deadline_on=dt.date(2018, 6, 30),
        deadline_kind="date",
    )
    factories.assign(task, city.unit, Assignment.Role.LEAD)
    factories.assign(task, city.other_unit, Assignment.Role.COOPERATING)
    factories.lead_official(task, city.official)
    before = {
        "owner@example.gov.cn": [("task_due", "二.3", "市发展改革委")],
        "colleague@example.gov.cn": [("task_due", "二.3", "市发展改革委")],
        "guojianmin@liaocheng.gov.cn": [("task_due", "二.3", "")],
    }
    assert mail_on(at(2018, 6, 15)) == before  # 15 days before
    assert mail_on(at(2018, 6, 27)) == before  # 3 days before
    assert mail_on(at(2018, 6, 30)) == {}
    assert mail_on(at(2018, 7, 1)) == {}
    # Saturday 06-30 deadline; the first working day after it is Monday 07-02.
    assert mail_on(at(2018, 7, 2)) == {
        "owner@example.gov.cn": [("task_overdue", "二.3", "市发展改革委")],
        "colleague@example.gov.cn": [("task_overdue", "二.3", "市发展改革委")],
        "guojianmin@liaocheng.gov.cn": [("task_overdue", "二.3", "")],
    }


def test_it_expands_an_assigned_unit_group_to_its_members(city):
    counties = [factories.make_unit(name) for name in ("冠县人民政府", "莘县人民政府")]
    group = factories.make_group("各县（市、区）人民政府", members=counties)
    for county in counties:
        factories.make_user(f"clerk-{county.pk}", units=[county])
    task = factories.make_task(document=city.task.document, number="三.1", title="农村厕所改造")
    Assignment.objects.create(
        task=task, group=group, written_name=group.name, role=Assignment.Role.COOPERATING
    )
    mail = mail_on(at(2018, 4, 2))
    assert mail[f"clerk-{counties[0].pk}@example.gov.cn"] == [
        ("report_due", "三.1", "冠县人民政府")
    ]
    assert mail[f"clerk-{counties[1].pk}@example.gov.cn"] == [
        ("report_due", "三.1", "莘县人民政府")
    ]
    report(task, counties[0], city.period, ProgressReport.Status.SUBMITTED)
    mail = mail_on(at(2018, 4, 4))
    assert f"clerk-{counties[0].pk}@example.gov.cn" not in mail
    assert f"clerk-{counties[1].pk}@example.gov.cn" in mail


def test_it_sends_one_email_per_recipient_listing_all_their_items(city):
    second = factories.make_task(document=city.task.document, number="一.2", title="优化营商环境")
    factories.assign(second, city.unit, Assignment.Role.COOPERATING)
    deadline = factories.make_task(
        document=city.task.document,
        number="一.3",
        title="上线一网通办",
        deadline_on=dt.date(2018, 4, 5),
        deadline_kind="date",
    )
    factories.assign(deadline, city.unit, Assignment.Role.LEAD)
    mail = mail_on(at(2018, 4, 2))
    assert mail["owner@example.gov.cn"] == [
        ("report_due", "一.1", "市发展改革委"),
        ("report_due", "一.2", "市发展改革委"),
        ("report_due", "一.3", "市发展改革委"),
        ("task_due", "一.3", "市发展改革委"),
    ]
    assert OutgoingEmail.objects.filter(recipient_email="owner@example.gov.cn").count() == 1


def test_it_plans_a_day_once_however_often_beat_runs(city):
    plan(at(2018, 4, 2, 9))
    plan(at(2018, 4, 2, 10))
    plan(at(2018, 4, 2, 16))
    assert OutgoingEmail.objects.count() == 3
    assert sorted(OutgoingEmail.objects.values_list("idempotency_key", flat=True)) == [
        "reminder:2018-04-02:colleague@example.gov.cn",
        "reminder:2018-04-02:outsider@example.gov.cn",
        "reminder:2018-04-02:owner@example.gov.cn",
    ]


def test_it_honours_an_opt_out_except_for_mandatory_escalation(city):
    Profile.objects.filter(user__in=[city.owner, city.head]).update(email_reminders=False)
    assert "owner@example.gov.cn" not in mail_on(at(2018, 4, 2))
    assert "colleague@example.gov.cn" in mail_on(at(2018, 4, 4))
    assert "head@example.gov.cn" in mail_on(at(2018, 4, 12))


def test_it_plans_at_night_but_holds_the_mail_until_the_quiet_hours_end(city, settings):
    settings.DUBAN_QUIET_HOURS = "21:00-08:00"
    plan(at(2018, 4, 2, 0, 30))
    assert set(OutgoingEmail.objects.values_list("next_attempt_at", flat=True)) == {
        at(2018, 4, 2, 8, 0)
    }
    OutgoingEmail.objects.all().delete()
    plan(at(2018, 4, 4, 22, 15))
    assert set(OutgoingEmail.objects.values_list("next_attempt_at", flat=True)) == {
        at(2018, 4, 5, 8, 0)
    }


def test_it_counts_chinese_working_days_when_a_rule_says_so(city):
    # Q3 due Monday 2018-10-08, after the National Day holiday (10-01..10-07);
    # Sunday 09-30 was a make-up working day.
    q3 = factories.make_period(2018, 3, due_on=dt.date(2018, 10, 8))
    assert q3.due_on == dt.date(2018, 10, 8)
    ReminderRule.objects.filter(kind="report_due").delete()
    ReminderRule.objects.create(kind="report_due", days=1, working_days=True)
    assert mail_on(at(2018, 10, 7)) == {}
    assert mail_on(at(2018, 9, 29)) == {}
    assert set(mail_on(at(2018, 9, 30))) == {
        "owner@example.gov.cn",
        "colleague@example.gov.cn",
        "outsider@example.gov.cn",
    }
    ReminderRule.objects.filter(kind="report_due").update(working_days=False)
    assert set(mail_on(at(2018, 10, 7))) == {
        "owner@example.gov.cn",
        "colleague@example.gov.cn",
        "outsider@example.gov.cn",
    }


def test_it_follows_the_offices_rule_table(city):
    ReminderRule.objects.filter(kind="report_due", days=3).update(is_active=False)
    ReminderRule.objects.create(kind="report_due", days=2)
    assert mail_on(at(2018, 4, 2)) == {}
    assert set(mail_on(at(2018, 4, 3))) == {
        "owner@example.gov.cn",
        "colleague@example.gov.cn",
        "outsider@example.gov.cn",
    }


def test_it_sends_each_official_a_digest_of_every_task_they_lead_per_period(city):
    done = factories.make_task(
        document=city.task.document,
        number="一.2",
        title="已完成的任务",
        schedule_status=ScheduleStatus.DONE,
        light=Light.BLUE,
    )
    factories.assign(done, city.unit, Assignment.Role.LEAD)
    factories.lead_official(done, city.official)
    behind = factories.make_task(
        document=city.task.document,
        number="一.3",
        title="滞后的任务",
        schedule_status=ScheduleStatus.BEHIND,
        light=Light.YELLOW,
    )
    factories.assign(behind, city.other_unit, Assignment.Role.LEAD)
    factories.lead_official(behind, city.official)
    report(behind, city.other_unit, city.period, ProgressReport.Status.SUBMITTED)
    plan(at(2018, 4, 8))
    digest = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.DIGEST, official=city.official)
    assert digest.recipient_email == "guojianmin@liaocheng.gov.cn"
    assert digest.period == city.period
    assert digest.idempotency_key == f"digest:period-{city.period.pk}:official-{city.official.pk}"
    assert [(i["number"], i["status"], i["missing"]) for i in digest.items] == [
        ("一.1", "on_track", ["市发展改革委", "市财政局"]),
        ("一.2", "done", []),
        ("一.3", "behind", []),
    ]
    assert OutgoingEmail.objects.get(
        kind=OutgoingEmail.Kind.DIGEST, official=city.silent_official
    ).status == (OutgoingEmail.Status.NO_ADDRESS)


def test_it_sends_no_digest_to_an_official_who_chose_none(city):
    Profile.objects.filter(user=city.official_user).update(
        digest_frequency=Profile.DigestFrequency.NEVER
    )
    plan(at(2018, 4, 8))
    assert not OutgoingEmail.objects.filter(
        kind=OutgoingEmail.Kind.DIGEST, official=city.official
    ).exists()


def test_it_sends_a_weekly_digest_on_mondays_to_officials_who_chose_it(city):
    plan(at(2018, 4, 16))  # a Monday
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.WEEKLY_DIGEST).exists()
    Profile.objects.filter(user=city.official_user).update(
        digest_frequency=Profile.DigestFrequency.WEEKLY
    )
    plan(at(2018, 4, 17))  # Tuesday: nothing
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.WEEKLY_DIGEST).exists()
    plan(at(2018, 4, 23))
    plan(at(2018, 4, 23, 15))
    weekly = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.WEEKLY_DIGEST)
    assert weekly.official == city.official
    assert weekly.idempotency_key == f"weekly-digest:2018-W17:official-{city.official.pk}"
    assert weekly.period == city.period
    assert weekly.items[0]["missing"] == ["市发展改革委", "市财政局"]


def test_it_writes_one_audit_row_per_planning_run(city):
    from tracker.models import AuditEntry

    plan(at(2018, 4, 12))
    entry = AuditEntry.objects.get(action="reminders.plan")
    assert entry.object_repr == "催办计划 2018-04-12"
    assert entry.after == {"planned": 2, "no_address": 1, "reminder": 3}


def test_it_reminds_the_successors_clerks_for_a_task_assigned_to_a_renamed_unit(city, unit):
    # 市发改委 (dissolved in the 2019 reform) leads a task; only 市发展改革委 has clerks now.
    old = factories.make_unit(
        "聊城市发展计划委员会", short_name="市发改委", dissolved_on=dt.date(2018, 1, 1)
    )
    UnitSuccession.objects.create(predecessor=old, successor=unit, effective_on=dt.date(2018, 1, 1))
    task = factories.make_task(number="一.2", title="推进重点项目")
    factories.assign(task, old, Assignment.Role.LEAD)
    mail = mail_on(at(2018, 3, 29))
    assert ("report_due", "一.2", "市发改委") in mail["owner@example.gov.cn"]
    assert ("report_due", "一.2", "市发改委") in mail["colleague@example.gov.cn"]
    assert all(item[1] != "一.2" for item in mail["outsider@example.gov.cn"])
