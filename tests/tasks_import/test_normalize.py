import pytest

from tasks_import.normalize import clean_line, clean_lines, join_lines, normalize_text
from tasks_import.outline import is_heading, starts_new_line


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("## 一、主要预期目标", "一、主要预期目标"),  # 000 L106 heading depth
        (
            "**牵头领导：**任晓旺；**牵头单位：**市农委；",
            "牵头领导：任晓旺；牵头单位：市农委；",
        ),  # L194
        ("（**牵头单位：市科**", "（牵头单位：市科"),  # 000 L920 bold closing mid-name
        (
            "  - 2.《聊城市养犬管理条例》（市公安局起草）",
            "2.《聊城市养犬管理条例》（市公安局起草）",
        ),
        ("(8) 实现管道天然气乡镇全覆盖", "（8）实现管道天然气乡镇全覆盖"),  # 000 L461
        ("牵头领导: 任晓旺; 牵头单位: 市交通运输局", "牵头领导：任晓旺；牵头单位：市交通运输局"),
        ("2018 年 2 月 12 日", "2018年2月12日"),  # 000 L645
        ("力争电子商务交易额增长 15% 以上", "力争电子商务交易额增长15%以上"),  # 000 L172
        ("市长：張百順", "市长：张百顺"),  # 003 L105
        ("市经信委、市市财政局、市税务局", "市经信委、市财政局、市税务局"),  # 001 L383
        ("市市场监管局", "市市场监管局"),
        ("创新意识 and 积极性", "创新意识和积极性"),  # 001 L424
        ("核⼼作用", "核心作用"),  # 001 L117 Kangxi radical
        ("E-mail: lcszfgb@163.com", "E-mail: lcszfgb@163.com"),
        ("《GB/T 35796-2017》", "《GB/T 35796-2017》"),
    ],
)
def test_it_cleans_a_physical_line(raw, clean):
    assert clean_line(raw).text == clean


def test_it_drops_table_separator_rows_and_keeps_rows():
    assert clean_line("|----|--|").text == ""
    assert clean_line("| 重点任务 | 序号 | 完成时限 |").table_row


def _join(text):
    return join_lines(clean_lines(text), starts_new_line=starts_new_line, is_heading=is_heading)


def test_it_rejoins_a_keyword_split_over_a_blank_line():
    # 003 L829/L831
    lines = _join("进一步合理布局竞技体育项目。（牵\n\n头单位：市教育体育局；责任单位：市财政局）")
    assert [line.text for line in lines] == [
        "进一步合理布局竞技体育项目。（牵头单位：市教育体育局；责任单位：市财政局）"
    ]
    assert lines[0].numbers == [1, 3]
    assert lines[0].number_at(lines[0].text.index("头单位")) == 3


def test_it_rejoins_a_unit_name_split_mid_word():
    # 000 L481–483
    lines = _join("牵头单位：市政务服\n\n务中心管理办公室；")
    assert lines[0].text == "牵头单位：市政务服务中心管理办公室；"


def test_it_rejoins_markdown_hard_wraps():
    # 000 L220–222
    lines = _join(
        "14. 今年，要确保莘南高速建成通车，2019  \n年、2020年，青兰高速、高唐至东阿高速分别  \n建成通车。"
    )
    assert len(lines) == 1
    assert "分别建成通车。" in lines[0].text


def test_it_keeps_a_heading_apart_from_the_paragraph_below():
    # 001 L147–149
    lines = _join("（一）构建区域创新发展新格局\n\n围绕“一区一圈一带”区域发展战略，遵循规律。")
    assert [line.text for line in lines][0] == "（一）构建区域创新发展新格局"


def test_it_starts_a_new_line_at_every_number_and_label():
    lines = _join("发挥企业作用\n\n2. 支持高校院所\n\n牵头领导：郭建民；")
    assert [line.text for line in lines] == [
        "发挥企业作用",
        "2. 支持高校院所",
        "牵头领导：郭建民；",
    ]


def test_normalize_text_is_idempotent():
    once = normalize_text("(牵头单位:市水利局;配合单位:市发展改革委、市财政局)")
    assert once == "（牵头单位：市水利局；配合单位：市发展改革委、市财政局）"
    assert normalize_text(once) == once


@pytest.mark.parametrize(
    "raw",
    [
        "| 1 | 推进老旧小区改造 | 张某 | 市住建局 |",
        "1 | 推进老旧小区改造 | 张某 | 市住建局 | 2021年12月底前",
        "1｜推进老旧小区改造｜张某｜市住建局",
    ],
)
def test_table_rows_with_or_without_outer_pipes_are_table_rows(raw):
    line = clean_line(raw, 1)
    assert line.table_row
    assert "｜" not in line.text


@pytest.mark.parametrize("raw", ["|---|---|", "---|---|---", "| :-- | --: |"])
def test_table_separators_are_dropped(raw):
    assert clean_line(raw, 1).text == ""


def test_a_line_with_one_or_two_bars_is_not_a_table_row():
    assert not clean_line("甲|乙|丙", 1).table_row
