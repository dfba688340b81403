"""A report's whole life in headless Chromium: filed with evidence, returned, fixed,
resubmitted, accepted; the task page shows the history. A cooperating unit's part shows
up in the lead unit's form."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in, screenshot
from tracker.models import Assignment, Attachment, Profile, ProgressReport, Task
from tracker.services.periods import create_year_periods, current_periods

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scene(db):
    today = timezone.localdate()
    for year in (today.year - 1, today.year):
        create_year_periods(acting_user=None, year=year)
    lead = factories.make_unit("聊城市发展和改革委员会", short_name="市发展改革委")
    coop = factories.make_unit("聊城市科学技术局", short_name="市科技局")
    document = factories.make_document(
        "聊政发〔2018〕7号", signed_on=dt.date(today.year, 1, 1), year=today.year
    )
    task = factories.make_task(
        document,
        "一.1",
        text="推进新旧动能转换重大工程。",
        deadline_on=dt.date(today.year, 12, 31),
        deadline_kind=Task.DeadlineKind.DATE,
    )
    factories.assign(task, lead, Assignment.Role.LEAD)
    factories.assign(task, coop, Assignment.Role.COOPERATING)
    return {
        "task": task,
        "period": current_periods(today)["quarterly"],
        "clerk": factories.make_user(
            "fgw", role=Profile.Role.CLERK, units=[lead], display_name="发改委联络员"
        ),
        "coop": factories.make_user(
            "kjj", role=Profile.Role.CLERK, units=[coop], display_name="科技局联络员"
        ),
        "office": factories.make_user(
            "duchashi", role=Profile.Role.SUPERVISOR, display_name="督查室"
        ),
    }


def new_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def open_task_form(page):
    page.get_by_role("link", name="一.1 推进新旧动能转换重大工程。").click()
    page.wait_for_url("**/reports/**")


def test_it_takes_a_report_from_draft_to_accepted(browser, live_server, scene, tmp_path):
    evidence = tmp_path / "园区建设进度.pdf"
    evidence.write_bytes(PDF)

    # 1. The clerk files the report with an attachment.
    clerk = new_page(browser, live_server)
    log_in(clerk, "fgw", factories.PASSWORD)
    expect(clerk.get_by_role("heading", name="我的填报")).to_be_visible()
    assert clerk.locator(".work-row").first.get_attribute("data-state") == "missing"
    open_task_form(clerk)
    clerk.get_by_label("进展状态").select_option("on_track")
    clerk.get_by_label("完成百分比（%）").fill("40")
    clerk.get_by_label("进展情况").fill("完成项目规划，开工建设2个园区。")
    clerk.get_by_label("下步打算").fill("推进园区招商。")
    clerk.get_by_label("佐证材料").set_input_files(str(evidence))
    screenshot(clerk, "reporting-1-clerk-fills-report")
    clerk.get_by_role("button", name="提交").click()
    expect(clerk.get_by_text("报告已提交，等待督查室审核。")).to_be_visible()
    expect(clerk.get_by_role("link", name="园区建设进度.pdf")).to_be_visible()
    screenshot(clerk, "reporting-2-clerk-submitted")
    report = ProgressReport.objects.get()
    assert (report.status, Attachment.objects.get().original_name) == (
        "submitted",
        "园区建设进度.pdf",
    )

    # 2. The office returns it with a comment, in one step from the queue.
    office = new_page(browser, live_server)
    log_in(office, "duchashi", factories.PASSWORD)
    expect(office.get_by_role("heading", name="审核队列")).to_be_visible()
    expect(office.get_by_text("待审核 1 份报告。")).to_be_visible()
    office.get_by_label("退回意见").fill("请补充投资完成额。")
    screenshot(office, "reporting-3-office-returns")
    office.get_by_role("button", name="退回", exact=True).click()
    expect(office.get_by_text(f"已退回：{report}")).to_be_visible()
    expect(office.get_by_text("没有待审核的报告。")).to_be_visible()

    # 3. The clerk sees it returned first, fixes it and resubmits.
    clerk.goto("/my-work/")
    first = clerk.locator(".work-row").first
    assert first.get_attribute("data-state") == "returned"
    expect(first.get_by_text("退回意见：请补充投资完成额。")).to_be_visible()
    open_task_form(clerk)
    expect(clerk.get_by_text("请补充投资完成额。")).to_be_visible()
    assert clerk.get_by_label("进展情况").input_value() == "完成项目规划，开工建设2个园区。"
    clerk.get_by_label("进展情况").fill("完成项目规划，开工建设2个园区，完成投资3.2亿元。")
    screenshot(clerk, "reporting-4-clerk-fixes-returned-report")
    clerk.get_by_role("button", name="重新报送").click()
    expect(clerk.get_by_text("报告已提交，等待督查室审核。")).to_be_visible()

    # 4. The office accepts it.
    office.goto("/review/")
    expect(office.get_by_text("完成投资3.2亿元")).to_be_visible()
    office.get_by_role("button", name="审核通过").click()
    expect(office.get_by_text(f"已审核通过：{report}")).to_be_visible()
    screenshot(office, "reporting-5-office-accepted")
    report.refresh_from_db()
    assert report.status == "accepted"

    # 5. The task page shows the report and its history; the report is locked.
    clerk.goto(f"/tasks/{scene['task'].pk}/")
    history = clerk.locator(".history-entry")
    assert [history.nth(i).get_attribute("data-action") for i in range(history.count())] == [
        "report.accept",
        "report.resubmit",
        "report.update",
        "report.return",
        "report.submit",
        "attachment.add",
        "report.create",
    ]
    expect(clerk.get_by_text("（意见：请补充投资完成额。）")).to_be_visible()
    screenshot(clerk, "reporting-6-task-history")
    open_url = f"/tasks/{scene['task'].pk}/reports/{report.unit_id}/{report.period_id}/"
    clerk.goto(open_url)
    expect(clerk.get_by_text("该报告已审核通过并锁定，不能修改。")).to_be_visible()
    assert clerk.get_by_role("button", name="提交").count() == 0
    clerk.context.close()
    office.context.close()


def test_it_shows_a_cooperating_units_part_in_the_lead_units_form(browser, live_server, scene):
    coop = new_page(browser, live_server)
    log_in(coop, "kjj", factories.PASSWORD)
    open_task_form(coop)
    expect(coop.get_by_text("（配合单位分报告）")).to_be_visible()
    coop.get_by_label("完成百分比（%）").fill("70")
    coop.get_by_label("进展情况").fill("科技局：认定科技孵化器2家。")
    coop.get_by_role("button", name="提交").click()
    expect(coop.get_by_text("报告已提交，等待督查室审核。")).to_be_visible()
    screenshot(coop, "reporting-7-cooperating-part-submitted")

    lead = new_page(browser, live_server)
    log_in(lead, "fgw", factories.PASSWORD)
    open_task_form(lead)
    parts = lead.locator("section.parts")
    expect(parts.get_by_role("heading", name="配合单位报送情况")).to_be_visible()
    expect(parts.get_by_text("科技局：认定科技孵化器2家。")).to_be_visible()
    expect(lead.get_by_text("（汇总报告）")).to_be_visible()
    screenshot(lead, "reporting-8-lead-form-with-part")
    coop.context.close()
    lead.context.close()


def test_it_works_on_a_phone_with_the_keyboard_alone(browser, live_server, scene):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    log_in(page, "fgw", factories.PASSWORD)
    link = page.get_by_role("link", name="一.1 推进新旧动能转换重大工程。")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/reports/**")
    page.get_by_label("进展情况").focus()
    page.keyboard.type("用键盘填写的进展。")
    page.keyboard.press("Tab")  # to 存在问题
    page.keyboard.type("无。")
    page.get_by_role("button", name="保存草稿").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("草稿已保存（第1版）。")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the form must not scroll sideways on a phone"
    screenshot(page, "reporting-9-phone-draft-saved")
    report = ProgressReport.objects.get()
    assert (report.progress, report.problems) == ("用键盘填写的进展。", "无。")
    context.close()
