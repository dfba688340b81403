"""The saving layer: idempotent re-import, rename resolution by date, proposals, bulk writes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks_import.registry import Registry
from tasks_import.result import Deadline, ParsedDocument, ParsedTask, ParseResult, UnitRef
from tasks_import.saving import ImportOverrides, role_override_key, save_parse_result
from tests import factories
from tracker.models import Assignment, AuditEntry, Document, ProgressReport, Task
from tracker.services.registry import load_registry

pytestmark = pytest.mark.django_db

REGISTRY = {
    "version": 1,
    "units": [
        {
            "key": "fgw-old",
            "name": "聊城市发展和改革委员会(2018)",
            "short_name": "市发改委",
            "kind": "city_department",
            "aliases": ["市发改委"],
            "dissolved_on": "2019-01-25",
        },
        {
            "key": "fgw",
            "name": "聊城市发展和改革委员会",
            "short_name": "市发展改革委",
            "kind": "city_department",
            "aliases": [],
            "established_on": "2019-01-25",
        },
        {
            "key": "czj",
            "name": "聊城市财政局",
            "short_name": "市财政局",
            "kind": "city_department",
            "aliases": [],
        },
        {
            "key": "dcf",
            "name": "东昌府区人民政府",
            "short_name": "东昌府区",
            "kind": "county_government",
            "aliases": [],
        },
    ],
    "successions": [
        {
            "predecessor": "fgw-old",
            "successor": "fgw",
            "on": "2019-01-25",
            "kind": "rename",
            "source": "机构改革",
        }
    ],
    "groups": [
        {
            "key": "counties",
            "name": "各县（市、区）人民政府",
            "aliases": ["各县（市、区）政府"],
            "members": ["dcf"],
        }
    ],
    "officials": [
        {
            "key": "gjm",
            "name": "郭建民",
            "position": "副市长",
            "from": "2018-01-01",
            "to": None,
            "aliases": [],
        }
    ],
}


@pytest.fixture
def registry():
    load_registry(acting_user=None, data=REGISTRY)
    return Registry.from_dict(REGISTRY)


def plan(doc_number="聊政发〔2018〕7号", signed_on=dt.date(2018, 2, 28), tasks=None) -> ParseResult:
    tasks = (
        tasks
        if tasks is not None
        else [
            ParsedTask(number="一", parent=None, leaf=False, text="一、稳增长"),
            ParsedTask(
                number="一.1",
                parent="一",
                leaf=True,
                text="推进重点项目建设。",
                lead_officials=["郭建民"],
                units=[
                    UnitRef("市发改委", "lead"),
                    UnitRef("市财政局", "cooperating"),
                    UnitRef("各县（市、区）政府", "implementing", separately=True),
                ],
                deadline=Deadline(dt.date(2018, 12, 31), "2018年12月底前", "date"),
                source_lines=(120, 122),
            ),
            ParsedTask(
                number="一.2",
                parent="一",
                leaf=True,
                text="培育新动能。",
                units=[UnitRef("市新动能办", "responsible", inferred=True)],
                source_lines=(123, 124),
            ),
        ]
    )
    document = ParsedDocument(
        doc_number=doc_number,
        title="2018年分工方案",
        issuer="聊城市人民政府",
        signed_on=signed_on,
        kind="分工方案",
        year=signed_on.year,
        source_lines=(100, 130),
        source_text="……",
        tasks=tasks,
    )
    return ParseResult(documents=[document])


def test_it_saves_the_tree_units_roles_officials_and_provenance(registry):
    [change] = save_parse_result(plan(), acting_user=None, registry=registry)
    assert change.created and change.tasks_added == ["一", "一.1", "一.2"]
    task = Task.objects.get(number="一.1")
    assert task.parent.number == "一"
    assert (task.source_line_start, task.source_line_end) == (120, 122)
    assert (task.deadline_on, task.deadline_kind) == (dt.date(2018, 12, 31), "date")
    rows = {(a.written_name, a.role): a for a in task.assignments.all()}
    lead = rows[("市发改委", "lead")]
    assert lead.unit.code == "fgw-old" and lead.consolidates
    assert rows[("市财政局", "cooperating")].unit.code == "czj"
    group_row = rows[("各县（市、区）政府", "implementing")]
    assert group_row.group.code == "counties" and group_row.separately
    assert [link.official.name for link in task.lead_officials.all()] == ["郭建民"]


def test_it_keeps_an_unknown_unit_as_a_proposal_and_makes_it_the_default_consolidator(registry):
    save_parse_result(plan(), acting_user=None, registry=registry)
    row = Assignment.objects.get(written_name="市新动能办")
    assert row.is_proposal and row.consolidates and row.inferred
    assert not Document.objects.filter(title="市新动能办").exists()


def test_it_changes_nothing_when_the_same_text_is_imported_again(registry):
    save_parse_result(plan(), acting_user=None, registry=registry)
    snapshot = list(Assignment.objects.values_list("pk", "task_id", "unit_id", "role"))
    [change] = save_parse_result(plan(), acting_user=None, registry=registry)
    assert not change.changed
    assert list(Assignment.objects.values_list("pk", "task_id", "unit_id", "role")) == snapshot
    assert Task.objects.count() == 3 and Document.objects.count() == 1
    assert AuditEntry.objects.filter(action="document.reimport").count() == 1


def test_it_reports_what_changed_on_reimport(registry):
    save_parse_result(plan(), acting_user=None, registry=registry)
    edited = plan()
    edited.documents[0].tasks[1].text = "推进重点项目建设，加快进度。"
    edited.documents[0].tasks[1].units = [UnitRef("市财政局", "lead")]
    del edited.documents[0].tasks[2]
    [change] = save_parse_result(edited, acting_user=None, registry=registry)
    assert change.tasks_updated == ["一.1"]
    assert change.tasks_removed == ["一.2"]
    # 一.1's three units go and one comes; 一.2's unit goes with the task itself.
    assert (change.assignments_added, change.assignments_removed) == (1, 3)
    assert Task.objects.get(number="一.1").text == "推进重点项目建设，加快进度。"


def test_it_keeps_a_vanished_task_that_already_has_reports(registry):
    save_parse_result(plan(), acting_user=None, registry=registry)
    task = Task.objects.get(number="一.2")
    ProgressReport.objects.create(
        task=task, unit=factories.make_unit(), period=factories.make_period()
    )
    edited = plan()
    del edited.documents[0].tasks[2]
    [change] = save_parse_result(edited, acting_user=None, registry=registry)
    assert change.tasks_kept_with_reports == ["一.2"] and change.tasks_removed == []
    assert Task.objects.filter(number="一.2").exists()


def test_it_links_a_renamed_unit_to_its_successor_in_a_later_plan(registry):
    save_parse_result(plan(), acting_user=None, registry=registry)
    later = plan(doc_number="聊政发〔2019〕5号", signed_on=dt.date(2019, 2, 20))
    save_parse_result(later, acting_user=None, registry=registry)
    codes = {
        doc: Assignment.objects.get(
            task__document__doc_number=doc, written_name="市发改委"
        ).unit.code
        for doc in ("聊政发〔2018〕7号", "聊政发〔2019〕5号")
    }
    assert codes == {"聊政发〔2018〕7号": "fgw-old", "聊政发〔2019〕5号": "fgw"}


def test_it_applies_the_clerks_fixes_from_the_preview(registry):
    unit = factories.make_unit("聊城市新旧动能转换办公室")
    overrides = ImportOverrides(
        units={"市新动能办": f"unit:{unit.pk}"},
        roles={role_override_key("聊政发〔2018〕7号", "一.1", 1): "lead"},
    )
    save_parse_result(plan(), acting_user=None, registry=registry, overrides=overrides)
    assert Assignment.objects.get(written_name="市新动能办").unit == unit
    assert Assignment.objects.get(written_name="市财政局").role == "lead"


def test_it_saves_a_large_plan_with_a_number_of_queries_that_does_not_grow(registry):
    def big(n):
        tasks = [ParsedTask(number="一", parent=None, leaf=False, text="一、")]
        tasks += [
            ParsedTask(
                number=f"一.{i}",
                parent="一",
                leaf=True,
                text=f"任务{i}。",
                lead_officials=["郭建民"],
                units=[UnitRef("市发改委", "lead"), UnitRef("市财政局", "cooperating")],
            )
            for i in range(1, n + 1)
        ]
        return plan(doc_number=f"聊政发〔2018〕{n}号", tasks=tasks)

    counts = []
    for n in (5, 60):
        with CaptureQueriesContext(connection) as queries:
            save_parse_result(big(n), acting_user=None, registry=registry)
        counts.append(len(queries))
    assert counts[0] == counts[1]
