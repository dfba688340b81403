"""Excel in headless Chromium: a clerk downloads the template, fills it offline, uploads it
and confirms; the office downloads the supervision workbook from its form."""

import datetime as dt

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in, screenshot
from tracker.exports.template import LETTER
from tracker.models import Assignment, Profile, ProgressReport
from tracker.services.periods import create_year_periods, current_periods

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(db):
    today = timezone.localdate()
    for year in (today.year - 1, today.year):
        create_year_periods(acting_user=None, year=year)
    unit = factories.make_unit("聊城市发展和改革委员会", short_name="市发展改革委")
    document = factories.make_document(
        "聊政发〔2018〕7号",
        year=today.year,
        title="市政府工作报告分工方案",
        signed_on=dt.date(today.year, 1, 1),
    )
    task = factories.make_task(document, "一.1", text="推进新旧动能转换重大工程。")
    factories.assign(task, unit, Assignment.Role.LEAD)
    clerk = factories.make_user("clerk1", role=Profile.Role.CLERK, units=[unit])
    office = factories.make_user("office1", role=Profile.Role.SUPERVISOR)
    return {
        "unit": unit,
        "task": task,
        "clerk": clerk,
        "office": office,
        "document": document,
        "period": current_periods()["quarterly"],
    }


def test_it_round_trips_a_template_in_the_browser(page, scene, tmp_path):
    log_in(page, "clerk1", factories.PASSWORD)
    page.get_by_role("link", name="Excel报表").click()
    page.get_by_role("link", name="表格填报进展").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="下载模板").click()
    path = tmp_path / "template.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    sheet = book["进展填报"]
    assert sheet["E4"].value == "推进新旧动能转换重大工程。"
    sheet[f"{LETTER['progress_status']}4"] = "正常推进"
    sheet[f"{LETTER['percent']}4"] = 35
    sheet[f"{LETTER['progress']}4"] = "完成可研批复。"
    book.save(path)

    page.get_by_label("填好的进展表格（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("heading", name="可保存1行")).to_be_visible()
    assert not ProgressReport.objects.exists()
    screenshot(page, "exports-upload-check")
    page.get_by_role("button", name="确认保存为草稿").click()
    expect(page.get_by_text("已保存1条进展为草稿。")).to_be_visible()
    report = ProgressReport.objects.get()
    assert (report.task_id, report.status, report.percent, report.progress) == (
        scene["task"].pk,
        "draft",
        35,
        "完成可研批复。",
    )


def test_it_downloads_the_supervision_workbook_from_the_form(page, scene, tmp_path):
    log_in(page, "office1", factories.PASSWORD)
    page.goto("/exports/supervision/")
    page.get_by_label("文件（可多选）").select_option(str(scene["document"].pk))
    page.get_by_label("分单位（每个单位一张明细表）").check()
    screenshot(page, "exports-supervision-form")
    with page.expect_download() as download:
        page.get_by_role("button", name="生成并下载").click()
    path = tmp_path / "tongbao.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename.startswith("督查通报-")
    assert load_workbook(path).sheetnames == ["汇总", "市发展改革委", "缺报迟报"]
