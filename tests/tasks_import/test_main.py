import json

from tasks_import.__main__ import main
from tests.tasks_import.seed_expectations import seed_path


def test_it_prints_one_json_object_for_several_files(capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main([str(seed_path("000")), str(seed_path("004")), str(empty), "--json"]) == 0
    output = json.loads(capsys.readouterr().out)
    numbers = [d["doc_number"] for d in output["documents"]]
    assert "聊政发〔2018〕7号" in numbers and "聊政办发〔2018〕16号" in numbers
    assert any("文件为空" in w["message"] for w in output["warnings"])


def test_it_prints_a_summary_by_default(capsys):
    assert main([str(seed_path("000"))]) == 0
    assert "聊政发〔2018〕7号" in capsys.readouterr().out
