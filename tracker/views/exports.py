"""Excel reports: download what I see, the ledger, the supervision workbook, export jobs,
and progress by spreadsheet (template download, upload, check, confirm).

Small exports are built in the request and downloaded directly; bigger ones become an
ExportJob run by Celery, with a progress page and a download link that expires.
"""

import os
import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.access import is_clerk, member_unit_ids, role_of
from tracker.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from tracker.exports.catalog import build_export, export_filename, export_tasks
from tracker.exports.task_list import iter_task_list_csv
from tracker.exports.template import TemplateRow, build_progress_template
from tracker.filters import task_filterset
from tracker.models import (
    Assignment,
    Document,
    ExportJob,
    Profile,
    ProgressReport,
    ProgressUpload,
    ReportingPeriod,
    Unit,
)
from tracker.services import exports as export_services
from tracker.services.periods import current_periods

FULL_VIEW_ROLES = (Profile.Role.SUPERVISOR, Profile.Role.VIEWER)


def sees_everything(user) -> bool:
    return role_of(user) in FULL_VIEW_ROLES


def get_export_job_for_user(user, pk: int) -> ExportJob:
    """An export belongs to the user who asked for it; anyone else gets 404."""
    try:
        return ExportJob.objects.get(pk=pk, owner=user)
    except ExportJob.DoesNotExist:
        raise Http404 from None


def get_progress_upload_for_user(user, pk: int) -> ProgressUpload:
    """An upload is seen by the clerk who uploaded it, while still a clerk of its unit."""
    try:
        upload = ProgressUpload.objects.select_related("unit", "period").get(
            pk=pk, uploaded_by=user
        )
    except ProgressUpload.DoesNotExist:
        raise Http404 from None
    if upload.unit_id not in member_unit_ids(user):
        raise Http404
    return upload


def _file_response(build, filename: str) -> FileResponse:
    """Build an xlsx into a temporary file and stream it; the file is gone once sent."""
    directory = tempfile.mkdtemp(prefix="duban-export-")
    target = Path(directory) / "export.xlsx"
    try:
        build(target, directory)
        handle = target.open("rb")
    finally:
        for leftover in Path(directory).iterdir():
            leftover.unlink()
        os.rmdir(directory)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def _export(request, kind: str, params: dict):
    """Download directly when small; otherwise queue a job and show its progress."""
    today = timezone.localdate()
    total = export_tasks(kind, request.user, params).count()
    filename = export_filename(kind, params, today)
    if total <= settings.EXPORT_SYNC_MAX_ROWS:
        return _file_response(
            lambda target, tmp: build_export(
                kind, request.user, params, target, today=today, tmpdir=tmp
            ),
            filename,
        )
    job = export_services.request_export(
        acting_user=request.user, kind=kind, params=params, filename=filename, total=total
    )
    return redirect("export_job", job.pk)


@login_required
def export_task_list(request):
    """Download what I see: the task list's FilterSet, as xlsx (styled) or csv."""
    file_format = request.GET.get("format", "xlsx")
    if file_format not in ("xlsx", "csv"):
        return HttpResponse(_("不支持的导出格式。"), status=400)
    query = request.GET.copy()
    query.pop("format", None)
    for name in ("after", "before", "page"):
        query.pop(name, None)  # paging is not filtering: export every matching row
    if file_format == "csv":
        tasks = task_filterset(request, query).qs
        response = StreamingHttpResponse(iter_task_list_csv(tasks), content_type=CSV_CONTENT_TYPE)
        filename = _("任务清单-%(date)s.csv") % {"date": timezone.localdate().strftime("%Y%m%d")}
        response.headers["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    return _export(request, ExportJob.Kind.TASK_LIST, {"query": query.urlencode()})


@login_required
def export_ledger(request, pk: int):
    """The plan's ledger, as far as the user may see the plan's tasks."""
    document = get_object_or_404(Document, pk=pk)
    params = {"document_id": document.pk}
    if (
        not sees_everything(request.user)
        and not export_tasks(ExportJob.Kind.LEDGER, request.user, params).exists()
    ):
        raise Http404
    return _export(request, ExportJob.Kind.LEDGER, params)


class SupervisionForm(forms.Form):
    period = forms.ModelChoiceField(
        label=gettext_lazy("报送周期"),
        queryset=ReportingPeriod.objects.all(),
        empty_label=None,
    )
    plans = forms.ModelMultipleChoiceField(
        label=gettext_lazy("文件（可多选）"),
        queryset=Document.objects.filter(tasks__is_leaf=True)
        .distinct()
        .order_by("-year", "doc_number"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        error_messages={"required": gettext_lazy("请至少选择一个文件。")},
    )
    variant = forms.ChoiceField(
        label=gettext_lazy("格式"),
        choices=[
            ("combined", gettext_lazy("汇总表（汇总、明细、缺报迟报）")),
            ("by_unit", gettext_lazy("分单位（每个单位一张明细表）")),
            ("by_official", gettext_lazy("分领导（每位牵头领导一张明细表）")),
        ],
        initial="combined",
        widget=forms.RadioSelect,
    )


@login_required
def export_supervision_workbook(request):
    """The quarterly 督查通报 workbook: the office and read-only viewers."""
    if not sees_everything(request.user):
        raise PermissionDenied
    initial = {}
    current = current_periods().get("quarterly")
    if current is not None:
        initial["period"] = current.pk
    form = SupervisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        params = {
            "period_id": form.cleaned_data["period"].pk,
            "document_ids": sorted(d.pk for d in form.cleaned_data["plans"]),
            "variant": form.cleaned_data["variant"],
        }
        return _export(request, ExportJob.Kind.SUPERVISION, params)
    return render(request, "exports/supervision.html", {"form": form})


@login_required
def export_job(request, pk: int):
    job = get_export_job_for_user(request.user, pk)
    expired = job.status == ExportJob.Status.EXPIRED or (
        job.expires_at is not None and job.expires_at <= timezone.now()
    )
    return render(request, "exports/job.html", {"job": job, "expired": expired})


@login_required
def export_job_download(request, pk: int):
    job = get_export_job_for_user(request.user, pk)
    if job.status == ExportJob.Status.EXPIRED or (
        job.expires_at is not None and job.expires_at <= timezone.now()
    ):
        return render(request, "exports/job.html", {"job": job, "expired": True}, status=410)
    if job.status != ExportJob.Status.DONE or not job.file:
        return redirect("export_job", job.pk)
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
def exports_home(request):
    """Excel reports in one place: what the user may export, and their recent exports."""
    jobs = ExportJob.objects.filter(owner=request.user)[:10]
    return render(
        request,
        "exports/home.html",
        {
            "jobs": jobs,
            "sees_everything": sees_everything(request.user),
            "is_clerk": is_clerk(request.user),
            "now": timezone.now(),
        },
    )


# --- progress by spreadsheet ----------------------------------------------------------------


class TemplateForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位"), queryset=Unit.objects.none(), empty_label=None
    )
    period = forms.ModelChoiceField(
        label=gettext_lazy("报送周期"), queryset=ReportingPeriod.objects.none(), empty_label=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=member_unit_ids(user))
        self.fields["period"].queryset = ReportingPeriod.objects.filter(
            closed_at__isnull=True, starts_on__lte=timezone.localdate()
        )


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("填好的进展表格（.xlsx）"))


def _require_clerk(user) -> None:
    if not is_clerk(user):
        raise PermissionDenied


@login_required
def progress_spreadsheet(request):
    """Download the template (GET with unit and period) or upload a filled one (POST)."""
    _require_clerk(request.user)
    current = current_periods().get("quarterly")
    initial = {"period": current.pk} if current and not current.is_closed else {}
    template_form = TemplateForm(request.GET or None, user=request.user, initial=initial)
    upload_form = UploadForm()
    if request.method == "POST":
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            if upload.size > settings.PROGRESS_UPLOAD_MAX_BYTES:
                upload_form.add_error(
                    "file",
                    _("文件过大（%(size)d KB），上限为 %(limit)d KB。")
                    % {
                        "size": upload.size // 1024,
                        "limit": settings.PROGRESS_UPLOAD_MAX_BYTES // 1024,
                    },
                )
            else:
                try:
                    checked = export_services.check_progress_upload(
                        acting_user=request.user, data=upload.read(), original_name=upload.name
                    )
                except ValidationError as error:
                    upload_form.add_error("file", error)
                else:
                    return redirect("progress_upload", checked.pk)
    elif request.GET and template_form.is_valid():
        unit = template_form.cleaned_data["unit"]
        period = template_form.cleaned_data["period"]
        return _template_response(unit, period)
    return render(
        request,
        "exports/progress_spreadsheet.html",
        {"template_form": template_form, "upload_form": upload_form},
    )


def _template_response(unit: Unit, period: ReportingPeriod) -> HttpResponse:
    tasks = list(
        export_services.template_tasks(unit, period).only(
            "pk", "number", "text", "deadline_on", "deadline_text"
        )
    )
    ids = [task.pk for task in tasks]
    reports = {
        r.task_id: r
        for r in ProgressReport.objects.filter(unit=unit, period=period, task_id__in=ids)
    }
    roles: dict[int, str] = {}
    labels = dict(Assignment.Role.choices)
    for task_id, role in (
        Assignment.objects.filter(task_id__in=ids)
        .filter(Q(unit=unit) | Q(group__members=unit))
        .order_by("task_id", "order")
        .values_list("task_id", "role")
    ):
        roles.setdefault(task_id, str(labels.get(role, role)))
    rows = []
    for task in tasks:
        if task.deadline_text:
            deadline = task.deadline_text
        elif task.deadline_on:
            deadline = (
                f"{task.deadline_on.year}年{task.deadline_on.month}月{task.deadline_on.day}日"
            )
        else:
            deadline = ""
        rows.append(
            TemplateRow(
                task_id=task.pk,
                number=task.number,
                text=task.text,
                role=roles.get(task.pk, ""),
                deadline=deadline,
                report=reports.get(task.pk),
            )
        )
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    build_progress_template(response, unit=unit, period=period, rows=rows)
    filename = _("进展填报-%(unit)s-%(period)s.xlsx") % {
        "unit": unit.short_name or unit.name,
        "period": str(period),
    }
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def progress_upload(request, pk: int):
    """The checked upload: errors per row and cell, the valid rows, and confirm / discard."""
    upload = get_progress_upload_for_user(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "discard":
            export_services.discard_progress_upload(acting_user=request.user, upload=upload)
            messages.info(request, _("已放弃本次上传，未保存任何内容。"))
            return redirect("progress_spreadsheet")
        if action in ("draft", "submit"):
            try:
                count = export_services.apply_progress_upload(
                    acting_user=request.user, upload=upload, submit=action == "submit"
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                if action == "submit":
                    messages.success(request, _("已保存并报送%(count)d条进展。") % {"count": count})
                else:
                    messages.success(request, _("已保存%(count)d条进展为草稿。") % {"count": count})
            return redirect("progress_upload", upload.pk)
    return render(request, "exports/progress_upload.html", {"upload": upload})


urlpatterns = [
    path("exports/", exports_home, name="exports_home"),
    path("tasks/export/", export_task_list, name="export_task_list"),
    path("plans/<int:pk>/ledger.xlsx", export_ledger, name="export_ledger"),
    path("exports/supervision/", export_supervision_workbook, name="export_supervision_workbook"),
    path("exports/jobs/<int:pk>/", export_job, name="export_job"),
    path("exports/jobs/<int:pk>/download/", export_job_download, name="export_job_download"),
    path("exports/progress/", progress_spreadsheet, name="progress_spreadsheet"),
    path("exports/progress/<int:pk>/", progress_upload, name="progress_upload"),
]
