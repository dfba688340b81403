"""Download what I see (xlsx, csv) and the ledger, through their URLs."""

import csv
import io

from django.urls import reverse

from tests import factories
from tests.tracker.exports.helpers import merged, read_workbook


def test_it_exports_the_filtered_task_list_as_xlsx(client, plan, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("export_task_list"), {"format": "xlsx", "light": "red"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = read_workbook(b"".join(response.streaming_content))["任务清单"]
    assert sheet["A1"].value == "重点任务清单"
    assert sheet["A2"].value.startswith("筛选条件：亮灯：红灯")
    assert [c.value for c in sheet[3]] == [
        "序号",
        "文号",
        "编号",
        "任务内容",
        "牵头领导",
        "牵头单位",
        "配合单位",
        "完成时限",
        "状态",
        "亮灯",
        "最新报告进展",
        "完成比例",
    ]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [(r[1], r[2], r[3], r[9]) for r in rows] == [
        ("聊政发〔2018〕7号", "一.2", "完成新旧动能转换重大工程实施规划编制。", "红灯"),
    ]
    assert sheet["J4"].fill.fgColor.rgb == "FFFF0000"
    assert sheet.auto_filter.ref == "A3:L4"
    assert sheet.print_title_rows == "$3:$3"


def test_it_exports_only_what_the_clerk_may_see(client, plan, outsider):
    client.force_login(outsider)
    response = client.get(reverse("export_task_list"), {"format": "xlsx"})
    sheet = read_workbook(b"".join(response.streaming_content))["任务清单"]
    assert [r[2] for r in sheet.iter_rows(min_row=4, values_only=True)] == ["一.1", "一.2"]


def test_it_exports_the_same_rows_as_csv_with_formulas_neutralised(client, plan, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("export_task_list"), {"format": "csv", "q": "优化"})
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "文号", "编号", "任务内容"]
    assert rows[1][2:4] == ["二.2", "'=SUM(1,2) 优化营商环境。"]
    assert len(rows) == 2


def test_it_refuses_an_unknown_format(client, plan, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("export_task_list"), {"format": "pdf"}).status_code == 400


def test_it_runs_a_fixed_number_of_queries_for_the_task_list(
    client, plan, supervisor, django_assert_max_num_queries
):
    client.force_login(supervisor)
    client.get(reverse("export_task_list"), {"format": "xlsx"})  # warm the session
    for index in range(30):
        task = factories.make_task(plan.document, f"二.{10 + index}", parent=plan.sections[1])
        factories.assign(task, plan.unit)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("export_task_list"), {"format": "xlsx"})
        b"".join(response.streaming_content)


def test_it_writes_the_ledger_with_every_period_side_by_side(client, plan, supervisor):
    second = factories.make_period(2018, 2)
    factories.make_report(
        plan.tasks[0], plan.unit, second, status="accepted", progress="二季度：已开工。", percent=70
    )
    client.force_login(supervisor)
    response = client.get(reverse("export_ledger", args=[plan.document.pk]))
    assert response.status_code == 200
    sheet = read_workbook(b"".join(response.streaming_content))["台账"]
    assert sheet["A1"].value == "《2018年市政府工作报告分工方案》工作台账"
    assert {"A1:N1", "A3:H3", "I3:K3", "L3:N3", "A5:N5"} <= merged(sheet)
    assert (sheet["I3"].value, sheet["L3"].value) == ("2018年第1季度", "2018年第2季度")
    assert [c.value for c in sheet[4]][7:11] == ["亮灯", "进展状态", "进展情况", "存在问题"]
    assert sheet["A5"].value == "一、加快新旧动能转换"
    assert [c.value for c in sheet[6]][1:2] + [c.value for c in sheet[6]][8:14] == [
        "推进重大项目建设，全年完成投资200亿元。",
        "正常推进 40%",
        "已完成立项。",
        "资金缺口较大。",
        "正常推进 70%",
        "二季度：已开工。",
        "",
    ]
    assert sheet["I7"].value == "未报送"  # the returned report is not counted
    assert sheet.freeze_panes == "C5"
    assert sheet.print_title_rows == "$3:$4"
    assert sheet.page_setup.paperSize == 8


def test_it_hides_a_plan_ledger_from_a_clerk_with_no_task_in_it(client, plan, outsider):
    other = factories.make_document("聊政办字〔2018〕9号", title="立法工作计划")
    factories.make_task(other, "1")
    client.force_login(outsider)
    assert client.get(reverse("export_ledger", args=[other.pk])).status_code == 404
    response = client.get(reverse("export_ledger", args=[plan.document.pk]))
    sheet = read_workbook(b"".join(response.streaming_content))["台账"]
    texts = [r[1] for r in sheet.iter_rows(min_row=5, values_only=True) if r[1]]
    assert texts == [
        "推进重大项目建设，全年完成投资200亿元。",
        "完成新旧动能转换重大工程实施规划编制。",
    ]
