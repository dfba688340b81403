"""Progress reports: drafts, submission, review (return / accept) and evidence files.

Every function here is one state change: it runs in a transaction, locks the report row,
writes an audit row tied to the task, and refreshes the task's stored schedule status
after the commit. Views, Celery tasks and the spreadsheet upload call these; nothing
else saves a report.
"""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import audit
from tracker.access import assigned_unit_roles, unit_consolidates
from tracker.models import Attachment, ProgressReport, ReportingPeriod, Task, Unit
from tracker.services.schedule import refresh_task_schedules
from tracker.uploads import check_upload

# What a clerk types; the rest of a report is bookkeeping set by these services.
CONTENT_FIELDS = [
    "progress_status",
    "percent",
    "progress",
    "problems",
    "coordination",
    "next_steps",
]
AUDIT_FIELDS = [*CONTENT_FIELDS, "status", "version", "is_consolidated", "review_comment"]
MAX_ATTACHMENTS_PER_REPORT = 20


class StaleReportError(ValidationError):
    """The report changed since the form was opened (another tab or a colleague)."""

    def __init__(self, current: ProgressReport):
        super().__init__(
            _(
                "该报告已在其他窗口或由同事修改（现为第%(version)d版），您的内容尚未保存。请核对后再保存。"
            )
            % {"version": current.version},
            code="stale",
        )
        self.current = current


def _refuse_unless_editable(report: ProgressReport) -> None:
    if report.period.is_closed:
        raise ValidationError(_("该报送周期已关闭，报告已锁定，不能修改。"), code="locked")
    if report.status == ProgressReport.Status.ACCEPTED:
        raise ValidationError(_("该报告已审核通过并锁定，不能修改。"), code="locked")
    if report.status == ProgressReport.Status.SUBMITTED:
        raise ValidationError(_("该报告已报送，正在审核，不能修改。"), code="submitted")


def _refresh_schedule_on_commit(task_id: int) -> None:
    transaction.on_commit(lambda: refresh_task_schedules(task_ids=[task_id]))


def _locked_report(report_pk: int) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("period", "task", "unit")
        .get(pk=report_pk)
    )


def save_report_draft(
    *,
    acting_user,
    task: Task,
    unit: Unit,
    period: ReportingPeriod,
    data: dict,
    version: int,
    uploads=(),
) -> ProgressReport:
    """Create or update a unit's report for a task and period, keeping its status.

    `version` is the version the clerk's form was opened with (0 for a new report); if
    the stored report has moved on, nothing is saved and StaleReportError carries the
    current report. Uploaded files are checked and stored with the same transaction.
    """
    return _removing_files_on_failure(
        _save_report_draft,
        acting_user=acting_user,
        task=task,
        unit=unit,
        period=period,
        data=data,
        version=version,
        uploads=uploads,
    )


def save_and_submit_report(
    *, acting_user, task, unit, period, data: dict, version: int, uploads=()
) -> ProgressReport:
    """Save what the clerk typed and submit it, all or nothing."""
    return _removing_files_on_failure(
        _save_and_submit,
        acting_user=acting_user,
        task=task,
        unit=unit,
        period=period,
        data=data,
        version=version,
        uploads=uploads,
    )


def _removing_files_on_failure(function, **kwargs):
    """Run a saving function; if its transaction fails, delete the files it stored.

    (A database rollback cannot take back a file written to storage.)
    """
    stored: list[str] = []
    try:
        return function(stored=stored, **kwargs)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def _save_and_submit(*, acting_user, stored, **kwargs) -> ProgressReport:
    report = _save_report_draft(acting_user=acting_user, stored=stored, **kwargs)
    return submit_report(acting_user=acting_user, report=report, version=report.version)


@transaction.atomic
def _save_report_draft(*, acting_user, task, unit, period, data, version, uploads, stored):
    period = ReportingPeriod.objects.get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(_("该报送周期已关闭，报告已锁定，不能修改。"), code="locked")
    roles = assigned_unit_roles(task)
    if unit.pk not in roles:
        raise ValidationError(_("该单位不是此任务的责任单位。"), code="not_assigned")
    existing = ProgressReport.objects.filter(task=task, unit=unit, period=period).first()
    if existing is None:
        if version:
            raise ValidationError(_("该报告已不存在，请刷新页面。"), code="missing")
        report = ProgressReport(
            task=task,
            unit=unit,
            period=period,
            is_consolidated=unit_consolidates(roles, unit.pk),
            version=0,
        )
        before = None
    else:
        report = _locked_report(existing.pk)
        _refuse_unless_editable(report)
        if report.version != version:
            raise StaleReportError(report)
        before = audit.snapshot(report, AUDIT_FIELDS)
    for name in CONTENT_FIELDS:
        if name in data:
            setattr(report, name, data[name])
    report.version += 1
    report.clean_fields(exclude=["task", "unit", "period", "submitted_by", "reviewed_by"])
    if report.percent > 100:
        raise ValidationError({"percent": _("完成百分比应在0到100之间。")})
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # A second tab created the same report between our read and our insert.
        if before is None:
            raise StaleReportError(
                ProgressReport.objects.get(task=task, unit=unit, period=period)
            ) from None
        raise
    audit.record(
        actor=acting_user,
        action="report.create" if before is None else "report.update",
        obj=report,
        task=task,
        before=before,
        after=audit.snapshot(report, AUDIT_FIELDS),
    )
    _add_attachments(acting_user=acting_user, report=report, uploads=uploads, stored=stored)
    _refresh_schedule_on_commit(task.pk)
    return report


def _add_attachments(*, acting_user, report: ProgressReport, uploads, stored: list[str]) -> None:
    uploads = list(uploads)
    if not uploads:
        return
    checked = [(upload, check_upload(upload)) for upload in uploads]
    known = set(report.attachments.values_list("sha256", flat=True))
    if len(known | {c.sha256 for _u, c in checked}) > MAX_ATTACHMENTS_PER_REPORT:
        raise ValidationError(
            _("每份报告最多上传%(limit)d个附件。") % {"limit": MAX_ATTACHMENTS_PER_REPORT},
            code="too_many",
        )
    for upload, info in checked:
        if info.sha256 in known:
            continue  # the same file again: nothing to add
        known.add(info.sha256)
        attachment = Attachment(
            report=report,
            original_name=info.name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        attachment.file.save(info.name, upload, save=False)
        stored.append(attachment.file.name)
        attachment.save()
        audit.record(
            actor=acting_user,
            action="attachment.add",
            obj=attachment,
            task=report.task,
            after={
                "report": report.pk,
                "name": info.name,
                "size": info.size,
                "sha256": info.sha256,
            },
        )


@transaction.atomic
def remove_attachment(*, acting_user, attachment: Attachment) -> None:
    """Delete an evidence file from an editable report (the file goes after the commit)."""
    report = _locked_report(attachment.report_id)
    _refuse_unless_editable(report)
    name = attachment.file.name
    audit.record(
        actor=acting_user,
        action="attachment.remove",
        obj=attachment,
        task=report.task,
        before={"report": report.pk, "name": attachment.original_name, "sha256": attachment.sha256},
    )
    attachment.delete()
    transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def submit_report(*, acting_user, report: ProgressReport, version: int) -> ProgressReport:
    """Send a draft (or a returned report, fixed) to the supervision office."""
    report = _locked_report(report.pk)
    _refuse_unless_editable(report)
    if report.version != version:
        raise StaleReportError(report)
    if not report.progress.strip():
        raise ValidationError(_("提交前请填写进展情况。"), code="progress_required")
    before = audit.snapshot(report, AUDIT_FIELDS)
    resubmission = report.status == ProgressReport.Status.RETURNED
    report.status = ProgressReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = acting_user
    report.version += 1
    report.save()
    audit.record(
        actor=acting_user,
        action="report.resubmit" if resubmission else "report.submit",
        obj=report,
        task=report.task,
        before=before,
        after=audit.snapshot(report, AUDIT_FIELDS),
    )
    _refresh_schedule_on_commit(report.task_id)
    return report


@transaction.atomic
def resubmit_report(*, acting_user, report: ProgressReport, version: int) -> ProgressReport:
    """Send a returned report back to the office after fixing it."""
    if ProgressReport.objects.get(pk=report.pk).status != ProgressReport.Status.RETURNED:
        raise ValidationError(_("只有被退回的报告才能重新报送。"), code="not_returned")
    return submit_report(acting_user=acting_user, report=report, version=version)


def _review(*, acting_user, report, status, comment, action) -> ProgressReport:
    report = _locked_report(report.pk)
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError(_("只能审核已报送的报告。"), code="not_submitted")
    if report.period.is_closed:
        raise ValidationError(_("该报送周期已关闭，请先重新开放。"), code="locked")
    before = audit.snapshot(report, AUDIT_FIELDS)
    report.status = status
    report.review_comment = comment
    report.reviewed_at = timezone.now()
    report.reviewed_by = acting_user
    report.version += 1
    report.save()
    audit.record(
        actor=acting_user,
        action=action,
        obj=report,
        task=report.task,
        before=before,
        after=audit.snapshot(report, AUDIT_FIELDS),
    )
    _refresh_schedule_on_commit(report.task_id)
    return report


@transaction.atomic
def return_report(*, acting_user, report: ProgressReport, comment: str) -> ProgressReport:
    """Send a submitted report back to its unit with the office's comment (退回)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("退回时请填写审核意见。"), code="comment_required")
    return _review(
        acting_user=acting_user,
        report=report,
        status=ProgressReport.Status.RETURNED,
        comment=comment,
        action="report.return",
    )


@transaction.atomic
def accept_report(*, acting_user, report: ProgressReport, comment: str = "") -> ProgressReport:
    """Accept a submitted report; it is locked from then on."""
    return _review(
        acting_user=acting_user,
        report=report,
        status=ProgressReport.Status.ACCEPTED,
        comment=(comment or "").strip(),
        action="report.accept",
    )
