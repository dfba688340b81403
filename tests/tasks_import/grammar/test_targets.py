"""extract_targets: conservative, clause-level measurable targets (patterns.TARGET_*)."""

from __future__ import annotations

from tasks_import.grammar import extract_targets
from tests.tasks_import.grammar.seedlines import quoted


def test_percent_growth_targets_one_per_clause():
    text = quoted(
        "000",
        108,
        "1. 生产总值增长7.5%左右，地方一般公共预算收入增长5%左右，固定资产投资增长10%左右，",
    )
    assert extract_targets(text) == [
        "生产总值增长7.5%左右",
        "地方一般公共预算收入增长5%左右",
        "固定资产投资增长10%左右",
    ]


def test_counts_with_spaces_around_the_numbers():
    text = quoted("000", 427, "新开工 4.8 万套、建成 1.9 万套，改造老旧小区 104 个；")
    assert extract_targets(text) == ["新开工4.8万套、建成1.9万套", "改造老旧小区104个"]


def test_a_leading_time_clause_stays_with_its_targets():
    text = quoted(
        "003", 527, "到 2025 年年底，全市高新技术企业达到 1000 家，科技型中小企业入库达到 1200 家"
    )
    assert extract_targets(text) == [
        "到2025年年底，全市高新技术企业达到1000家",
        "到2025年年底，科技型中小企业入库达到1200家",
    ]


def test_a_count_above_a_threshold():
    text = quoted("001", 157, "建设农业试验示范基地30处以上")
    assert extract_targets(text) == ["建设农业试验示范基地30处以上"]


def test_a_yearly_registration_target():
    text = quoted("000", 309, "全年新登记市场主体 5 万户以上")
    assert extract_targets(text) == ["全年新登记市场主体5万户以上"]


def test_subsidy_amounts_are_not_targets():
    text = quoted("003", 377, "对首次通过高新技术企业认定的企业，给予10万元补助")
    assert extract_targets(text) == []


def test_slogans_in_words_are_not_targets():
    text = quoted("000", 146, "确保实现“三个百分之百”")
    assert extract_targets(text) == []


def test_bare_years_are_not_targets():
    assert extract_targets("到2020年基本完成。") == []


def test_a_target_label_text_is_taken_whole():
    text = quoted("004", 1500, "目标要求：组织落实。")
    assert extract_targets(text) == ["组织落实。"]


def test_empty_text():
    assert extract_targets("") == []
