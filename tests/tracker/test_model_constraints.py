"""Named database constraints hold the matrix's invariants."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests import factories
from tracker.models import Assignment, Document, ProgressReport, Task, UnitSuccession

pytestmark = pytest.mark.django_db


def violates(name: str, make):
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        make()
    assert name in str(info.value) or "UNIQUE" in str(info.value) or "CHECK" in str(info.value)


def test_it_refuses_a_unit_twice_in_the_same_role_on_a_task(unit):
    task = factories.make_task()
    factories.assign(task, unit, Assignment.Role.LEAD)
    violates("assignment_unit_once_per_role", lambda: factories.assign(task, unit, "lead"))


def test_it_allows_the_same_unit_in_two_roles_on_a_task(unit):
    task = factories.make_task()
    factories.assign(task, unit, Assignment.Role.LEAD)
    factories.assign(task, unit, Assignment.Role.IMPLEMENTING)
    assert task.assignments.count() == 2


def test_it_refuses_an_assignment_to_both_a_unit_and_a_group(unit):
    task = factories.make_task()
    group = factories.make_group("各县（市、区）人民政府")
    violates(
        "assignment_unit_or_group",
        lambda: Assignment.objects.create(
            task=task, unit=unit, group=group, role="lead", written_name="x"
        ),
    )


def test_it_refuses_a_group_twice_in_the_same_role(db):
    task = factories.make_task()
    group = factories.make_group("市属开发区管委会")
    Assignment.objects.create(task=task, group=group, role="implementing", written_name="g")
    violates(
        "assignment_group_once_per_role",
        lambda: Assignment.objects.create(
            task=task, group=group, role="implementing", written_name="g"
        ),
    )


def test_it_refuses_an_unknown_name_twice_in_the_same_role(db):
    task = factories.make_task()
    Assignment.objects.create(task=task, role="lead", written_name="市某某办")
    violates(
        "assignment_proposal_once_per_role",
        lambda: Assignment.objects.create(task=task, role="lead", written_name="市某某办"),
    )


def test_it_refuses_a_duplicate_doc_number(db):
    factories.make_document("聊政发〔2018〕7号")
    violates("document_unique_doc_number", lambda: factories.make_document("聊政发〔2018〕7号"))


def test_it_allows_several_documents_without_doc_number(db):
    Document.objects.create(title="摘录一", year=2018)
    Document.objects.create(title="摘录二", year=2018)
    assert Document.objects.filter(doc_number__isnull=True).count() == 2


def test_it_refuses_a_duplicate_task_number_in_a_document(db):
    document = factories.make_document()
    factories.make_task(document, "一.1")
    violates("task_unique_number_in_document", lambda: factories.make_task(document, "一.1"))


def test_it_refuses_a_deadline_date_on_an_ongoing_task(db):
    violates(
        "task_deadline_date_needs_date_kind",
        lambda: factories.make_task(
            deadline_on=dt.date(2018, 12, 31), deadline_kind=Task.DeadlineKind.ONGOING
        ),
    )


def test_it_refuses_a_unit_succeeding_itself(unit):
    violates(
        "unit_succession_not_self",
        lambda: UnitSuccession.objects.create(
            predecessor=unit, successor=unit, effective_on=dt.date(2019, 1, 1)
        ),
    )


def test_it_refuses_two_reports_for_the_same_task_unit_and_period(unit):
    task = factories.make_task()
    period = factories.make_period()
    ProgressReport.objects.create(task=task, unit=unit, period=period)
    violates(
        "progress_report_once_per_period",
        lambda: ProgressReport.objects.create(task=task, unit=unit, period=period),
    )


def test_it_refuses_a_percent_over_100(unit):
    task = factories.make_task()
    violates(
        "progress_report_percent_range",
        lambda: ProgressReport.objects.create(
            task=task, unit=unit, period=factories.make_period(), percent=101
        ),
    )


def test_it_explains_a_constraint_in_chinese_on_validation(unit):
    task = factories.make_task()
    factories.assign(task, unit, Assignment.Role.LEAD)
    duplicate = Assignment(task=task, unit=unit, role="lead", written_name="x")
    with pytest.raises(Exception) as info:
        duplicate.full_clean()
    assert "同一单位在同一任务中不能重复担任同一角色。" in str(info.value)
