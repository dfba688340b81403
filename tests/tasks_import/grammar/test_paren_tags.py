"""Paren tags: each row of patterns.CLAUSE_ROLES / LABELS tested against the seed line it came from."""

from __future__ import annotations

from tasks_import.grammar import find_assignment_tags, parse_assignment
from tasks_import.result import Role, UnitRef
from tests.tasks_import.grammar.seedlines import quoted

LEAD, COOP, IMPL, RESP = Role.LEAD, Role.COOPERATING, Role.IMPLEMENTING, Role.RESPONSIBLE


def roles(assignment):
    return [(u.name, u.role) for u in assignment.units]


def only_tag(text):
    (match,) = find_assignment_tags(text)
    return match


# --- labelled paren tags -----------------------------------------------------------------------


def test_lead_and_responsible_labels_make_responsible_cooperating():
    text = quoted("000", 950, "（牵头单位：市财政局；责任单位：市科技局、市经信委、市人社局）")
    match = only_tag(text)
    assert (match.start, match.end, match.kind) == (0, len(text), "paren_tag")
    assert roles(match.assignment) == [
        ("市财政局", LEAD),
        ("市科技局", COOP),
        ("市经信委", COOP),
        ("市人社局", COOP),
    ]


def test_bold_that_closes_mid_name_over_a_blank_line():
    text = quoted(
        "000", 920, "（**牵头单位：市科**\n\n技局；责任单位：市经信委、市财政局）", last=922
    )
    assert roles(only_tag(text).assignment) == [
        ("市科技局", LEAD),
        ("市经信委", COOP),
        ("市财政局", COOP),
    ]


def test_lead_and_cooperating_labels():
    text = quoted("003", 377, "（牵头单位：市科技局；配合单位：市财政局、市税务局）")
    assert roles(only_tag(text).assignment) == [
        ("市科技局", LEAD),
        ("市财政局", COOP),
        ("市税务局", COOP),
    ]


def test_half_width_labels_and_separators():
    text = quoted(
        "003", 537, "(牵头单位:市水利局;配合单位:市发展改革委、市财政局、市自然资源和规划局)"
    )
    assert roles(only_tag(text).assignment) == [
        ("市水利局", LEAD),
        ("市发展改革委", COOP),
        ("市财政局", COOP),
        ("市自然资源和规划局", COOP),
    ]


def test_tag_split_over_a_blank_line_right_after_the_opening_bracket():
    text = quoted(
        "003", 829, "（牵\n\n头单位：市教育体育局；责任单位：市委编办、市财政局", last=831
    )
    text += "）"
    assert roles(only_tag(text).assignment)[:2] == [("市教育体育局", LEAD), ("市委编办", COOP)]


def test_responsible_label_alone_is_joint_with_the_first_listed_inferred():
    text = quoted("001", 151, "（责任单位：市科技局、市发改委、市经信委、高新区管委会）")
    assert only_tag(text).assignment.units == [
        UnitRef("市科技局", RESP, inferred=True),
        UnitRef("市发改委", RESP),
        UnitRef("市经信委", RESP),
        UnitRef("高新区管委会", RESP),
    ]


def test_half_width_responsible_label():
    text = quoted("003", 793, "(责任单位:市财政局、市市场监管局)")
    assert roles(only_tag(text).assignment) == [("市财政局", RESP), ("市市场监管局", RESP)]


def test_responsible_label_holding_role_clauses_and_a_time_limit():
    text = quoted(
        "001",
        921,
        "（责任单位：市政务服务中心管理办牵头，市直有关部门配合，各县（市、区）政府、市属开发区管委负责；"
        "完成时限：2018年10月底前）",
    )
    assignment = only_tag(text).assignment
    assert roles(assignment) == [
        ("市政务服务中心管理办", LEAD),
        ("市直有关部门", COOP),
        ("各县（市、区）政府", IMPL),
        ("市属开发区管委", IMPL),
    ]
    assert assignment.deadline_text == "2018年10月底前"


def test_unmarked_units_between_a_lead_and_a_fuze_clause_join_that_clause():
    text = quoted(
        "001",
        875,
        "（责\n任单位：市编办牵头，市政务服务中心管理办，各县（市、区）政府、市属开发区管委负责；"
        "完成时限：2018年12月底前）",
        last=877,
    )
    assert roles(only_tag(text).assignment) == [
        ("市编办", LEAD),
        ("市政务服务中心管理办", IMPL),
        ("各县（市、区）政府", IMPL),
        ("市属开发区管委", IMPL),
    ]


def test_several_leads_inside_a_responsible_label_with_a_time_limit():
    text = quoted(
        "001", 885, "（责任单位：市政务服务中心管理办、市质监局牵头；完成时限：2018年12月底前）"
    )
    assignment = only_tag(text).assignment
    assert roles(assignment) == [("市政务服务中心管理办", LEAD), ("市质监局", LEAD)]
    assert assignment.deadline_text == "2018年12月底前"


def test_separately_responsible_open_list_then_counties():
    text = quoted(
        "001",
        895,
        "（责任单位：市教育局、市公安局、市民政局、市司法局、市人社局、市住建局、市卫计委、"
        "市工商局、市食药局、市残联等市直部门单位分别负责；各县（市、区）政府、市属开发区管委负责）",
    )
    assignment = only_tag(text).assignment
    assert assignment.open_list is True
    assert assignment.units[0] == UnitRef("市教育局", RESP, separately=True, inferred=True)
    assert assignment.units[9] == UnitRef("市残联", RESP, separately=True)
    assert assignment.units[-1] == UnitRef("市属开发区管委", RESP)


def test_lead_label_with_separately():
    text = quoted(
        "002",
        153,
        "牵头单位：市发展改革委、市生态环境局分别负责；配合单位：市节能减排工作领导小组成员单位",
    )
    assignment = parse_assignment(text)
    assert assignment.units[:3] == [
        UnitRef("市发展改革委", LEAD, separately=True),
        UnitRef("市生态环境局", LEAD, separately=True),
        UnitRef("市节能减排工作领导小组成员单位", COOP),
    ]


# --- role-verb paren tags ----------------------------------------------------------------------


def test_x_fuze_is_jointly_responsible():
    text = quoted("001", 746, "（市农委负责）")
    assert only_tag(text).assignment.units == [UnitRef("市农委", RESP, inferred=True)]


def test_x_qiantou_y_peihe():
    text = quoted("001", 750, "（市农委牵头，市林业局配合）")
    assert roles(only_tag(text).assignment) == [("市农委", LEAD), ("市林业局", COOP)]


def test_fenbie_shishi_is_separately_responsible():
    text = quoted("001", 772, "(市城管局、各县(市、区)人民政府、市属开发区管委会分别实施)")
    assert only_tag(text).assignment.units == [
        UnitRef("市城管局", RESP, separately=True, inferred=True),
        UnitRef("各县（市、区）人民政府", RESP, separately=True),
        UnitRef("市属开发区管委会", RESP, separately=True),
    ]


def test_fenbie_shishi_after_a_lead_is_implementing_separately():
    text = quoted(
        "001",
        784,
        "(市食安办牵头,市公安局、市农委、市水产局、市林业局、市工商局、市食药监局、市畜牧兽医局分别实施)",
    )
    units = only_tag(text).assignment.units
    assert units[0] == UnitRef("市食安办", LEAD)
    assert units[1] == UnitRef("市公安局", IMPL, separately=True)
    assert len(units) == 8


def test_government_responsible_enterprise_implementing():
    text = quoted("002", 506, "（东阿县人民政府负责，山东鑫华特钢集团有限公司具体实施）")
    assert only_tag(text).assignment.units == [
        UnitRef("东阿县人民政府", RESP, inferred=True),
        UnitRef("山东鑫华特钢集团有限公司", IMPL),
    ]


def test_several_governments_responsible_several_enterprises_implementing():
    text = quoted(
        "002",
        522,
        "（高新技术产业开发区管委会、茌平县人民政府、莘县人民政府负责，"
        "鲁西集团、信发集团、莘县华祥盐化有限公司具体实施）",
    )
    assert roles(only_tag(text).assignment) == [
        ("高新技术产业开发区管委会", RESP),
        ("茌平县人民政府", RESP),
        ("莘县人民政府", RESP),
        ("鲁西集团", IMPL),
        ("信发集团", IMPL),
        ("莘县华祥盐化有限公司", IMPL),
    ]


def test_lead_then_by_remit_responsible_is_cooperating():
    text = quoted(
        "002",
        544,
        "(市生态环境局、市应急局、市发展改革委牵头，市工业和信息化局、市市场监管局和有关县(市、区)政府、"
        "市属开发区管委会按职责分工负责)",
    )
    assert roles(only_tag(text).assignment) == [
        ("市生态环境局", LEAD),
        ("市应急局", LEAD),
        ("市发展改革委", LEAD),
        ("市工业和信息化局", COOP),
        ("市市场监管局", COOP),
        ("有关县（市、区）政府", COOP),
        ("市属开发区管委会", COOP),
    ]


def test_by_remit_responsible_without_a_lead_is_joint():
    text = quoted("002", 574, "(领导小组成员单位按职责分工负责)")
    assert only_tag(text).assignment.units == [UnitRef("领导小组成员单位", RESP, inferred=True)]


def test_joint_list_without_lead():
    text = quoted("002", 712, "(市生态环境局、市城管局、市水利局、市卫生健康委按职责分工负责)")
    assert [u.inferred for u in only_tag(text).assignment.units] == [True, False, False, False]


def test_x_y_fuze_joint():
    text = quoted("002", 580, "(市委组织部、市工业和信息化局负责)")
    assert roles(only_tag(text).assignment) == [("市委组织部", RESP), ("市工业和信息化局", RESP)]


def test_departments_comma_governments_fuze():
    text = quoted(
        "002",
        100,
        "（市人力资源社会保障局、市财政\n\n局，各县（市、区）政府、市属开发区管委会负责）",
        last=102,
    )
    assert roles(only_tag(text).assignment) == [
        ("市人力资源社会保障局", RESP),
        ("市财政局", RESP),
        ("各县（市、区）政府", RESP),
        ("市属开发区管委会", RESP),
    ]


def test_lead_only():
    text = quoted("002", 668, "(市自然资源和规划局牵头)")
    assert only_tag(text).assignment.units == [UnitRef("市自然资源和规划局", LEAD)]


def test_lead_and_implementing_counties_with_a_shared_suffix():
    text = quoted(
        "002",
        634,
        "（市生态环境局、市自然资源和规划局、市文化和旅游局牵头，冠县、莘县、阳谷县、东阿县、高唐县人民政府负责落实）",
    )
    units = only_tag(text).assignment.units
    assert [u.role for u in units] == [LEAD] * 3 + [IMPL] * 5
    assert units[3].name == "冠县人民政府"


def test_implementing_only():
    text = quoted("002", 766, "（市直有关部门、各级政府负责落实）")
    assert roles(only_tag(text).assignment) == [("市直有关部门", IMPL), ("各级政府", IMPL)]


def test_nested_parentheses_government_responsible_departments_cooperating():
    text = quoted(
        "004",
        364,
        "（各县（市、区）政府、市属开发区管委会负责，市化工专项行动办公室、市环保局、市安监局配合）",
    )
    match = only_tag(text)
    assert match.end == len(text)
    assert match.assignment.units == [
        UnitRef("各县（市、区）政府", RESP, inferred=True),
        UnitRef("市属开发区管委会", RESP),
        UnitRef("市化工专项行动办公室", COOP),
        UnitRef("市环保局", COOP),
        UnitRef("市安监局", COOP),
    ]


def test_nested_half_width_parentheses():
    text = quoted(
        "004",
        376,
        "(各县(市、区)政府、市属开发区管委会负责,市公安局、市财政局、市人社局、市税务局、市金融办配合)",
    )
    assert [u.role for u in only_tag(text).assignment.units] == [RESP, RESP] + [COOP] * 5


def test_drafting_tag():
    text = quoted("000", 1005, "2.《聊城市养犬管理条例》（市公安局起草）")
    match = only_tag(text)
    assert match.kind == "drafting"
    assert text[match.start : match.end] == "（市公安局起草）"
    assert match.assignment.units == [UnitRef("市公安局", RESP, inferred=True)]


def test_drafting_tag_split_over_a_blank_line():
    text = quoted("000", 1014, "《聊城市城市地下管线规划管理办法》（市\n\n规划局起草）", last=1016)
    assert only_tag(text).assignment.units[0].name == "市规划局"


def test_huitong_makes_the_partner_cooperating():
    # 会同 (domain.md: cooperating). In the seeds it appears only in prose, e.g. 000 L829
    # "发改部门要会同有关部门做好统筹协调"; inside a tag it reads like this:
    quoted("000", 829, "发改部门要会同有关部门做好统筹协调")
    assert roles(parse_assignment("市国土局会同市农委、市统计局负责")) == [
        ("市国土局", LEAD),
        ("市农委", COOP),
        ("市统计局", COOP),
    ]


def test_a_lead_repeated_among_cooperating_units_stays_lead_only():
    text = quoted(
        "000", 225, "牵头单位：市交通局、  \n市公路局；责任单位：市发改委、市公安局、", last=226
    )
    quoted("000", 227, "市财政局、市住建局、市交通局、市国土局、")
    assignment = parse_assignment(text + "市交通局")
    assert roles(assignment) == [
        ("市交通局", LEAD),
        ("市公路局", LEAD),
        ("市发改委", COOP),
        ("市公安局", COOP),
    ]
