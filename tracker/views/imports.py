"""Import flow for the supervision office: upload or paste → preview → fix → confirm → progress."""

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tasks_import.result import ParsedTask
from tasks_import.saving import ImportOverrides, live_registry, role_override_key
from tracker.access import is_supervisor
from tracker.models import Assignment, ImportBatch, Unit, UnitGroup
from tracker.services import imports as import_services


class ImportForm(forms.Form):
    # Empty files pass the field so the decoder's own message explains the problem.
    file = forms.FileField(
        label=gettext_lazy("公报文本文件（.txt / .md）"), required=False, allow_empty_file=True
    )
    text = forms.CharField(
        label=gettext_lazy("或粘贴文本"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload is None and not text:
            raise ValidationError(_("请上传文件或粘贴文本。"))
        if upload and upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("文件过大（%(size)d KB），上限为 %(limit)d MB。")
                % {"size": upload.size // 1024, "limit": settings.IMPORT_MAX_BYTES // 1024 // 1024}
            )
        if upload and not upload.name.lower().endswith((".txt", ".md", ".text")):
            raise ValidationError(_("只支持 .txt 或 .md 文本文件。"))
        return data


def get_import_batch_for_user(user, pk: int) -> ImportBatch:
    """Imports belong to the supervision office."""
    if not is_supervisor(user):
        raise PermissionDenied
    try:
        return ImportBatch.objects.get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


def require_supervisor(user) -> None:
    if not is_supervisor(user):
        raise PermissionDenied


@login_required
def import_start(request):
    require_supervisor(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        data = upload.read() if upload else form.cleaned_data["text"]
        name = upload.name if upload else _("粘贴文本")
        try:
            batch = import_services.create_import_batch(
                acting_user=request.user, data=data, source_name=name
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("import_preview", batch.pk)
    batches = ImportBatch.objects.select_related("created_by").defer("source_text")[:20]
    return render(request, "imports/start.html", {"form": form, "batches": batches})


@dataclass
class UnitRow:
    name: str
    role: str
    role_field: str
    canonical: str | None
    known: bool
    separately: bool
    inferred: bool


@dataclass
class TaskRow:
    task: ParsedTask
    units: list[UnitRow]
    officials: list[tuple[str, bool]]  # (name as written, known to the registry)
    source: str
    warnings: list[str] = field(default_factory=list)


def build_preview(batch: ImportBatch):
    """The parse of a batch as rows for the preview page (and the list of unknown names)."""
    result = import_services.parse_for_import(batch.source_text, batch.source_name)
    registry = live_registry()
    overrides = ImportOverrides.from_json(batch.overrides)
    lines = batch.source_text.splitlines()
    unknown: dict[str, int] = {}
    documents = []
    for d_index, document in enumerate(result.documents):
        local = registry.for_place(document.place)
        warnings_by_line: dict[int, list[str]] = {}
        for warning in result.warnings:
            if warning.doc_number == document.doc_number and warning.line:
                warnings_by_line.setdefault(warning.line, []).append(warning.message)
        rows = []
        for t_index, task in enumerate(document.tasks):
            start, end = task.source_lines
            unit_rows = []
            for u_index, ref in enumerate(task.units):
                canonical = local.canonical_name(ref.name, on=document.signed_on)
                if canonical is None and ref.name not in overrides.units:
                    unknown[ref.name] = unknown.get(ref.name, 0) + 1
                key = role_override_key(document.doc_number, task.number, u_index)
                unit_rows.append(
                    UnitRow(
                        name=ref.name,
                        role=overrides.roles.get(key, ref.role),
                        role_field=f"role-{d_index}-{t_index}-{u_index}",
                        canonical=canonical,
                        known=canonical is not None or ref.name in overrides.units,
                        separately=ref.separately,
                        inferred=ref.inferred,
                    )
                )
            task_warnings = [
                m for line in range(start, end + 1) for m in warnings_by_line.get(line, [])
            ]
            officials = [
                (name, local.resolve_official(name, on=document.signed_on) is not None)
                for name in task.lead_officials
            ]
            # A parent spans its children's lines; its own heading line is what it adds.
            last = end if task.leaf else min(end, start)
            source = "\n".join(lines[max(start - 1, 0) : last])
            rows.append(TaskRow(task, unit_rows, officials, source, task_warnings))
        documents.append(
            {"document": document, "rows": rows, "leaf_count": len(document.leaf_tasks)}
        )
    return result, documents, unknown


@login_required
def import_preview(request, pk):
    batch = get_import_batch_for_user(request.user, pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        return redirect("import_progress", batch.pk)
    try:
        result, documents, unknown = build_preview(batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("import_start")
    if request.method == "POST":
        overrides = _overrides_from_post(request.POST, result, unknown, batch)
        try:
            import_services.update_import_overrides(
                acting_user=request.user, batch=batch, overrides=overrides
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("修正已保存。"))
        return redirect("import_preview", batch.pk)
    context = {
        "batch": batch,
        "documents": documents,
        "warnings": result.warnings,
        "unknown": sorted(unknown.items(), key=lambda item: -item[1]),
        "unit_choices": Unit.objects.filter(dissolved_on__isnull=True).only("pk", "name"),
        "group_choices": UnitGroup.objects.only("pk", "name"),
        "role_choices": Assignment.Role.choices,
        "task_count": sum(d["leaf_count"] for d in documents),
        "mapped": ImportOverrides.from_json(batch.overrides).units,
    }
    return render(request, "imports/preview.html", context)


def _overrides_from_post(post, result, unknown, batch) -> dict:
    overrides = ImportOverrides.from_json(batch.overrides)
    for index, name in enumerate(sorted(unknown, key=lambda n: -unknown[n])):
        choice = post.get(f"unknown-{index}", "")
        if choice.startswith(("unit:", "group:")):
            overrides.units[name] = choice
    valid_roles = set(Assignment.Role.values)
    for d_index, document in enumerate(result.documents):
        for t_index, task in enumerate(document.tasks):
            for u_index, ref in enumerate(task.units):
                role = post.get(f"role-{d_index}-{t_index}-{u_index}")
                key = role_override_key(document.doc_number, task.number, u_index)
                if role in valid_roles and role != ref.role:
                    overrides.roles[key] = role
                elif role == ref.role:
                    overrides.roles.pop(key, None)
    return {"units": overrides.units, "roles": overrides.roles}


@login_required
@require_POST
def import_confirm(request, pk):
    batch = get_import_batch_for_user(request.user, pk)
    try:
        import_services.confirm_import(acting_user=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("import_progress", batch.pk)


@login_required
def import_progress(request, pk):
    batch = get_import_batch_for_user(request.user, pk)
    running = batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)
    return render(request, "imports/progress.html", {"batch": batch, "running": running})


@login_required
def import_status(request, pk):
    batch = get_import_batch_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_display": batch.get_status_display(),
            "done": batch.progress_done,
            "total": batch.progress_total,
            "percent": batch.percent_done,
            "error": batch.error,
        }
    )


urlpatterns = [
    path("imports/", import_start, name="import_start"),
    path("imports/<int:pk>/", import_preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", import_confirm, name="import_confirm"),
    path("imports/<int:pk>/progress/", import_progress, name="import_progress"),
    path("imports/<int:pk>/status.json", import_status, name="import_status"),
]
