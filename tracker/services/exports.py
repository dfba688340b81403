"""Export jobs and progress uploads: each state change one function, audited.

- request_export → a queued ExportJob, run by a Celery job after the commit;
- run_export_job → builds the file (claimed with a conditional UPDATE, so running it
  twice builds it once), with progress, and sets the link's expiry;
- purge_expired_exports → deletes expired files (hourly, by beat);
- check_progress_upload → a PENDING ProgressUpload holding the valid rows and the errors;
- apply_progress_upload → saves the valid rows through the reporting services, all or
  nothing, once; discard_progress_upload drops it.
"""

import datetime as dt
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tracker import audit
from tracker.access import is_clerk, member_unit_ids
from tracker.exports.catalog import build_export
from tracker.models import (
    Assignment,
    ExportJob,
    ProgressReport,
    ProgressUpload,
    ReportingPeriod,
    Task,
    Unit,
)
from tracker.services.reporting import save_and_submit_report, save_report_draft
from tracker.spreadsheet_upload import (
    CellError,
    UploadRefused,
    cell_error,
    read_progress_workbook,
    validate_row_values,
)

logger = logging.getLogger(__name__)
EDITABLE_STATUSES = (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)


# --- export jobs ---------------------------------------------------------------------------


@transaction.atomic
def request_export(*, acting_user, kind: str, params: dict, filename: str, total: int) -> ExportJob:
    """Queue a big export; the job starts after the commit."""
    job = ExportJob.objects.create(
        owner=acting_user,
        kind=kind,
        params=params,
        filename=filename,
        progress_total=total,
    )
    audit.record(
        actor=acting_user,
        action="export.request",
        obj=job,
        after={"kind": kind, "params": params, "total": total},
    )
    from tracker.jobs.exports import run_export_job_task

    transaction.on_commit(lambda: run_export_job_task.delay(job.pk))
    return job


def run_export_job(job_id: int) -> None:
    """Build a queued job's file. Idempotent: only the run that claims the job builds it."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=now
    )
    if not claimed:
        return
    job = ExportJob.objects.select_related("owner__profile").get(pk=job_id)
    language = getattr(getattr(job.owner, "profile", None), "language", settings.LANGUAGE_CODE)

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(
            progress_done=min(done, job.progress_total),
        )

    try:
        with (
            tempfile.TemporaryDirectory(prefix="duban-export-") as tmp,
            translation.override(language),
        ):
            path = Path(tmp) / "export.xlsx"
            build_export(
                job.kind,
                job.owner,
                job.params,
                path,
                today=timezone.localdate(),
                on_progress=progress,
                tmpdir=tmp,
            )
            size = path.stat().st_size
            with path.open("rb") as handle:
                job.file.save(f"{job.kind}.xlsx", File(handle), save=False)
    except Exception as error:  # the job records the failure; the worker stays up
        logger.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED,
            error=_("导出失败（%(error)s），请稍后重试；仍失败请联系督查室。")
            % {"error": type(error).__name__},
            finished_at=timezone.now(),
        )
        return
    finished = timezone.now()
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE,
        file=job.file.name,
        size=size,
        progress_done=job.progress_total,
        finished_at=finished,
        expires_at=finished + dt.timedelta(hours=settings.EXPORT_LINK_HOURS),
    )


@transaction.atomic
def purge_expired_exports(*, now: dt.datetime | None = None) -> int:
    """Delete the files of expired exports (after the commit) and mark the jobs expired."""
    now = now or timezone.now()
    expired = list(
        ExportJob.objects.select_for_update()
        .filter(status=ExportJob.Status.DONE, expires_at__lte=now)
        .only("pk", "file")
    )
    if not expired:
        return 0
    names = [job.file.name for job in expired if job.file]
    ExportJob.objects.filter(pk__in=[job.pk for job in expired]).update(
        status=ExportJob.Status.EXPIRED, file=""
    )
    audit.record(
        actor=None,
        action="export.purge",
        obj=None,
        label=_("过期导出文件%(count)d个") % {"count": len(expired)},
        after={"jobs": [job.pk for job in expired]},
    )

    def delete_files():
        storage = ExportJob._meta.get_field("file").storage
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return len(expired)


# --- progress by spreadsheet ---------------------------------------------------------------


def template_tasks(unit: Unit, period: ReportingPeriod):
    """The leaf tasks a unit reports on in a period: assigned directly or through a group,
    in plans of the period's cadence."""
    return (
        Task.objects.filter(is_leaf=True, document__reporting_cadence=period.cadence)
        .filter(
            Q(pk__in=Assignment.objects.filter(unit=unit).values("task_id"))
            | Q(pk__in=Assignment.objects.filter(group__members=unit).values("task_id"))
        )
        .order_by("document_id", "order", "pk")
    )


def may_report_for(user, unit: Unit) -> bool:
    """As in the web form: a clerk of the unit."""
    return is_clerk(user) and unit.pk in member_unit_ids(user)


@transaction.atomic
def check_progress_upload(*, acting_user, data: bytes, original_name: str) -> ProgressUpload:
    """Read and check an uploaded template; keep the valid rows and the errors.

    Saves no report. Raises ValidationError (one Chinese message) for a file that cannot
    be used at all: unreadable, hostile, not our template, another unit's or a closed period.
    """
    try:
        sheet = read_progress_workbook(data)
    except UploadRefused as refused:
        raise ValidationError(refused.message, code="refused") from None
    unit = Unit.objects.filter(pk=sheet.unit_id).first()
    period = ReportingPeriod.objects.filter(pk=sheet.period_id).first()
    if unit is None or period is None or not may_report_for(acting_user, unit):
        raise ValidationError(_("这不是您单位的填报模板，不能上传。"), code="not_yours")
    if period.is_closed:
        raise ValidationError(
            _("%(period)s已关闭，不能再填报。") % {"period": str(period)}, code="closed"
        )
    tasks = {task.pk: task for task in template_tasks(unit, period)}
    reports = {
        report.task_id: report
        for report in ProgressReport.objects.filter(unit=unit, period=period, task_id__in=tasks)
    }
    valid, errors = [], []
    seen: set[int] = set()
    for row in sheet.rows:
        row_errors: list[CellError] = []
        if row.task_id is None or row.task_id not in tasks:
            errors.append(
                CellError(row.row, "", "", _("该行的任务不在本单位本期的填报范围内，请勿增删行。"))
            )
            continue
        if row.task_id in seen:
            errors.append(CellError(row.row, "", "", _("该任务在表中重复出现。")))
            continue
        seen.add(row.task_id)
        for key in row.formulas:
            row_errors.append(cell_error(row.row, key, _("请直接填写内容，不要使用公式。")))
        report = reports.get(row.task_id)
        if not row_errors and _unchanged(row.values, report):
            continue  # a row the clerk did not touch
        if row_errors:
            errors.extend(row_errors)
            continue
        if report is not None and report.status not in EDITABLE_STATUSES:
            errors.append(
                CellError(
                    row.row,
                    "",
                    "",
                    _("该任务本期报告%(status)s，不能通过表格修改。")
                    % {"status": report.get_status_display()},
                )
            )
            continue
        current_version = report.version if report else 0
        if row.version != current_version:
            errors.append(
                CellError(
                    row.row,
                    "",
                    "",
                    _("该报告在下载模板后已被修改（现为第%(version)d版），请重新下载模板后再填。")
                    % {"version": current_version},
                )
            )
            continue
        cleaned, problems = validate_row_values(row.values, version=row.version)
        if problems:
            errors.extend(
                cell_error(row.row, key, message) if key else CellError(row.row, "", "", message)
                for key, message in problems
            )
            continue
        task = tasks[row.task_id]
        valid.append(
            {
                "row": row.row,
                "task_id": task.pk,
                "number": task.number,
                "text": task.text[:80],
                "version": row.version,
                "data": cleaned,
            }
        )
    upload = ProgressUpload.objects.create(
        uploaded_by=acting_user,
        unit=unit,
        period=period,
        original_name=original_name[:255],
        rows=valid,
        errors=[error.as_dict() for error in errors],
    )
    audit.record(
        actor=acting_user,
        action="progress_upload.check",
        obj=upload,
        after={"unit": unit.pk, "period": period.pk, "valid": len(valid), "errors": len(errors)},
    )
    return upload


def _unchanged(values: dict, report: ProgressReport | None) -> bool:
    from tracker.exports.template import PROGRESS_LABEL

    def text(value) -> str:
        return "" if value is None else str(value).strip()

    if report is None:
        return all(text(v) == "" for v in values.values())
    current = {
        "progress_status": str(PROGRESS_LABEL.get(report.progress_status, "")),
        "percent": str(report.percent),
        "progress": report.progress.strip(),
        "problems": report.problems.strip(),
        "coordination": report.coordination.strip(),
        "next_steps": report.next_steps.strip(),
    }
    uploaded = {key: text(value) for key, value in values.items()}
    if isinstance(values.get("percent"), float) and values["percent"].is_integer():
        uploaded["percent"] = str(int(values["percent"]))
    return uploaded == current


@transaction.atomic
def apply_progress_upload(*, acting_user, upload: ProgressUpload, submit: bool = False) -> int:
    """Save the upload's valid rows as the unit's reports (and submit them), all or nothing.

    Returns the number of reports saved. A second call finds the upload no longer pending
    and saves nothing.
    """
    if not may_report_for(acting_user, upload.unit):
        raise ValidationError(_("您不是该单位的联络员，不能保存。"), code="forbidden")
    claimed = ProgressUpload.objects.filter(
        pk=upload.pk, status=ProgressUpload.Status.PENDING
    ).update(status=ProgressUpload.Status.APPLIED, applied_at=timezone.now())
    if not claimed:
        raise ValidationError(_("该表格已处理过，不能重复保存。"), code="done")
    upload.refresh_from_db()
    tasks = Task.objects.in_bulk([row["task_id"] for row in upload.rows])
    save = save_and_submit_report if submit else save_report_draft
    for row in upload.rows:
        try:
            save(
                acting_user=acting_user,
                task=tasks[row["task_id"]],
                unit=upload.unit,
                period=upload.period,
                data=row["data"],
                version=row["version"],
            )
        except ValidationError as error:
            raise ValidationError(
                _("第%(row)d行：%(message)s")
                % {"row": row["row"], "message": " ".join(error.messages)},
                code="row",
            ) from None
    audit.record(
        actor=acting_user,
        action="progress_upload.apply",
        obj=upload,
        after={"reports": len(upload.rows), "submitted": submit},
    )
    return len(upload.rows)


@transaction.atomic
def discard_progress_upload(*, acting_user, upload: ProgressUpload) -> None:
    """Drop a pending upload without saving anything."""
    changed = ProgressUpload.objects.filter(
        pk=upload.pk, status=ProgressUpload.Status.PENDING
    ).update(status=ProgressUpload.Status.DISCARDED)
    if changed:
        audit.record(actor=acting_user, action="progress_upload.discard", obj=upload)
