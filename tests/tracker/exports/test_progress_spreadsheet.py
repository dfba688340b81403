"""Progress by spreadsheet: the template, the round trip, row errors and hostile files."""

import io
import zipfile

import pytest
from django.urls import reverse

from tests import factories
from tests.tracker.exports.helpers import merged, read_workbook
from tracker.exports.template import LETTER
from tracker.models import AuditEntry, ProgressReport, ProgressUpload


def download_template(client, plan, user):
    client.force_login(user)
    response = client.get(
        reverse("progress_spreadsheet"), {"unit": plan.unit.pk, "period": plan.period.pk}
    )
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return read_workbook(response.content)


def upload(client, book, name="进展.xlsx"):
    stream = io.BytesIO()
    book.save(stream)
    return upload_bytes(client, stream.getvalue(), name)


def upload_bytes(client, data: bytes, name="进展.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("progress_spreadsheet"), {"file": file})


def row_of(sheet, text_start: str) -> int:
    for row in sheet.iter_rows(min_row=4):
        if str(row[4].value or "").startswith(text_start):
            return row[0].row
    raise AssertionError(text_start)


def fill(sheet, row, **values):
    for key, value in values.items():
        sheet[f"{LETTER[key]}{row}"] = value


def test_it_prefills_the_units_tasks_with_locked_keys_and_a_status_list(client, plan, owner):
    book = download_template(client, plan, owner)
    assert book.sheetnames == ["进展填报", "duban"]
    assert book["duban"].sheet_state == "veryHidden"
    sheet = book["进展填报"]
    assert sheet["A1"].value == "聊城市发展和改革委员会2018年第1季度重点任务进展情况填报表"
    assert "A1:N1" in merged(sheet)
    assert [c.value for c in sheet[3]][:9] == [
        "任务ID",
        "版本",
        "序号",
        "编号",
        "任务内容",
        "角色",
        "完成时限",
        "报告状态",
        "进展状态",
    ]
    assert [(r[3].value, r[5].value, r[7].value) for r in sheet.iter_rows(min_row=4)] == [
        ("一.1", "牵头", "已报送"),
        ("二.1", "牵头", "已审核"),
        ("二.2", "共同负责", "草稿"),
    ]
    assert sheet.column_dimensions["A"].hidden and sheet.column_dimensions["B"].hidden
    assert sheet.protection.sheet
    assert sheet["A4"].protection.locked and not sheet["J4"].protection.locked
    assert sheet["I3"].fill.fgColor.rgb == "00FFF2CC"
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert validations["I4:I6"].formula1 == '"未启动,正常推进,滞后,已完成,长期推进"'
    assert validations["J4:J6"].type == "whole"
    assert sheet.page_setup.paperSize == 8 and sheet.page_setup.orientation == "landscape"
    # The draft's content is there to continue, and a formula-like task text stays text.
    draft = row_of(sheet, "=SUM")
    assert sheet[f"K{draft}"].value == "草稿内容不应出现。"
    assert sheet[f"E{draft}"].data_type == "s"


def test_it_round_trips_a_filled_template_into_exactly_the_expected_reports(client, plan, owner):
    from tracker.models import Assignment

    extra = factories.make_task(
        plan.document, "二.3", parent=plan.sections[1], order=7, text="建设政务服务中心。"
    )
    factories.assign(extra, plan.unit, Assignment.Role.LEAD)
    book = download_template(client, plan, owner)
    sheet = book["进展填报"]
    draft_row = row_of(sheet, "=SUM")
    new_row = row_of(sheet, "建设政务服务中心")
    fill(
        sheet,
        draft_row,
        progress_status="滞后",
        percent=30,
        progress="营商环境评价已启动。",
        problems="数据归集慢。",
    )
    fill(sheet, new_row, progress_status="正常推进", percent=20, progress="已完成选址。")
    before = ProgressReport.objects.count()

    response = upload(client, book)
    checked = ProgressUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("progress_upload", args=[checked.pk])
    assert checked.errors == []
    assert [row["row"] for row in checked.rows] == [draft_row, new_row]
    assert ProgressReport.objects.count() == before  # nothing saved before confirming

    page = client.get(response["Location"])
    assert "可保存2行" in page.content.decode()
    response = client.post(response["Location"], {"action": "submit"})
    assert response.status_code == 302
    draft = ProgressReport.objects.get(task=plan.tasks[3], unit=plan.unit)
    assert (draft.status, draft.progress_status, draft.percent, draft.progress, draft.problems) == (
        "submitted",
        "behind",
        30,
        "营商环境评价已启动。",
        "数据归集慢。",
    )
    new = ProgressReport.objects.get(task=extra, unit=plan.unit)
    assert (new.status, new.percent, new.progress, new.is_consolidated) == (
        "submitted",
        20,
        "已完成选址。",
        True,
    )
    assert ProgressReport.objects.count() == before + 1
    assert AuditEntry.objects.filter(action="progress_upload.apply").count() == 1
    # Confirming twice saves nothing twice.
    client.post(reverse("progress_upload", args=[checked.pk]), {"action": "submit"})
    assert ProgressReport.objects.count() == before + 1


def test_it_reports_each_error_by_row_and_cell_and_saves_nothing(client, plan, owner):
    from tracker.models import Assignment

    extra = factories.make_task(
        plan.document, "二.3", parent=plan.sections[1], order=7, text="建设政务服务中心。"
    )
    factories.assign(extra, plan.unit, Assignment.Role.LEAD)
    book = download_template(client, plan, owner)
    sheet = book["进展填报"]
    draft_row = row_of(sheet, "=SUM")
    new_row = row_of(sheet, "建设政务服务中心")
    submitted_row = row_of(sheet, "推进重大项目")
    fill(sheet, draft_row, progress_status="差不多", percent=130, progress="有问题的行。")
    fill(sheet, new_row, progress_status="已完成", percent="=50+50", progress="公式。")
    fill(sheet, submitted_row, progress="改已报送的报告。")
    before = ProgressReport.objects.values_list("pk", "version", "progress")
    before = set(before)

    upload(client, book)
    checked = ProgressUpload.objects.get()
    assert checked.rows == []
    assert sorted(checked.errors, key=lambda e: (e["row"], e["column"])) == sorted(
        [
            {
                "row": submitted_row,
                "column": "",
                "field": "",
                "message": "该任务本期报告已报送，不能通过表格修改。",
            },
            {
                "row": draft_row,
                "column": "I",
                "field": "进展状态",
                "message": "进展状态须从下拉列表中选择。",
            },
            {
                "row": draft_row,
                "column": "J",
                "field": "完成百分比",
                "message": "完成百分比应在0到100之间。",
            },
            {
                "row": new_row,
                "column": "J",
                "field": "完成百分比",
                "message": "请直接填写内容，不要使用公式。",
            },
        ],
        key=lambda e: (e["row"], e["column"]),
    )
    page = client.get(reverse("progress_upload", args=[checked.pk])).content.decode()
    assert "发现4处问题（这些行不会保存）" in page
    assert "确认保存为草稿" not in page
    assert set(ProgressReport.objects.values_list("pk", "version", "progress")) == before


def test_it_refuses_a_template_filled_after_the_report_changed_online(client, plan, owner):
    book = download_template(client, plan, owner)
    sheet = book["进展填报"]
    draft_row = row_of(sheet, "=SUM")
    ProgressReport.objects.filter(task=plan.tasks[3], unit=plan.unit).update(version=5)
    fill(sheet, draft_row, progress_status="正常推进", percent=10, progress="旧模板。")
    upload(client, book)
    assert ProgressUpload.objects.get().errors == [
        {
            "row": draft_row,
            "column": "",
            "field": "",
            "message": "该报告在下载模板后已被修改（现为第5版），请重新下载模板后再填。",
        }
    ]


def test_it_refuses_another_units_template(client, plan, owner, outsider):
    book = download_template(client, plan, owner)
    client.force_login(outsider)
    response = upload(client, book)
    assert "这不是您单位的填报模板，不能上传。" in response.content.decode()
    assert not ProgressUpload.objects.exists()


def test_it_hides_an_upload_from_everyone_but_its_clerk(client, plan, owner, outsider, supervisor):
    book = download_template(client, plan, owner)
    upload(client, book)
    checked = ProgressUpload.objects.get()
    for user in (outsider, supervisor):
        client.force_login(user)
        assert client.get(reverse("progress_upload", args=[checked.pk])).status_code in (403, 404)


def test_it_lets_only_clerks_use_spreadsheets(client, plan, supervisor, viewer):
    for user in (supervisor, viewer):
        client.force_login(user)
        assert client.get(reverse("progress_spreadsheet")).status_code == 403


def test_it_will_not_hand_out_another_units_template(client, plan, outsider):
    client.force_login(outsider)
    response = client.get(
        reverse("progress_spreadsheet"), {"unit": plan.unit.pk, "period": plan.period.pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")  # the form again, with an error


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return stream.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"name,progress\n1,2\n",
            "文件不是有效的 Excel（.xlsx）工作簿，请上传从本系统下载的模板。",
        ),
        (
            _zip(
                {
                    "[Content_Types].xml": b"<x/>",
                    "xl/workbook.xml": b"<x/>",
                    "xl/worksheets/sheet1.xml": b"0" * (60 * 1024 * 1024),
                }
            ),
            "文件解压后过大，可能是恶意文件（压缩炸弹），已拒绝。",
        ),
        (
            _zip({"hello.txt": b"hi"}),
            "文件不是有效的 Excel（.xlsx）工作簿，请上传从本系统下载的模板。",
        ),
        (
            _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<not xml"}),
            "无法读取该工作簿，文件可能已损坏，请重新下载模板填写。",
        ),
    ],
    ids=["not-a-zip", "zip-bomb", "zip-without-workbook", "broken-workbook"],
)
def test_it_refuses_malformed_and_hostile_files(client, plan, owner, data, message):
    client.force_login(owner)
    response = upload_bytes(client, data)
    assert message in response.content.decode()
    assert not ProgressUpload.objects.exists()


def test_it_refuses_a_workbook_without_the_template_sheet(client, plan, owner):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    client.force_login(owner)
    response = upload(client, book)
    assert "未找到“进展填报”工作表，请使用本系统下载的模板。" in response.content.decode()


def test_it_refuses_a_forged_stamp(client, plan, owner):
    book = download_template(client, plan, owner)
    book["duban"]["A1"] = book["duban"]["A1"].value.replace(":", ";", 1)
    response = upload(client, book)
    assert "模板标记缺失或已被改动，请重新下载本单位本期的模板。" in response.content.decode()


def test_it_refuses_moved_columns(client, plan, owner):
    book = download_template(client, plan, owner)
    book["进展填报"]["K3"] = "备注"
    response = upload(client, book)
    assert "表头与模板不一致，请勿增删或移动列，请重新下载模板填写。" in response.content.decode()


def test_it_refuses_a_file_too_large(client, plan, owner, settings):
    settings.PROGRESS_UPLOAD_MAX_BYTES = 1024
    client.force_login(owner)
    response = upload_bytes(client, b"x" * 2048)
    assert "文件过大（2 KB），上限为 1 KB。" in response.content.decode()


def test_it_discards_an_upload_without_saving(client, plan, owner):
    book = download_template(client, plan, owner)
    fill(
        book["进展填报"],
        row_of(book["进展填报"], "=SUM"),
        progress_status="正常推进",
        percent=5,
        progress="放弃。",
    )
    upload(client, book)
    checked = ProgressUpload.objects.get()
    client.post(reverse("progress_upload", args=[checked.pk]), {"action": "discard"})
    checked.refresh_from_db()
    assert checked.status == "discarded"
    assert not ProgressReport.objects.filter(progress="放弃。").exists()
