"""The report's life: draft, submit, return with a comment, resubmit, accept (locked)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from tests import factories
from tests.tracker.reporting import files
from tracker.models import Attachment, AuditEntry, ProgressReport
from tracker.services import periods as period_services
from tracker.services import reporting as services

pytestmark = pytest.mark.django_db

CONTENT = {
    "progress_status": "on_track",
    "percent": 60,
    "progress": "已完成园区规划编制。",
    "problems": "用地指标紧张。",
    "coordination": "",
    "next_steps": "启动一期建设。",
}


def draft(user, task, unit, period, version=0, **changes):
    return services.save_report_draft(
        acting_user=user,
        task=task,
        unit=unit,
        period=period,
        data=CONTENT | changes,
        version=version,
    )


def test_it_creates_a_draft_as_version_one_with_an_audit_row(owner, task, unit, period):
    report = draft(owner, task, unit, period)
    assert (report.status, report.version, report.is_consolidated) == ("draft", 1, True)
    entry = AuditEntry.objects.get(action="report.create")
    assert (entry.actor, entry.task, entry.after["percent"]) == (owner, task, 60)


def test_it_files_a_cooperating_units_report_as_a_part(coop_clerk, task, coop_unit, period):
    report = draft(coop_clerk, task, coop_unit, period)
    assert report.is_consolidated is False


def test_it_lets_a_colleague_continue_the_units_draft(owner, colleague, task, unit, period):
    report = draft(owner, task, unit, period)
    report = draft(colleague, task, unit, period, version=1, progress="同事补充。")
    assert (report.version, report.progress) == (2, "同事补充。")


def test_it_refuses_a_stale_version_and_saves_nothing(owner, colleague, task, unit, period):
    draft(owner, task, unit, period)
    draft(colleague, task, unit, period, version=1, progress="同事的版本。")
    with pytest.raises(services.StaleReportError) as error:
        draft(owner, task, unit, period, version=1, progress="我在旧窗口里写的。")
    assert error.value.messages == [
        "该报告已在其他窗口或由同事修改（现为第2版），您的内容尚未保存。请核对后再保存。"
    ]
    assert error.value.current.progress == "同事的版本。"
    assert ProgressReport.objects.get().progress == "同事的版本。"


def test_it_refuses_a_second_new_report_for_the_same_slot(owner, colleague, task, unit, period):
    draft(owner, task, unit, period)
    with pytest.raises(services.StaleReportError):
        draft(colleague, task, unit, period, version=0)
    assert ProgressReport.objects.count() == 1


def test_it_refuses_a_unit_that_is_not_on_the_task(outsider, task, other_unit, period):
    with pytest.raises(ValidationError) as error:
        draft(outsider, task, other_unit, period)
    assert error.value.messages == ["该单位不是此任务的责任单位。"]


def test_it_refuses_a_percent_over_100(owner, task, unit, period):
    with pytest.raises(ValidationError) as error:
        draft(owner, task, unit, period, percent=120)
    assert error.value.message_dict == {"percent": ["完成百分比应在0到100之间。"]}
    assert not ProgressReport.objects.exists()


def test_it_submits_and_refreshes_the_task_schedule_after_commit(
    owner, task, unit, period, django_capture_on_commit_callbacks
):
    report = draft(owner, task, unit, period, percent=20)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.submit_report(acting_user=owner, report=report, version=1)
    assert (report.status, report.submitted_by, report.version) == ("submitted", owner, 2)
    task.refresh_from_db()
    # 274 of 364 days used (75%), 20% reported: behind the elapsed-time schedule.
    assert (task.schedule_status, task.light, task.reported_percent) == ("behind", "yellow", 20)
    assert AuditEntry.objects.filter(action="report.submit", task=task).count() == 1


def test_it_does_not_submit_without_progress_text(owner, task, unit, period):
    report = draft(owner, task, unit, period, progress="  ")
    with pytest.raises(ValidationError) as error:
        services.submit_report(acting_user=owner, report=report, version=1)
    assert error.value.messages == ["提交前请填写进展情况。"]
    report.refresh_from_db()
    assert report.status == "draft"


def test_it_returns_only_with_a_comment(owner, supervisor, task, unit, period):
    report = services.submit_report(
        acting_user=owner, report=draft(owner, task, unit, period), version=1
    )
    with pytest.raises(ValidationError) as error:
        services.return_report(acting_user=supervisor, report=report, comment=" ")
    assert error.value.messages == ["退回时请填写审核意见。"]
    report = services.return_report(acting_user=supervisor, report=report, comment="请补充数据。")
    assert (report.status, report.review_comment, report.reviewed_by) == (
        "returned",
        "请补充数据。",
        supervisor,
    )


def test_it_lets_a_returned_report_be_fixed_and_resubmitted(owner, supervisor, task, unit, period):
    report = services.submit_report(
        acting_user=owner, report=draft(owner, task, unit, period), version=1
    )
    report = services.return_report(acting_user=supervisor, report=report, comment="请补充数据。")
    report = draft(owner, task, unit, period, version=report.version, progress="补充：投资5亿元。")
    assert report.status == "returned"
    report = services.resubmit_report(acting_user=owner, report=report, version=report.version)
    assert report.status == "submitted"
    actions = list(
        AuditEntry.objects.filter(task=task).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "report.create",
        "report.submit",
        "report.return",
        "report.update",
        "report.resubmit",
    ]


def test_it_refuses_to_resubmit_a_report_that_was_not_returned(owner, task, unit, period):
    report = draft(owner, task, unit, period)
    with pytest.raises(ValidationError) as error:
        services.resubmit_report(acting_user=owner, report=report, version=1)
    assert error.value.messages == ["只有被退回的报告才能重新报送。"]


def test_it_locks_an_accepted_report(owner, supervisor, task, unit, period):
    report = services.submit_report(
        acting_user=owner, report=draft(owner, task, unit, period), version=1
    )
    report = services.accept_report(acting_user=supervisor, report=report)
    assert report.is_locked
    with pytest.raises(ValidationError) as error:
        draft(owner, task, unit, period, version=report.version, progress="改一下")
    assert error.value.messages == ["该报告已审核通过并锁定，不能修改。"]
    with pytest.raises(ValidationError) as error:
        services.return_report(acting_user=supervisor, report=report, comment="再看看")
    assert error.value.messages == ["只能审核已报送的报告。"]


def test_it_refuses_changes_while_a_report_awaits_review(owner, task, unit, period):
    report = services.submit_report(
        acting_user=owner, report=draft(owner, task, unit, period), version=1
    )
    with pytest.raises(ValidationError) as error:
        draft(owner, task, unit, period, version=report.version)
    assert error.value.messages == ["该报告已报送，正在审核，不能修改。"]


def test_it_locks_every_report_of_a_closed_period(owner, supervisor, task, unit, period):
    draft(owner, task, unit, period)
    period_services.close_period(acting_user=supervisor, period=period)
    period.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        draft(owner, task, unit, period, version=1)
    assert error.value.messages == ["该报送周期已关闭，报告已锁定，不能修改。"]
    period_services.reopen_period(acting_user=supervisor, period=period, reason="补报")
    assert draft(owner, task, unit, period, version=1).version == 2


def test_it_stores_attachments_once_and_audits_them(owner, task, unit, period):
    report = services.save_report_draft(
        acting_user=owner,
        task=task,
        unit=unit,
        period=period,
        data=CONTENT,
        version=0,
        uploads=[files.pdf(), files.pdf("同一文件.pdf")],
    )
    attachment = Attachment.objects.get()
    assert (attachment.report, attachment.original_name, attachment.content_type) == (
        report,
        "进展材料.pdf",
        "application/pdf",
    )
    assert attachment.file.name.startswith(f"attachments/{report.pk}/")
    assert default_storage.open(attachment.file.name).read() == files.PDF_BYTES
    assert AuditEntry.objects.filter(action="attachment.add").count() == 1


def test_it_removes_stored_files_when_the_save_fails(owner, task, unit, period):
    before = _stored_files()
    with pytest.raises(ValidationError):
        services.save_and_submit_report(
            acting_user=owner,
            task=task,
            unit=unit,
            period=period,
            data=CONTENT | {"progress": ""},
            version=0,
            uploads=[files.pdf()],
        )
    assert not ProgressReport.objects.exists()
    assert not Attachment.objects.exists()
    assert _stored_files() == before


def test_it_refuses_a_lying_file_and_saves_nothing(owner, task, unit, period):
    with pytest.raises(ValidationError) as error:
        services.save_report_draft(
            acting_user=owner,
            task=task,
            unit=unit,
            period=period,
            data=CONTENT,
            version=0,
            uploads=[files.upload("假.pdf", b"<html></html>")],
        )
    assert error.value.messages == ["文件“假.pdf”的内容与其扩展名不符，已拒绝上传。"]
    assert not ProgressReport.objects.exists()


def test_it_removes_an_attachment_from_an_editable_report(
    owner, task, unit, period, django_capture_on_commit_callbacks
):
    services.save_report_draft(
        acting_user=owner,
        task=task,
        unit=unit,
        period=period,
        data=CONTENT,
        version=0,
        uploads=[files.pdf()],
    )
    attachment = Attachment.objects.get()
    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(acting_user=owner, attachment=attachment)
    assert not Attachment.objects.exists()
    assert not default_storage.exists(name)


def test_it_treats_every_unit_as_consolidating_when_no_unit_is_marked(owner, unit, period):
    task = factories.make_task()
    factories.assign(task, unit, "responsible", consolidates=False)
    assert draft(owner, task, unit, period).is_consolidated is True


def _stored_files() -> set[str]:
    root = default_storage.path("")
    import os

    found = set()
    for directory, _dirs, names in os.walk(root):
        found |= {os.path.join(directory, n) for n in names}
    return found
