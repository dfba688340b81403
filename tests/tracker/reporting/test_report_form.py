"""The report form: clear errors, nothing typed is lost, second tabs are detected."""

import pytest
from django.urls import reverse

from tests import factories
from tests.tracker.reporting import files
from tracker.models import Attachment, ProgressReport
from tracker.services import reporting as services

pytestmark = pytest.mark.django_db

TYPED = {
    "progress_status": "on_track",
    "percent": "55",
    "progress": "完成园区道路建设，招商项目签约3个。",
    "problems": "资金到位慢。",
    "coordination": "请市财政局加快拨付。",
    "next_steps": "推进二期工程。",
}


@pytest.fixture
def url(task, unit, period):
    return reverse("report_form", args=[task.pk, unit.pk, period.pk])


def test_it_saves_a_new_draft_and_shows_it_again(client, owner, url):
    client.force_login(owner)
    response = client.post(url, TYPED | {"version": "0", "action": "save"}, follow=True)
    assert "草稿已保存（第1版）。" in response.content.decode()
    report = ProgressReport.objects.get()
    assert (report.status, report.percent, report.coordination) == (
        "draft",
        55,
        "请市财政局加快拨付。",
    )
    assert response.context["form"].initial["version"] == 1


def test_it_keeps_what_was_typed_when_the_form_has_errors(client, owner, url):
    client.force_login(owner)
    response = client.post(url, TYPED | {"percent": "150", "version": "0", "action": "save"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "完成百分比应在0到100之间。" in html
    assert "完成园区道路建设，招商项目签约3个。" in html
    assert "请市财政局加快拨付。" in html
    assert not ProgressReport.objects.exists()


def test_it_asks_for_progress_text_before_submitting(client, owner, url):
    client.force_login(owner)
    response = client.post(url, TYPED | {"progress": "", "version": "0", "action": "submit"})
    assert "提交前请填写进展情况。" in response.content.decode()
    assert "推进二期工程。" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_it_requires_100_percent_for_a_done_task(client, owner, url):
    client.force_login(owner)
    response = client.post(
        url, TYPED | {"progress_status": "done", "version": "0", "action": "submit"}
    )
    assert "进展状态为“已完成”时，完成百分比应为100。" in response.content.decode()


def test_it_submits_with_an_attachment(client, owner, url):
    client.force_login(owner)
    response = client.post(
        url,
        TYPED | {"version": "0", "action": "submit", "attachments": [files.pdf()]},
        follow=True,
    )
    assert "报告已提交，等待督查室审核。" in response.content.decode()
    report = ProgressReport.objects.get()
    assert (report.status, report.submitted_by) == ("submitted", owner)
    assert Attachment.objects.get().original_name == "进展材料.pdf"
    assert "报告已报送，等待督查室审核；如需修改，请联系督查室退回。" in response.content.decode()


def test_it_refuses_a_lying_upload_and_keeps_the_text(client, owner, url):
    client.force_login(owner)
    fake = files.upload("扫描件.pdf", b"MZ\x90\x00 this is a program")
    response = client.post(url, TYPED | {"version": "0", "action": "save", "attachments": [fake]})
    html = response.content.decode()
    assert "文件“扫描件.pdf”的内容与其扩展名不符，已拒绝上传。" in html
    assert "所选文件尚未上传，请重新选择。" in html
    assert "完成园区道路建设，招商项目签约3个。" in html
    assert not ProgressReport.objects.exists()


def test_it_refuses_a_too_large_upload(client, owner, url, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    client.force_login(owner)
    big = files.upload("大.pdf", files.PDF_BYTES + b"0" * (3 * 1024 * 1024))
    response = client.post(url, TYPED | {"version": "0", "action": "save", "attachments": [big]})
    assert "文件“大.pdf”过大（3.0 MB），上限为 1.0 MB。" in response.content.decode()


def test_it_detects_a_second_tab_and_keeps_the_typed_text(
    client, owner, colleague, task, unit, period, url
):
    client.force_login(owner)
    client.post(url, TYPED | {"version": "0", "action": "save"})
    # A colleague (or the clerk's other tab) saves version 2 meanwhile.
    client.force_login(colleague)
    client.post(url, TYPED | {"progress": "同事写的进展。", "version": "1", "action": "save"})
    client.force_login(owner)
    response = client.post(
        url, TYPED | {"progress": "旧窗口里写的进展。", "version": "1", "action": "save"}
    )
    html = response.content.decode()
    assert "该报告已在其他窗口或由同事修改（现为第2版），您的内容尚未保存。请核对后再保存。" in html
    assert "旧窗口里写的进展。" in html  # what this tab typed, still in the form
    assert "当前已保存的内容（第2版）" in html
    assert "同事写的进展。" in html  # what was saved meanwhile, shown beside it
    assert ProgressReport.objects.get().progress == "同事写的进展。"
    # Saving again is now a deliberate overwrite of version 2.
    assert response.context["form"]["version"].value() == "2"
    client.post(url, TYPED | {"progress": "旧窗口里写的进展。", "version": "2", "action": "save"})
    assert ProgressReport.objects.get().progress == "旧窗口里写的进展。"


def test_it_shows_the_returned_comment_and_resubmits(
    client, owner, supervisor, task, unit, period, url
):
    report = factories.make_report(task, unit, period, status="submitted", submitted_by=owner)
    services.return_report(acting_user=supervisor, report=report, comment="请补充投资数据。")
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert "退回意见：</strong>请补充投资数据。" in page
    assert "重新报送" in page
    client.post(url, TYPED | {"version": "2", "action": "submit"})
    report.refresh_from_db()
    assert report.status == "submitted"


def test_it_shows_the_cooperating_parts_in_the_lead_units_form(
    client, owner, coop_clerk, task, coop_unit, period, url
):
    part = services.save_report_draft(
        acting_user=coop_clerk,
        task=task,
        unit=coop_unit,
        period=period,
        data={"progress": "科技局：完成孵化器认定2家。", "percent": 70},
        version=0,
    )
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert "科技局：完成孵化器认定2家。" not in page  # a draft part is not shown
    assert "尚未报送：市科技局" in page
    services.submit_report(acting_user=coop_clerk, report=part, version=1)
    page = client.get(url).content.decode()
    assert "配合单位报送情况" in page
    assert "科技局：完成孵化器认定2家。" in page
    assert "尚未报送" not in page


def test_it_does_not_show_parts_to_a_cooperating_unit(client, coop_clerk, task, coop_unit, period):
    client.force_login(coop_clerk)
    page = client.get(reverse("report_form", args=[task.pk, coop_unit.pk, period.pk]))
    assert "配合单位报送情况" not in page.content.decode()
    assert "（配合单位分报告）" in page.content.decode()
