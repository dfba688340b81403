import pytest

from tasks_import.normalize import clean_lines, join_lines
from tasks_import.outline import (
    build_outline,
    chinese_number,
    is_heading,
    match_marker,
    starts_new_line,
)


def _outline(text):
    lines = join_lines(clean_lines(text), starts_new_line=starts_new_line, is_heading=is_heading)
    return build_outline(lines)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("一、主要预期目标", "一"),  # 000 L106
        ("（十二）完善推进机制。", "(十二)"),
        ("14. 今年，要确保莘南高速建成通车", "14"),
        ("3.坚决培育壮大新动能。", "3"),  # 003 L557 no space
        ("（7）实施中心城区交通“优化提升工程”。", "(7)"),
        ("(8) 实现管道天然气乡镇全覆盖", "(8)"),  # half-width, normalised first
    ],
)
def test_it_reads_outline_markers(text, label):
    marker = match_marker(clean_lines(text)[0].text)
    assert marker is not None and marker.label == label


@pytest.mark.parametrize(
    "text",
    [
        "1-2家企业申报山东省省长质量奖",  # 000 L258
        "2.12345 转 110 事项清单（略）",  # 003 L1135
        "1.1 编制目的",  # 004 14号 decimal heading
        "2. 聊城市“两区”工作领导小组人员名单（略）",  # 000 L844
    ],
)
def test_it_does_not_take_lookalikes_for_items(text):
    assert match_marker(clean_lines(text)[0].text) is None


def test_chinese_numbers():
    assert [chinese_number(n) for n in ["一", "十", "十二", "二十", "二十七", "一百零一"]] == [
        1,
        10,
        12,
        20,
        27,
        101,
    ]


def test_it_nests_by_the_order_kinds_appear_not_by_a_fixed_depth():
    outline = _outline("一、总体要求\n1. 加快培育。\n2. 强化支持。\n二、保障\n（一）加强领导。")
    paths = [node.path for node in outline.plans[0].walk()]
    assert paths == ["一", "一.1", "一.2", "二", "二.(一)"]


def test_numbering_that_runs_on_across_sections_is_one_series():
    # 聊政字〔2019〕6号: （一）–（八） under 一、, （九）… under 二、
    outline = _outline(
        "一、目标\n（一）甲。\n（二）乙。\n二、路径\n（三）丙。\n三、措施\n（一）丁。"
    )
    nodes = {node.path: node for node in outline.plans[0].walk()}
    assert nodes["一.(一)"].series == nodes["二.(三)"].series
    assert nodes["三.(一)"].series != nodes["一.(一)"].series


def test_a_restarted_top_level_after_a_plan_title_is_a_second_plan():
    # 聊政办字〔2019〕13号 L688: the second plan's title, then 一、 again.
    text = "一、问题\n二、任务\n（一）甲。\n聊城市打好农业农村污染治理攻坚战作战方案（2019—2020年）\n一、问题\n二、任务\n"
    outline = _outline(text)
    assert len(outline.plans) == 2
    assert outline.plans[1].title.startswith("聊城市打好农业农村污染治理攻坚战作战方案")


def test_attachment_lists_are_not_items():
    outline = _outline(
        "三、保障\n附件：1. 创新型城市建设推进工作领导小组（略）\n2. 创新型城市建设指标体系\n"
    )
    assert [node.path for node in outline.plans[0].walk()] == ["三"]


def test_table_rows_are_kept_apart_from_the_outline():
    outline = _outline("一、任务\n| 序号 | 完成时限 |\n|--|--|\n| 1 | 2019年12月底前 |\n")
    assert len(outline.tables) == 1 and len(outline.tables[0]) == 2
