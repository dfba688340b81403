"""split_units: the balanced-parenthesis scanner over 、，, and 和/及 (patterns: AND_*, OPEN_LIST_RE,
SHARED_SUFFIXES, OCR_FIXES)."""

from __future__ import annotations

import pytest

from tasks_import.grammar import looks_like_unit, split_units, split_units_ex
from tests.tasks_import.grammar.seedlines import quoted


def test_it_never_splits_inside_parentheses():
    text = quoted(
        "000",
        110,
        "市财政局、市商务局、市国税局、市地税局、市服务业办公室，各县（市、区）人民政府、市属开发区管委会",
    )
    assert split_units(text) == [
        "市财政局",
        "市商务局",
        "市国税局",
        "市地税局",
        "市服务业办公室",
        "各县（市、区）人民政府",
        "市属开发区管委会",
    ]


def test_it_joins_a_name_broken_inside_the_nested_parenthesis_and_makes_it_full_width():
    text = quoted("002", 437, "聊城旅发集团, 各县(市、\n\n区)人民政府、市属开发区管委会", last=439)
    assert split_units(text) == ["聊城旅发集团", "各县（市、区）人民政府", "市属开发区管委会"]


def test_it_joins_a_name_split_by_a_line_break():
    text = quoted("000", 481, "市政务服\n\n务中心管理办公室", last=483)
    assert split_units(text) == ["市政务服务中心管理办公室"]


def test_it_distributes_a_shared_suffix_over_bare_county_names():
    text = quoted("002", 634, "冠县、莘县、阳谷县、东阿县、高唐县人民政府")
    assert split_units(text) == [
        "冠县人民政府",
        "莘县人民政府",
        "阳谷县人民政府",
        "东阿县人民政府",
        "高唐县人民政府",
    ]


def test_it_leaves_names_that_already_carry_their_suffix_alone():
    text = quoted("002", 522, "高新技术产业开发区管委会、茌平县人民政府、莘县人民政府")
    assert split_units(text) == ["高新技术产业开发区管委会", "茌平县人民政府", "莘县人民政府"]


def test_it_splits_on_he_only_where_a_new_unit_starts():
    text = quoted("002", 562, "市工业和信息化局和有关县(市、区)政府、市属开发区管委会")
    assert split_units(text) == ["市工业和信息化局", "有关县（市、区）政府", "市属开发区管委会"]


def test_it_splits_he_between_a_group_and_a_department():
    text = quoted("004", 1262, "各县（市、区）政府、市属开发区管委会和市金融办、市财政局")
    assert split_units(text) == ["各县（市、区）政府", "市属开发区管委会", "市金融办", "市财政局"]


def test_it_splits_he_before_any_place_name_not_only_liaochengs():
    assert split_units("市自然资源和规划局和天桥区人民政府、市财政局及潍坊市税务局") == [
        "市自然资源和规划局",
        "天桥区人民政府",
        "市财政局",
        "潍坊市税务局",
    ]


@pytest.mark.parametrize(
    "name",
    ["市自然资源和规划局", "市文化和旅游局", "市人力资源和社会保障局", "市工业和信息化局"],
)
def test_it_keeps_he_inside_a_name(name):
    assert split_units(name) == [name]


def test_it_strips_an_open_list_and_flags_it():
    text = quoted(
        "004",
        1262,
        "市住建局、市公安局等有关部门",
    )
    assert split_units_ex(text) == (["市住建局", "市公安局"], True)


def test_it_splits_on_ji_after_an_open_list():
    text = quoted("004", 1358, "市公共资源交易中心等市直部门及各县（市、区）政府、市属开发区管委会")
    names, open_list = split_units_ex(text)
    assert names == ["市公共资源交易中心", "各县（市、区）政府", "市属开发区管委会"]
    assert open_list is True


def test_a_closed_list_is_not_flagged():
    assert split_units_ex("市科技局、市财政局") == (["市科技局", "市财政局"], False)


def test_it_repairs_a_doubled_shi_from_ocr():
    text = quoted("001", 383, "市科技局、市经信委、市市财政局、市税务局")
    assert split_units(text) == ["市科技局", "市经信委", "市财政局", "市税务局"]


def test_it_keeps_the_real_shi_shichang_jianguan_ju():
    text = quoted("003", 447, "市财政局、市市场监管局")
    assert split_units(text) == ["市财政局", "市市场监管局"]


def test_it_treats_an_ocr_and_between_units_as_a_separator():
    # OCR puts English words into Chinese text (001 L752 "农业地方标准 and 生产技术规程");
    # between two unit names it is a separator.
    quoted("001", 752, "制修订一批农业地方标准 and 生产技术规程")
    assert split_units("市农委 and 市水产局") == ["市农委", "市水产局"]


def test_it_accepts_half_width_commas_and_stray_spaces():
    text = quoted("001", 776, "市食安办,各县(市、区)人民政府、市属开发区管委会")
    assert split_units(text) == ["市食安办", "各县（市、区）人民政府", "市属开发区管委会"]


def test_it_keeps_abbreviations_as_written():
    assert split_units("人行聊城市中心支行、市发改委") == ["人行聊城市中心支行", "市发改委"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("市科技局", True),
        ("各县（市、区）人民政府", True),
        ("市属开发区管委", True),
        ("市食安委各成员单位", True),
        ("山东鑫华特钢集团有限公司", True),
        ("试行", False),
        ("2018—2020年", False),
        ("以下简称市发改委", True),  # shape only; tags also need a role verb
        ("同线同标同质产品", False),
        ("各镇（街道）", True),  # other places' plans name townships
        ("市教育体育局（市委教育工委）", True),  # 003 L1503
        ("（街道）", False),
    ],
)
def test_looks_like_unit(name, expected):
    assert looks_like_unit(name) is expected


def test_a_space_between_two_complete_names_separates_them():
    text = quoted("001", 332, "市发改委 市科技局")
    assert split_units(text) == ["市发改委", "市科技局"]


def test_a_space_inside_a_name_is_a_line_wrap():
    text = quoted("000", 284, "市属开  \n发区管委会", last=285)
    assert split_units(text) == ["市属开发区管委会"]


def test_a_merged_table_cell_with_two_lists_is_one_list_here():
    # 001 L383: two unit lists in one cell separated by a space; pairing them with the two
    # targets is the structure half's job, the grammar only splits the names.
    text = quoted("001", 383, "市属开发区管委会 市科技局、市经信委、市市财政局")
    assert split_units(text) == ["市属开发区管委会", "市科技局", "市经信委", "市财政局"]
