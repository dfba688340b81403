"""find_assignment_tags over whole task texts: label blocks, responsibility blocks, several tags,
spans, ordinary parentheses that are not tags, and the document rules."""

from __future__ import annotations

from tasks_import.grammar import (
    DocumentRules,
    detect_document_rules,
    find_assignment_tags,
    parse_assignment,
)
from tasks_import.result import Role, UnitRef
from tests.tasks_import.grammar.seedlines import quoted

LEAD, COOP, IMPL, RESP = Role.LEAD, Role.COOPERATING, Role.IMPLEMENTING, Role.RESPONSIBLE


def roles(assignment):
    return [(u.name, u.role) for u in assignment.units]


# --- label blocks ------------------------------------------------------------------------------


def test_label_block_with_officials_lead_and_responsible_units():
    text = quoted(
        "000",
        495,
        "牵头领导：郭建民、洪玉振、成伟；牵头单位：市政府办公室、市经信委、市信访局、市金融办；"
        "责任单位：市政府各部门各单位，各县（市、区）人民政府、市属开发区管委会。",
    )
    (match,) = find_assignment_tags("推进工作。" + text)
    assert match.kind == "label_block"
    assert (match.start, match.end) == (5, 5 + len(text))
    assert match.assignment.lead_officials == ["郭建民", "洪玉振", "成伟"]
    assert [u.role for u in match.assignment.units] == [LEAD] * 4 + [COOP] * 3


def test_bold_labels():
    text = quoted(
        "000", 194, "**牵头领导：**任晓旺；**牵头单位：**市农委；**责任单位：**市财政局、市金融办"
    )
    (match,) = find_assignment_tags(text + "。")
    assert match.start == 0
    assert match.assignment.lead_officials == ["任晓旺"]
    assert roles(match.assignment) == [("市农委", LEAD), ("市财政局", COOP), ("市金融办", COOP)]


def test_label_block_inline_after_a_subtask_title():
    text = quoted(
        "000",
        114,
        "（1）安全生产。牵头领导：洪玉振；牵头单位：市安监局；责任单位：市安委会成员单位，"
        "各县（市、区）人民政府、市属开发区管委会。",
    )
    (match,) = find_assignment_tags(text)
    assert text[match.start :].startswith("牵头领导")  # （1） is not a tag
    assert match.assignment.units[0] == UnitRef("市安监局", LEAD)


def test_label_block_with_cooperating_label():
    text = quoted(
        "002",
        147,
        "牵头领导：郭建民；牵头单位：市发展改革委；配合单位：市工业和信息化局、市财政局、"
        "市商务投资促进局、市税务局，各县（市、区）人民政府、市属开发区管委会。",
    )
    (match,) = find_assignment_tags(text)
    assert [u.role for u in match.assignment.units] == [LEAD] + [COOP] * 6


def test_label_block_with_half_width_punctuation_split_inside_the_nested_parenthesis():
    text = quoted(
        "002",
        437,
        "牵头领导: 马丽红; 牵头单位: 市文化和旅游局; 配合单位: 聊城旅发集团, 各县(市、\n\n"
        "区)人民政府、市属开发区管委会。",
        last=439,
    )
    (match,) = find_assignment_tags(text)
    assert match.end == len(text)
    assert match.assignment.lead_officials == ["马丽红"]
    assert roles(match.assignment) == [
        ("市文化和旅游局", LEAD),
        ("聊城旅发集团", COOP),
        ("各县（市、区）人民政府", COOP),
        ("市属开发区管委会", COOP),
    ]


def test_label_block_lines_with_hard_breaks():
    text = quoted(
        "000",
        225,
        "牵头领导：任晓旺；牵头单位：市交通局、  \n市公路局；责任单位：市发改委、市公安局、  \n"
        "市财政局、市住建局、市交通局、市国土局、  \n市水利局、市环保局、市安监局、市旅发委、  \n"
        "市城市管理局、市规划局、市林业局，沿线有  \n关县（区）政府、市属开发区管委会。",
        last=230,
    )
    (match,) = find_assignment_tags(text)
    names = [u.name for u in match.assignment.units]
    assert names.count("市交通局") == 1
    assert "沿线有关县（区）政府" in names


# --- responsibility blocks (责任分工) -----------------------------------------------------------


def test_responsibility_block_lead_cooperating_implementing():
    text = quoted(
        "004",
        1376,
        "责任分工：市教育局牵头，市人力资源和社会保障局配合，各县（市、区）政府、市属开发区管委会负责落实。",
    )
    (match,) = find_assignment_tags("主要工作：加强。" + text)
    assert match.kind == "responsibility_block"
    assert roles(match.assignment) == [
        ("市教育局", LEAD),
        ("市人力资源和社会保障局", COOP),
        ("各县（市、区）政府", IMPL),
        ("市属开发区管委会", IMPL),
    ]


def test_responsibility_block_fentou_peihe():
    text = quoted(
        "004",
        1484,
        "责任分工：市政府新闻办牵头，市政府应急办、市网信办、市公安局分头配合，"
        "各县（市、区）政府、市属开发区管委会、市直各部门负责落实。",
    )
    assert [u.role for u in parse_assignment(text).units] == [LEAD] + [COOP] * 3 + [IMPL] * 3


def test_responsibility_block_fentou_luoshi():
    text = quoted(
        "004",
        1314,
        "责任分工：市政府办公室牵头，各县（市、区）政府、市属开发区管委会、市直各部门根据工作职责分头落实。",
    )
    assert [u.role for u in parse_assignment(text).units] == [LEAD] + [IMPL] * 3


def test_responsibility_block_leads_by_remit():
    text = quoted(
        "004",
        1394,
        "责任分工：市环保局、市水利局按照职责分工牵头，各县（市、区）政府、市属开发区管委会负责落实。",
    )
    assert [u.role for u in parse_assignment(text).units] == [LEAD, LEAD, IMPL, IMPL]


def test_responsibility_block_separate_leads_with_an_open_list():
    text = quoted(
        "004",
        1586,
        "责任分工：市编办、市工商局、市国土局、市住建局等部门按照职责分工分别牵头，"
        "各县（市、区）政府、市属开发区管委会负责落实。",
    )
    assignment = parse_assignment(text)
    assert assignment.open_list is True
    assert assignment.units[3] == UnitRef("市住建局", LEAD, separately=True)
    assert assignment.units[4] == UnitRef("各县（市、区）政府", IMPL)


def test_responsibility_block_leads_who_implement_separately():
    text = quoted(
        "004",
        1262,
        "责任分工：各县（市、区）政府、市属开发区管委会和市金融办、市财政局、市安监局、市经信委、"
        "市交通运输局、市住建局、市公安局等有关部门按职责分工分别牵头落实。",
    )
    assignment = parse_assignment(text)
    assert len(assignment.units) == 9
    assert all(u.role == LEAD and u.separately for u in assignment.units)
    assert assignment.open_list is True


def test_responsibility_block_without_a_lead_is_implementing():
    text = quoted(
        "004",
        1358,
        "责任分工：市发改委、市住建局、市财政局、市国土局、市卫计委、市水利局、市交通运输局、"
        "市公路局、市公共资源交易中心等市直部门及各县（市、区）政府、市属开发区管委会按职能分工负责落实。",
    )
    assignment = parse_assignment(text)
    assert [u.role for u in assignment.units] == [IMPL] * 11
    assert assignment.open_list is True


def test_responsibility_block_with_a_principle_preamble():
    text = quoted(
        "004",
        1348,
        "责任分工：按照谁牵头实施，谁负责公开的原则，市财政局、市发改委、市卫计委、市国资委、市教育局、"
        "市交通运输局、市水利局、市环保局、市城管局、市公路局等市直部门及\n\n"
        "各县（市、区）政府、市属开发区管委会按照职责分工分别牵头落实。",
        last=1350,
    )
    (match,) = find_assignment_tags(text)
    assert match.assignment.units[0] == UnitRef("市财政局", LEAD, separately=True)
    assert len(match.assignment.units) == 12


# --- several tags, spans, non-tags -------------------------------------------------------------


def test_several_tags_in_one_task_in_order_with_spans():
    text = quoted(
        "003",
        1019,
        "24. 维护老年人合法权益。贯彻落实《聊城市失能老年人照护服务条例》。（牵头单位：市民政局）"
        "常态化开展养老服务领域各类诈骗排查整治工作。（牵头单位：市委政法委；配合单位：整治养老诈骗工作相关职能部门）"
        "开展养老机构预收费监管。（牵头单位：市民政局）加强老年人法律服务和法律援助。（牵头单位：市司法局）",
    )
    matches = find_assignment_tags(text)
    assert [text[m.start : m.end] for m in matches] == [
        "（牵头单位：市民政局）",
        "（牵头单位：市委政法委；配合单位：整治养老诈骗工作相关职能部门）",
        "（牵头单位：市民政局）",
        "（牵头单位：市司法局）",
    ]
    assert roles(matches[1].assignment) == [
        ("市委政法委", LEAD),
        ("整治养老诈骗工作相关职能部门", COOP),
    ]


def test_one_item_with_three_tags():
    text = quoted("002", 98, "（三）设立市级创业带动就业扶持资金。")
    quoted("002", 102, "市属开发区管委会负责）探索建设集创业培育")
    text = (
        "（三）设立市级创业带动就业扶持资金。支持创业带动就业。（市人力资源社会保障局、市财政局负责）"
        "对创业大赛给予奖励。（市人力资源社会保障局、市财政局，各县（市、区）政府、市属开发区管委会负责）"
        "探索建设创业创新综合体。（市人力资源社会保障局、市财政局负责）"
    )
    assert len(find_assignment_tags(text)) == 3


def test_ordinary_parentheses_are_not_tags():
    quoted("001", 435, "经济开发区（以下简称开发区）")
    quoted("003", 561, "确保济郑高铁(聊城段)2023年全线建成通车")
    text = (
        "为充分发挥经济开发区（以下简称开发区）的作用，确保济郑高铁(聊城段)2023年全线建成通车，"
        "制定《办法（试行）》，各县（市、区）要落实，实施方案（2018—2020年）（市农委负责）"
    )
    (match,) = find_assignment_tags(text)
    assert text[match.start : match.end] == "（市农委负责）"


def test_a_page_break_marker_after_a_tag_is_not_a_tag():
    text = quoted("002", 118, "（市人力资源社会保障局、市财政局负责）（下转第20页）")
    (match,) = find_assignment_tags(text)
    assert text[match.end :] == "（下转第20页）"


def test_prose_using_a_label_word_without_a_colon_is_not_a_block():
    quoted("003", 1115, "各指标牵头单位、责任单位制定年度工作计划")
    assert find_assignment_tags("各指标牵头单位、责任单位制定年度工作计划。") == []


def test_prose_with_role_words_but_no_units_is_not_a_tag():
    quoted("004", 1348, "按照谁牵头实施，谁负责公开的原则")
    assert find_assignment_tags("（按照谁牵头实施，谁负责公开的原则）") == []


def test_empty_and_plain_text():
    assert find_assignment_tags("") == []
    assert find_assignment_tags("加强组织领导。") == []


# --- document rules ----------------------------------------------------------------------------

RULE_TAG = (
    "（市卫计委、市发改委、市人社局、市财政局负责。列第一位者为牵头部门或单位，"
    "其他部门和单位按职责分工负责，下同）"
)


def test_the_first_listed_rule_is_detected_and_applies_to_its_own_tag():
    quoted("004", 163, RULE_TAG)
    assert detect_document_rules("1. 完善网络。" + RULE_TAG).first_listed_is_lead is True
    (match,) = find_assignment_tags(RULE_TAG)
    assert roles(match.assignment) == [
        ("市卫计委", LEAD),
        ("市发改委", COOP),
        ("市人社局", COOP),
        ("市财政局", COOP),
    ]


def test_with_the_first_listed_rule_x_y_fuze_makes_x_lead_stated_not_inferred():
    text = quoted("004", 169, "（市人社局、市物价局、市卫计委负责）")
    (match,) = find_assignment_tags(text, rules=DocumentRules(first_listed_is_lead=True))
    assert match.assignment.units == [
        UnitRef("市人社局", LEAD, inferred=False),
        UnitRef("市物价局", COOP),
        UnitRef("市卫计委", COOP),
    ]


def test_without_the_rule_x_y_fuze_stays_joint():
    text = quoted("004", 169, "（市人社局、市物价局、市卫计委负责）")
    (match,) = find_assignment_tags(text)
    assert [u.role for u in match.assignment.units] == [RESP] * 3


INHERIT_TAG = (
    "（市生态环境局、市发展改革委牵头，各县（市、区）政府、市属开发区管委会负责落实。"
    "以下任务措施均需各县（市、区）政府、市属开发区管委会负责落实，不再列出）"
)


def test_inherited_implementers_are_detected_with_their_offset():
    quoted("002", 654, INHERIT_TAG)
    document = (
        "1. 科学划定生态保护红线。"
        + INHERIT_TAG
        + "\n2. 勘界定标。（市生态环境局、市发展改革委牵头）"
    )
    rules = detect_document_rules(document)
    assert rules.inherited_implementers == [
        UnitRef("各县（市、区）政府", IMPL),
        UnitRef("市属开发区管委会", IMPL),
    ]
    assert rules.inherited_from_offset == document.index("\n2.")
    assert rules.first_listed_is_lead is False


def test_the_declaring_tag_lists_its_implementers_once():
    (match,) = find_assignment_tags(INHERIT_TAG)
    assert roles(match.assignment) == [
        ("市生态环境局", LEAD),
        ("市发展改革委", LEAD),
        ("各县（市、区）政府", IMPL),
        ("市属开发区管委会", IMPL),
    ]


def test_later_tags_get_the_inherited_implementers():
    text = quoted("002", 658, "（市生态环境局、市发展改革委牵头）")
    rules = detect_document_rules("1. x" + INHERIT_TAG)
    (match,) = find_assignment_tags(text, rules=rules)
    assert roles(match.assignment) == [
        ("市生态环境局", LEAD),
        ("市发展改革委", LEAD),
        ("各县（市、区）政府", IMPL),
        ("市属开发区管委会", IMPL),
    ]


def test_inheritance_does_not_reach_back_before_the_rule():
    rules = detect_document_rules("1. x" + INHERIT_TAG)
    (match,) = find_assignment_tags("（市环保局牵头）", rules=rules, offset=0)
    assert roles(match.assignment) == [("市环保局", LEAD)]
    (match,) = find_assignment_tags("（市环保局牵头）", rules=rules, offset=500)
    assert len(match.assignment.units) == 3


def test_the_second_inheritance_wording():
    text = quoted(
        "002",
        710,
        "(市生态环境局牵头,各级政府负责落实,以下任务措施均需各级政府落实,不再列出)",
    )
    rules = detect_document_rules(text)
    assert rules.inherited_implementers == [UnitRef("各级政府", IMPL)]
    (match,) = find_assignment_tags(text)
    assert roles(match.assignment) == [("市生态环境局", LEAD), ("各级政府", IMPL)]


def test_a_document_without_rules():
    assert detect_document_rules("（市农委负责）") == DocumentRules()


def test_labels_one_per_line_without_semicolons_end_at_the_last_unit_line():
    # other cities' plans: 责任领导/分管领导 and one label per line, no ；
    text = "加快项目建设。\n责任领导：张三\n牵头单位：市发改委\n配合单位：市财政局、市住建局\n下一项工作要抓紧。"
    (match,) = find_assignment_tags(text)
    assert match.kind == "label_block"
    assert (
        text[match.start : match.end]
        == "责任领导：张三\n牵头单位：市发改委\n配合单位：市财政局、市住建局"
    )
    assert match.assignment.lead_officials == ["张三"]
    assert roles(match.assignment) == [("市发改委", LEAD), ("市财政局", COOP), ("市住建局", COOP)]


def test_a_label_value_broken_mid_name_over_lines_continues():
    text = quoted(
        "000", 481, "牵头领导：郭建民；牵头单位：市政务服\n\n务中心管理办公室；", last=483
    )
    (match,) = find_assignment_tags(text + "责任单位：市政府各部门各单位。")
    assert match.assignment.units[0] == UnitRef("市政务服务中心管理办公室", LEAD)
