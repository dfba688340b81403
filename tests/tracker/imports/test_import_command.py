"""manage.py import_gazette: dry-run JSON, saving, clear errors for bad files."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tracker.models import Document, Task
from tracker.services.registry import load_registry, read_registry_file

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
SEED_2018 = SEEDS / "000_0e6e99779d602d39.txt"
SEED_2019 = SEEDS / "002_919e3a96157a6362.txt"

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(db):
    load_registry(acting_user=None, data=read_registry_file())


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_gazette", *args, stdout=out)
    return out.getvalue()


def test_it_prints_exactly_one_json_object_and_saves_nothing_on_dry_run(registry):
    out = run(str(SEED_2018), "--dry-run", "--json")
    data = json.loads(out)
    assert set(data) == {"documents", "warnings"}
    plan = next(d for d in data["documents"] if d["doc_number"] == "聊政发〔2018〕7号")
    assert plan["signed_on"] == "2018-02-28"
    first = next(t for t in plan["tasks"] if t["leaf"])
    assert first["lead_officials"] == ["郭建民"]
    assert first["units"][0] == {
        "name": "市发改委",
        "canonical": "聊城市发展和改革委员会",
        "role": "lead",
        "separately": False,
        "inferred": False,
    }
    assert Document.objects.count() == 0


def test_it_marks_unknown_units_with_a_null_canonical(registry, tmp_path):
    path = tmp_path / "excerpt.txt"
    path.write_text(
        "一、重点任务\n1. 建设智慧城市平台。（牵头单位：市大数据中心甲；配合单位：市财政局）\n"
        "2. 完善考核办法。（牵头单位：市财政局）\n",
        encoding="utf-8",
    )
    data = json.loads(run(str(path), "--dry-run", "--json"))
    units = {
        u["name"]: u["canonical"] for d in data["documents"] for t in d["tasks"] for u in t["units"]
    }
    assert units["市大数据中心甲"] is None
    assert units["市财政局"] == "聊城市财政局"


def test_it_imports_and_reimports_without_duplicates(registry):
    run(str(SEED_2018))
    counts = (Document.objects.count(), Task.objects.count())
    out = run(str(SEED_2018))
    assert (Document.objects.count(), Task.objects.count()) == counts
    assert "无变化 聊政发〔2018〕7号" in out


def test_it_refuses_an_empty_file_with_a_clear_message(registry, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(CommandError) as info:
        run(str(path))
    assert str(info.value) == f"{path}：文件为空。 The file is empty."


def test_it_refuses_a_binary_file(registry, tmp_path):
    path = tmp_path / "scan.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    with pytest.raises(CommandError) as info:
        run(str(path))
    assert "文件不是文本" in str(info.value)
    assert Document.objects.count() == 0


def test_it_refuses_text_without_tasks(registry, tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("关于召开会议的通知\n请各单位准时参加。\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        run(str(path))
    assert str(info.value) == (
        f"{path}：未在文本中识别出任何任务（需要带编号的条目和责任单位），未导入任何内容。"
    )


def test_it_reads_gbk_encoded_text(registry, tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(SEED_2019.read_text(encoding="utf-8").encode("gb18030"))
    data = json.loads(run(str(path), "--dry-run", "--json"))
    assert "聊政发〔2019〕5号" in [d["doc_number"] for d in data["documents"]]


def test_it_says_which_file_it_cannot_read(registry, tmp_path):
    with pytest.raises(CommandError) as info:
        run(str(tmp_path / "missing.txt"))
    assert str(info.value).startswith(f"无法读取文件 {tmp_path / 'missing.txt'}：")


def test_it_does_not_resolve_another_citys_units_against_ours(registry, tmp_path):
    path = tmp_path / "weifang.txt"
    path.write_text(
        "潍坊市人民政府办公室\n关于印发潍坊市优化营商环境工作方案的通知\n"
        "一、重点任务\n1. 优化审批流程。（牵头单位：市财政局；配合单位：市住房城乡建设局）\n"
        "2. 完善考核办法。（牵头单位：市财政局）\n",
        encoding="utf-8",
    )
    data = json.loads(run(str(path), "--dry-run", "--json"))
    canonicals = {u["canonical"] for d in data["documents"] for t in d["tasks"] for u in t["units"]}
    assert canonicals == {None}


def test_it_lets_the_task_page_show_the_exact_source_lines(registry, client, supervisor):
    run(str(SEED_2018))
    task = Task.objects.get(document__doc_number="聊政发〔2018〕7号", number="一.1")
    assert (task.source_line_start, task.source_line_end) == (108, 110)
    client.force_login(supervisor)
    page = client.get(task.get_absolute_url()).content.decode()
    original = SEED_2018.read_text(encoding="utf-8").splitlines()
    assert f"  108  {original[107]}" in page
    assert f"  110  {original[109]}" in page
    assert "牵头领导：郭建民；牵头单位：市发改委" in original[109]
