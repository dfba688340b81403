"""The reference registry in the database: idempotent load, renames by date, groups, lineage."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tasks_import import parse_text
from tasks_import.registry import Registry
from tasks_import.saving import save_parse_result
from tracker.models import (
    Assignment,
    AuditEntry,
    Official,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitSuccession,
)
from tracker.selectors import registry_data, unit_scope
from tracker.services.registry import load_registry, read_registry_file

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"


@pytest.fixture
def loaded():
    load_registry(acting_user=None, data=read_registry_file())
    return Registry.from_dict(registry_data())


def test_it_loads_the_registry_twice_without_duplicates():
    call_command("load_registry")
    counts = [
        model.objects.count() for model in (Unit, UnitAlias, UnitSuccession, UnitGroup, Official)
    ]
    call_command("load_registry")
    assert [
        model.objects.count() for model in (Unit, UnitAlias, UnitSuccession, UnitGroup, Official)
    ] == counts
    assert counts[0] > 150 and counts[2] > 40
    assert AuditEntry.objects.filter(action="registry.load", object_type="bulk").count() == 2


def test_it_resolves_an_old_name_to_its_successor_after_the_rename(loaded):
    before = loaded.resolve_unit("市安监局", on=dt.date(2018, 6, 1))
    after = loaded.resolve_unit("市安监局", on=dt.date(2019, 6, 1))
    assert loaded.units[before.unit_key].short_name == "市安监局"
    assert loaded.units[after.unit_key].name == "聊城市应急管理局"
    assert after.written_unit_key == before.unit_key


def test_it_resolves_aliases_from_the_database(loaded):
    assert loaded.units[loaded.resolve_unit("市人社局", on=dt.date(2019, 6, 1)).unit_key].name == (
        "聊城市人力资源和社会保障局"
    )


def test_it_expands_a_unit_group_to_its_members(loaded):
    group = UnitGroup.objects.get(name="各县（市、区）人民政府")
    members = set(group.members.values_list("short_name", flat=True))
    assert {
        f"{name}政府"
        for name in ("东昌府区", "临清市", "阳谷县", "莘县", "东阿县", "冠县", "高唐县")
    } <= members
    assert len(loaded.group_members(group.code)) == group.members.count() == 8


def test_it_rolls_2018_and_2019_plans_up_under_the_same_successor(loaded):
    for seed in ("000_0e6e99779d602d39.txt", "002_919e3a96157a6362.txt"):
        text = (SEEDS / seed).read_text(encoding="utf-8")
        save_parse_result(parse_text(text, source_name=seed), acting_user=None, original_text=text)
    old = Assignment.objects.get(
        task__document__doc_number="聊政发〔2018〕7号", task__number="一.1", written_name="市发改委"
    ).unit
    new = Assignment.objects.get(
        task__document__doc_number="聊政发〔2019〕5号",
        task__number="一.1",
        written_name="市发展改革委",
    ).unit
    assert old != new and old.dissolved_on is not None and new.dissolved_on is None
    assert new.pk in unit_scope([old.pk]).unit_ids and old.pk in unit_scope([new.pk]).unit_ids
