"""Every service function changes state inside a transaction and writes an audit row."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tracker.models import Assignment, AuditEntry, Profile, Unit, UnitAlias, UnitSuccession
from tracker.services import accounts, assignments, units

pytestmark = pytest.mark.django_db


def last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-id").first()


def test_it_audits_create_unit(supervisor):
    unit = units.create_unit(
        acting_user=supervisor,
        name="聊城市应急管理局",
        short_name="市应急局",
        aliases=("市应急管理局",),
    )
    entry = last_entry()
    assert (entry.action, entry.actor, entry.object_id) == ("unit.create", supervisor, str(unit.pk))
    assert entry.after["name"] == "聊城市应急管理局"
    assert entry.after["aliases"] == ["市应急管理局"]


def test_it_audits_add_unit_alias(supervisor, unit):
    units.add_unit_alias(acting_user=supervisor, unit=unit, alias="市发改委")
    assert UnitAlias.objects.get(alias="市发改委").unit == unit
    assert (last_entry().action, last_entry().after) == ("unit.add_alias", {"alias": "市发改委"})


def test_it_refuses_an_alias_that_belongs_to_another_unit(supervisor, unit, other_unit):
    units.add_unit_alias(acting_user=supervisor, unit=unit, alias="市发改委")
    with pytest.raises(ValidationError) as info:
        units.add_unit_alias(acting_user=supervisor, unit=other_unit, alias="市发改委")
    assert info.value.messages == ["别名“市发改委”已属于单位“市发展改革委”。"]


def test_it_audits_rename_unit_and_keeps_the_old_unit(supervisor):
    old = factories.make_unit("聊城市安全生产监督管理局", short_name="市安监局")
    new = units.rename_unit(
        acting_user=supervisor,
        unit=old,
        new_name="聊城市应急管理局",
        new_short_name="市应急局",
        effective_on=dt.date(2019, 1, 25),
        source="机构改革",
    )
    old.refresh_from_db()
    assert old.dissolved_on == dt.date(2019, 1, 25)
    assert UnitSuccession.objects.get(predecessor=old).successor == new
    entry = last_entry()
    assert entry.action == "unit.rename"
    assert entry.before["dissolved_on"] is None
    assert entry.after["dissolved_on"] == "2019-01-25"
    assert entry.after["successor"] == new.pk


def test_it_refuses_to_rename_a_dissolved_unit(supervisor):
    old = factories.make_unit("聊城市环境保护局", dissolved_on=dt.date(2019, 1, 25))
    with pytest.raises(ValidationError) as info:
        units.rename_unit(
            acting_user=supervisor, unit=old, new_name="x", effective_on=dt.date(2019, 2, 1)
        )
    assert info.value.messages == ["单位“聊城市环境保护局”已于2019-01-25撤销，不能再更名。"]
    assert not AuditEntry.objects.filter(action="unit.rename").exists()


def test_it_audits_merge_units(supervisor):
    a = factories.make_unit("聊城市工商行政管理局")
    b = factories.make_unit("聊城市质量技术监督局")
    merged = factories.make_unit("聊城市市场监督管理局")
    created = units.merge_units(
        acting_user=supervisor,
        predecessors=[a, b],
        successor=merged,
        effective_on=dt.date(2019, 1, 25),
    )
    assert len(created) == 2
    assert AuditEntry.objects.filter(action="unit.merge").count() == 2


def test_it_audits_resolving_a_proposal(supervisor, unit):
    task = factories.make_task()
    Assignment.objects.create(task=task, role="lead", written_name="市发改")
    count = units.resolve_unit_proposal(acting_user=supervisor, written_name="市发改", unit=unit)
    assert count == 1
    assert task.assignments.get().unit == unit
    assert last_entry().after == {"written_name": "市发改", "assignments": 1}


def test_it_audits_assign_reassign_and_remove(supervisor, unit, other_unit):
    task = factories.make_task()
    assignment = assignments.assign_unit(
        acting_user=supervisor, task=task, unit=unit, role=Assignment.Role.LEAD, consolidates=True
    )
    assert last_entry().action == "assignment.create"
    assert last_entry().task == task
    assignments.reassign(acting_user=supervisor, assignment=assignment, unit=other_unit)
    entry = last_entry()
    assert (entry.action, entry.before["unit_id"], entry.after["unit_id"]) == (
        "assignment.update",
        unit.pk,
        other_unit.pk,
    )
    assignments.remove_assignment(acting_user=supervisor, assignment=assignment)
    assert last_entry().action == "assignment.delete"
    assert not task.assignments.exists()
    assert AuditEntry.objects.filter(task=task).count() == 3


def test_it_refuses_an_assignment_without_unit_or_group(supervisor):
    task = factories.make_task()
    with pytest.raises(ValidationError) as info:
        assignments.assign_unit(acting_user=supervisor, task=task, role="lead")
    assert info.value.messages == ["请指定一个单位或一个单位组。"]
    assert not AuditEntry.objects.filter(action__startswith="assignment.").exists()


def test_it_audits_set_lead_officials(supervisor):
    task = factories.make_task()
    a, b = factories.make_official("洪玉振"), factories.make_official("成伟")
    assignments.set_lead_officials(acting_user=supervisor, task=task, officials=[a, b])
    assert [link.official for link in task.lead_officials.order_by("order")] == [a, b]
    assert last_entry().after == {"officials": [a.pk, b.pk]}


def test_it_audits_create_account(supervisor, unit):
    user = accounts.create_account(
        acting_user=supervisor,
        username="clerk1",
        email="c@example.gov.cn",
        role=Profile.Role.CLERK,
        password="x-long-password-1",
        units=(unit,),
        head_of=(unit,),
    )
    assert user.profile.role == "clerk"
    assert user.unit_memberships.get().is_head_contact
    assert last_entry().after["units"] == [unit.pk]


def test_it_tags_audit_rows_with_the_request_id(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/healthz", HTTP_X_REQUEST_ID="req-123")
    assert response["X-Request-Id"] == "req-123"


def test_it_counts_unit_kinds_from_the_registry_choices():
    assert Unit.Kind.COUNTY_GOVERNMENT.label == "县（市、区）政府"
