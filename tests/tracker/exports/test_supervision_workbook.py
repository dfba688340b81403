"""The quarterly supervision workbook, read back with openpyxl."""

import datetime as dt

import pytest

from tests import factories
from tests.tracker.exports.helpers import merged, read_workbook
from tracker.exports.supervision import build_supervision_workbook
from tracker.models import Task

TODAY = dt.date(2018, 4, 10)
PARAGRAPH = (
    "截至2018年4月10日，《2018年市政府工作报告分工方案》共4项任务中，已完成1项，正常推进1项，"
    "临期0项，滞后序时进度1项，逾期1项，完成率25.0%。2018年第1季度应报送进展情况6份，"
    "按时报送2份，逾期报送1份，被退回1份，未报送2份。"
    "未报送较多的单位：东昌府区（1份）、市发展改革委（1份）。"
)


def build(plan, tmp_path, variant="combined"):
    path = tmp_path / "book.xlsx"
    tasks = Task.objects.filter(document=plan.document, is_leaf=True)
    figures = build_supervision_workbook(
        path,
        tasks=tasks,
        period=plan.period,
        documents=[plan.document],
        variant=variant,
        today=TODAY,
    )
    return read_workbook(path.read_bytes()), figures


def test_it_has_summary_detail_and_missing_sheets(plan, tmp_path):
    book, _figures = build(plan, tmp_path)
    assert book.sheetnames == ["汇总", "明细", "缺报迟报"]


def test_it_writes_the_detail_sheet_grouped_by_section(plan, tmp_path):
    book, _figures = build(plan, tmp_path)
    sheet = book["明细"]
    assert sheet["A1"].value == "《2018年市政府工作报告分工方案》重点任务督查通报"
    assert sheet["A2"].value == (
        "报送周期：2018年第1季度　文件：聊政发〔2018〕7号　统计日期：2018年4月10日"
    )
    assert [c.value for c in sheet[3]] == [
        "序号",
        "任务内容",
        "牵头领导",
        "牵头单位",
        "配合单位",
        "完成时限",
        "本期进展情况",
        "存在问题",
        "下步打算",
        "状态",
        "亮灯",
        "报送时间",
    ]
    assert {"A1:L1", "A2:L2", "A4:L4", "A7:L7"} <= merged(sheet)
    assert sheet["A4"].value == "一、加快新旧动能转换"
    assert sheet["A7"].value == "二、深化改革开放"
    assert [c.value for c in sheet[5]] == [
        1,
        "推进重大项目建设，全年完成投资200亿元。",
        "郭建民",
        "市发展改革委",
        "市财政局",
        "2018年6月底前",
        "已完成立项。",
        "资金缺口较大。",
        "加快开工。",
        "正常推进",
        "绿灯",
        "2018-04-03 10:00",
    ]
    # A returned report does not speak for the task; the implementing group is named.
    assert sheet["G6"].value == "未报送"
    assert sheet["J6"].value == "逾期"
    assert sheet["E8"].value == "负责落实：各县（市、区）人民政府"
    # A task text that looks like a formula stays text; a draft is not printed.
    assert sheet["B9"].value == "=SUM(1,2) 优化营商环境。"
    assert sheet["B9"].data_type == "s"
    assert sheet["G9"].value == "未报送"
    assert sheet.max_row == 9


def test_it_styles_the_detail_sheet(plan, tmp_path):
    book, _figures = build(plan, tmp_path)
    sheet = book["明细"]
    assert sheet["A1"].font.name == "黑体" and sheet["A1"].font.b
    assert sheet["A3"].font.name == "黑体"
    assert sheet["A3"].fill.fgColor.rgb == "FFD9D9D9"
    assert sheet["B5"].font.name == "仿宋"
    assert sheet["B5"].alignment.wrap_text
    assert sheet["B5"].border.left.style == "thin"
    lights = {sheet[f"K{r}"].value: sheet[f"K{r}"].fill.fgColor.rgb for r in (5, 6, 8, 9)}
    assert lights == {
        "绿灯": "FF00B050",
        "红灯": "FFFF0000",
        "蓝灯": "FF00B0F0",
        "黄灯": "FFFFFF00",
    }
    assert sheet.column_dimensions["B"].width == pytest.approx(48.7109375)
    assert sheet.freeze_panes == "A4"


def test_it_sets_up_printing_on_a3_landscape(plan, tmp_path):
    book, _figures = build(plan, tmp_path)
    for name in ("明细", "缺报迟报"):
        sheet = book[name]
        assert sheet.page_setup.paperSize == 8
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.print_title_rows == "$3:$3"
        assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
        assert sheet.page_setup.fitToHeight == 0  # one page wide (the default), any height
        assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_it_opens_the_summary_with_a_paragraph_from_the_figures(plan, tmp_path):
    book, _figures = build(plan, tmp_path)
    sheet = book["汇总"]
    assert sheet["A3"].value == PARAGRAPH
    assert "A3:J3" in merged(sheet)
    assert sheet["A3"].alignment.wrap_text


def test_it_counts_by_status_and_light(plan, tmp_path):
    book, _figures = build(plan, tmp_path)
    rows = [[c.value for c in row] for row in book["汇总"].iter_rows(min_row=5, max_row=20)]
    assert rows[1][:4] == ["序号", "进度状态", "任务数", "占比"]
    assert [r[1:3] for r in rows[2:8]] == [
        ["已完成", 1],
        ["正常推进", 1],
        ["临期", 0],
        ["滞后序时进度", 1],
        ["逾期", 1],
        ["合计", 4],
    ]
    assert [r[1:3] for r in rows[10:14]] == [["红灯", 1], ["黄灯", 1], ["绿灯", 1], ["蓝灯", 1]]
    red = next(c for c in book["汇总"]["B"] if c.value == "红灯")
    assert red.fill.fgColor.rgb == "FFFF0000"


def test_it_ranks_units_by_reports_on_time(plan, tmp_path):
    book, _figures = build(plan, tmp_path)
    rows = [[c.value for c in row] for row in book["汇总"].iter_rows(min_row=1)]
    start = next(i for i, r in enumerate(rows) if r[0] == "排名")
    assert rows[start - 1][0] == "二、各单位报送及进展情况（按按时报送率排名）"
    assert rows[start + 1 : start + 4] == [
        [1, "市发展改革委", 3, 3, 2, 0, 1, 0, 1, 1],
        [2, "东昌府区", 0, 1, 0, 0, 1, 0, 0, 0],
        [3, "市财政局", 1, 2, 0, 1, 0, 1, 0, 1],
    ]
    officials = next(i for i, r in enumerate(rows) if r[0] == "领导")
    assert rows[officials + 1] == ["郭建民", "市委常委、常务副市长", 2, 1, 1, 0, 0, 0, 0, 0.5]
    assert rows[officials + 2] == ["马丽红", "副市长", 1, 0, 0, 0, 0, 1, 1, 0]


def test_it_lists_missing_late_and_returned_reports(plan, tmp_path):
    book, _figures = build(plan, tmp_path)
    sheet = book["缺报迟报"]
    assert sheet["A1"].value == "2018年第1季度进展情况缺报迟报名单"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in rows] == [
        ("市财政局", "配合", "逾期报送", "2018-04-08 10:00", 3),
        ("市财政局", "牵头", "已退回", "2018-04-04 10:00", None),
        ("东昌府区", "负责落实", "未报送", "", 5),
        ("市发展改革委", "共同负责", "未报送", "", 5),
    ]
    assert sheet.auto_filter.ref == "A3:G7"


def test_it_writes_one_detail_sheet_per_unit(plan, tmp_path):
    book, _figures = build(plan, tmp_path, "by_unit")
    assert book.sheetnames == ["汇总", "东昌府区", "市发展改革委", "市财政局", "缺报迟报"]
    sheet = book["市财政局"]
    assert sheet["A1"].value.endswith("（市财政局）")
    texts = [row[1] or row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert texts == [
        "一、加快新旧动能转换",
        "推进重大项目建设，全年完成投资200亿元。",
        "完成新旧动能转换重大工程实施规划编制。",
    ]
    # The unit's own report on the task it cooperates on, not the lead's.
    assert sheet["G5"].value == "已拨付资金。"


def test_it_writes_one_detail_sheet_per_official(plan, tmp_path):
    book, _figures = build(plan, tmp_path, "by_official")
    assert book.sheetnames == ["汇总", "郭建民", "马丽红", "缺报迟报"]
    texts = [row[1] for row in book["郭建民"].iter_rows(min_row=4, values_only=True)]
    assert texts == [None, "推进重大项目建设，全年完成投资200亿元。", None, "深化“放管服”改革。"]


def test_it_names_each_plan_when_several_are_exported(plan, tmp_path):
    from tests import factories

    other = factories.make_document("聊政办字〔2018〕8号", title="科技成果转移转化方案")
    factories.make_task(other, "1", text="建设技术转移机构。")
    path = tmp_path / "two.xlsx"
    build_supervision_workbook(
        path,
        tasks=Task.objects.filter(is_leaf=True),
        period=plan.period,
        documents=[plan.document, other],
        today=TODAY,
    )
    sheet = read_workbook(path.read_bytes())["明细"]
    assert sheet["A1"].value == "2个方案重点任务督查通报"
    assert sheet["A4"].value == "聊政发〔2018〕7号 2018年市政府工作报告分工方案"
    assert sheet["A11"].value == "聊政办字〔2018〕8号 科技成果转移转化方案"
    assert sheet["B12"].value == "建设技术转移机构。"


def test_it_runs_the_same_number_of_queries_whatever_the_number_of_tasks(plan, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.models import Assignment

    def count():
        with CaptureQueriesContext(connection) as queries:
            build(plan, tmp_path)
        return len(queries)

    before = count()
    for index in range(40):
        task = factories.make_task(plan.document, f"二.{10 + index}", parent=plan.sections[1])
        factories.assign(task, plan.unit)
        factories.assign(task, plan.other_unit, Assignment.Role.COOPERATING)
        factories.lead_official(task, plan.officials[1])
    assert count() == before == 7
