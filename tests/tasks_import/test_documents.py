import datetime as dt

from tasks_import import parse_text
from tests.tasks_import.seed_expectations import seed_path


def _result(seed):
    return parse_text(seed_path(seed).read_text(encoding="utf-8"))


def test_it_splits_an_issue_into_its_documents_and_skips_the_table_of_contents():
    result = _result("000")
    numbers = [d.doc_number for d in result.documents]
    assert numbers == [
        "聊政发〔2018〕7号",
        "聊政字〔2018〕17号",
        "聊政字〔2018〕19号",
        "聊政办字〔2018〕5号",
        "聊政办字〔2018〕6号",
        "聊政办字〔2018〕8号",
        "聊政办字〔2018〕9号",
        "聊政任〔2018〕4号",  # 文号 after the title (L1031/L1033)
        None,  # 大事记
    ]
    assert (result.gazette_year, result.gazette_issue, result.gazette_cumulative) == (2018, 2, 179)


def test_it_reads_the_header_of_a_document():
    document = _result("000").documents[0]
    assert document.issuer == "聊城市人民政府"
    assert document.signed_on == dt.date(2018, 2, 28)
    assert document.kind == "分工方案"
    assert document.year == 2018
    assert document.title.startswith("聊城市人民政府关于印发2018年市政府工作报告")


def test_it_reads_spaced_dates_and_title_before_number():
    documents = {d.doc_number: d for d in _result("002").documents}
    assert documents["聊财社〔2019〕69号"].signed_on == dt.date(2019, 5, 9)  # tail before header
    assert documents["聊政发〔2019〕4号"].signed_on == dt.date(2019, 4, 8)  # after the page jump
    documents = {d.doc_number: d for d in _result("001").documents}
    assert documents["聊政办发〔2018〕23号"].signed_on == dt.date(2018, 9, 17)  # 2018 年 9 月 17 日


def test_it_reads_a_decree_number():
    assert _result("003").documents[0].doc_number == "聊城市人民政府令第46号"


def test_text_without_a_document_number_is_one_document():
    text = "某某县2024年重点工作分工方案\n\n一、重点任务\n\n1. 建设产业园。(责任单位:县发改局)\n"
    result = parse_text(text)
    assert len(result.documents) == 1
    document = result.documents[0]
    assert document.doc_number is None
    assert document.title == "某某县2024年重点工作分工方案"
    assert document.year == 2024


def test_every_seed_document_is_liaochengs():
    for seed in ("000", "003"):
        assert {d.place for d in _result(seed).documents} == {"聊城市"}
