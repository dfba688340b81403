"""extract_deadline: docs/domain.md "Deadlines", one test per row of the deadline tables."""

from __future__ import annotations

import datetime as dt

import pytest

from tasks_import.grammar import extract_deadline
from tasks_import.result import DeadlineKind
from tests.tasks_import.grammar.seedlines import quoted

D = dt.date


# --- dates -------------------------------------------------------------------------------------


def test_an_explicit_time_limit_field_gives_the_month_end():
    field = quoted("001", 921, "2018年10月底前")
    deadline = extract_deadline("优化服务。", doc_year=2018, field_text=field)
    assert (deadline.date, deadline.text, deadline.kind) == (
        D(2018, 10, 31),
        "2018年10月底前",
        DeadlineKind.DATE,
    )


def test_a_table_cell_with_spaces_is_a_field():
    field = quoted("001", 347, "2019 年 12 月底前")
    deadline = extract_deadline("", doc_year=2018, field_text=field)
    assert (deadline.date, deadline.text) == (D(2019, 12, 31), "2019年12月底前")


def test_the_field_wins_over_prose():
    prose = quoted("004", 1750, "今年年底前要完成主动公开基本目录的编制工作")
    deadline = extract_deadline(prose, doc_year=2018, field_text="2018年9月底前")
    assert deadline.date == D(2018, 9, 30)


def test_an_explicit_field_wins_whatever_its_year():
    # a plan may restate an older deadline; the field is taken as written, never the prose
    deadline = extract_deadline("甲。", doc_year=2023, field_text="2019年12月底前")
    assert (deadline.date, deadline.kind, deadline.text) == (
        D(2019, 12, 31),
        DeadlineKind.DATE,
        "2019年12月底前",
    )


def test_an_old_date_in_prose_is_a_past_reference():
    deadline = extract_deadline("到2017年年底全部实现。", doc_year=2018)
    assert deadline.date is None


def test_a_bare_month_in_a_field_is_its_month_end_but_not_in_prose():
    field = extract_deadline("", doc_year=2021, field_text="2021年10月")
    assert (field.date, field.kind) == (D(2021, 10, 31), DeadlineKind.DATE)
    prose = extract_deadline("2021年10月完成评估。", doc_year=2021)
    assert prose.date is None


def test_li_zheng_with_a_calendar_year_is_a_horizon_with_a_span_of_years_relative():
    horizon = extract_deadline(
        quoted("000", 188, "力争2020年基本消除集体经济空壳村"), doc_year=2018
    )
    assert (horizon.date, horizon.kind, horizon.text) == (None, DeadlineKind.HORIZON, "力争2020年")
    assert horizon.suggested_date == D(2020, 12, 31)
    span = extract_deadline(quoted("003", 553, "力争三年滚动实施技改项目1000个"), doc_year=2023)
    assert (span.date, span.kind, span.text) == (None, DeadlineKind.RELATIVE, "力争三年")


def test_an_undated_field_keeps_its_wording():
    deadline = extract_deadline("到2020年完成。", doc_year=2018, field_text="长期坚持")
    assert (deadline.date, deadline.kind, deadline.text) == (None, DeadlineKind.ONGOING, "长期坚持")


def test_year_end_with_a_stated_year():
    text = quoted("002", 634, "2020年年底以前")
    deadline = extract_deadline(text, doc_year=2019)
    assert (deadline.date, deadline.kind) == (D(2020, 12, 31), DeadlineKind.YEAR_END)


def test_year_end_in_the_documents_year():
    text = quoted("004", 1750, "今年年底前要完成主动公开基本目录的编制工作")
    deadline = extract_deadline(text, doc_year=2018)
    assert (deadline.date, deadline.text, deadline.kind) == (
        D(2018, 12, 31),
        "今年年底前",
        DeadlineKind.YEAR_END,
    )


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (1344, "年内出台实施方案"),
        (1780, "确保实现到年底对本级本部门政务公开工作人员轮训一遍的任务目标"),
    ],
)
def test_nian_nei_and_dao_nian_di_are_the_documents_year_end(line, text):
    deadline = extract_deadline(quoted("004", line, text), doc_year=2018)
    assert (deadline.date, deadline.kind) == (D(2018, 12, 31), DeadlineKind.YEAR_END)


def test_without_a_document_year_nian_di_has_a_kind_but_no_date():
    deadline = extract_deadline("年内出台实施方案", doc_year=None)
    assert (deadline.date, deadline.kind) == (None, DeadlineKind.YEAR_END)


def test_month_ends_without_a_year_latest_is_the_deadline_the_other_a_milestone():
    text = quoted("004", 1710, "8月底前完成试点验收，9月底前向省政府办公厅报送试点成果和总体情况")
    deadline = extract_deadline(text, doc_year=2018)
    assert (deadline.date, deadline.text, deadline.milestones) == (
        D(2018, 9, 30),
        "9月底前",
        [D(2018, 8, 31)],
    )


def test_several_stated_year_ends():
    text = quoted(
        "002",
        748,
        "2019年年底完成县级及以上集中式饮用水水源保护区和群众反映强烈的非正规垃圾堆放点整治,"
        "2020年年底完成清理整顿工作",
    )
    deadline = extract_deadline(text, doc_year=2019)
    assert (deadline.date, deadline.milestones) == (D(2020, 12, 31), [D(2019, 12, 31)])


def test_a_month_range_ends_at_the_end_of_its_last_month():
    text = quoted("000", 817, "(二)全面推进、形成成果(2018年3月—2019年3月)")
    deadline = extract_deadline(text, doc_year=2018)
    assert (deadline.date, deadline.text) == (D(2019, 3, 31), "2018年3月—2019年3月")


def test_a_month_end_with_a_year_and_a_bare_year_end():
    text = quoted("000", 604, "于2018年6月底前上解一半，年底前剩余部分全部上解完毕")
    deadline = extract_deadline(text, doc_year=2018)
    assert (deadline.date, deadline.milestones) == (D(2018, 12, 31), [D(2018, 6, 30)])


def test_respectively_year_ends_give_one_date_per_year():
    # variant of 000 L220 ("2019年、2020年，…分别建成通车") with end-of-period wording
    deadline = extract_deadline("2019年、2020年年底前分别完成改造", doc_year=2019)
    assert (deadline.date, deadline.kind, deadline.milestones) == (
        D(2020, 12, 31),
        DeadlineKind.YEAR_END,
        [D(2019, 12, 31)],
    )


# --- no date -----------------------------------------------------------------------------------


def test_respectively_bare_years_are_a_horizon_with_a_flagged_suggestion():
    text = quoted(
        "000",
        220,
        "今年，要确保莘南高速建成通车，2019  \n年、2020年，青兰高速、高唐至东阿高速分别",
        last=221,
    )
    deadline = extract_deadline(text + "建成通车。", doc_year=2018)
    assert deadline.date is None
    assert deadline.kind == DeadlineKind.HORIZON
    assert deadline.text == "今年、2019年、2020年"
    assert deadline.suggested_date == D(2020, 12, 31)


@pytest.mark.parametrize(
    ("seed", "line", "text", "wording"),
    [
        ("003", 371, "到2025年，全市全社会研发经费投入大幅增加", "到2025年"),
        ("002", 365, "确保到 2020 年单位耕地面积化肥使用量比 2015 年下降 6%", "确保到2020年"),
        ("002", 664, "2018年至2020年完成水土流失综合治理面积64.47平方公里", None),
    ],
)
def test_horizons_keep_their_wording_without_a_date(seed, line, text, wording):
    deadline = extract_deadline(quoted(seed, line, text), doc_year=2019)
    assert deadline.date is None
    if wording is None:
        assert deadline.kind in (DeadlineKind.HORIZON, DeadlineKind.NONE)
    else:
        assert (deadline.kind, deadline.text) == (DeadlineKind.HORIZON, wording)


@pytest.mark.parametrize(
    ("seed", "line", "text", "kind", "wording"),
    [
        ("002", 449, "今明两年解决 3112 个村庄", DeadlineKind.RELATIVE, "今明两年"),
        ("000", 124, "利用三年时间", DeadlineKind.RELATIVE, "利用三年时间"),
        (
            "004",
            1544,
            "在2个工作日内对转办的投诉问题进行处理",
            DeadlineKind.RELATIVE,
            "2个工作日内",
        ),
        ("002", 738, "套率提前1年达到100%", DeadlineKind.RELATIVE, "提前1年"),
        ("004", 1388, "按月发布全市环境空气质量状况", DeadlineKind.RECURRING, "按月"),
        ("004", 1406, "按季度发布全市住房公积金缴存", DeadlineKind.RECURRING, "按季度"),
        ("002", 712, "每季度监测1次", DeadlineKind.RECURRING, "每季度"),
        ("000", 602, "当月25日前将当月收入", DeadlineKind.NONE, None),
        ("004", 1362, "实行长期公示", DeadlineKind.ONGOING, "长期公示"),
        ("003", 847, "形成长期坚持的长效机制", DeadlineKind.ONGOING, "长期坚持"),
        ("003", 541, "持续推进", DeadlineKind.ONGOING, "持续推进"),
    ],
)
def test_relative_recurring_and_ongoing_wording_has_no_date(seed, line, text, kind, wording):
    deadline = extract_deadline(quoted(seed, line, text), doc_year=2018)
    assert deadline.date is None
    assert deadline.kind == kind
    if wording:
        assert deadline.text == wording


def test_a_recurring_month_end_is_not_a_one_off_date():
    text = quoted("004", 1370, "各县（市、区）政府要在每年7月底\n\n前公开本行政辖区内", last=1372)
    deadline = extract_deadline(text, doc_year=2018)
    assert (deadline.date, deadline.kind, deadline.text) == (
        None,
        DeadlineKind.RECURRING,
        "每年7月底前",
    )


@pytest.mark.parametrize(
    ("seed", "line", "text"),
    [
        ("003", 1017, "《养老机构服务质量基本规范》（GB/T 35796-2017）"),
        ("004", 1678, "要实现2008年以来的刊登内容入库管理"),
        ("004", 1238, "《聊城市新旧动能转换重大工程实施规划（2018-2022）》"),
        ("000", 590, "到2017年年底全部实现基金市级统收统支的要求"),
        ("000", 612, "于上年年底前按时上解"),
        ("004", 1700, "实施10周年"),
    ],
)
def test_numbers_that_are_not_deadlines(seed, line, text):
    deadline = extract_deadline(quoted(seed, line, text), doc_year=2018)
    assert deadline.date is None
    assert deadline.kind == DeadlineKind.NONE


def test_an_old_building_cohort_is_not_a_deadline_but_the_year_end_beside_it_is():
    text = quoted("003", 991, "2025年年底前,在完成2000年前建成的老旧小区改造基础上")
    deadline = extract_deadline(text, doc_year=2023)
    assert (deadline.date, deadline.milestones) == (D(2025, 12, 31), [])


def test_nothing_stated_suggests_the_plan_year_end_but_never_sets_the_date():
    deadline = extract_deadline("加强组织领导。", doc_year=2018)
    assert (deadline.date, deadline.kind, deadline.text) == (None, DeadlineKind.NONE, None)
    assert deadline.suggested_date == D(2018, 12, 31)


def test_nothing_stated_and_no_year():
    deadline = extract_deadline("加强组织领导。", doc_year=None)
    assert (deadline.date, deadline.suggested_date, deadline.kind) == (None, None, "none")


def test_an_impossible_date_is_ignored():
    assert extract_deadline("2018年13月底前完成", doc_year=2018).date is None
