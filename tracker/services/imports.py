"""Importing gazette text: preview (nothing saved but the batch), confirm, run with progress."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks_import import parse_text
from tasks_import.decoding import InputError, decode_bytes
from tasks_import.result import ParseResult
from tasks_import.saving import ImportOverrides, save_parse_result
from tracker import audit
from tracker.models import ImportBatch


def read_import_text(data: bytes | str) -> str:
    """Decode uploaded bytes (UTF-8, UTF-16, GB18030/GBK) or take pasted text as is."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        return decode_bytes(data)
    except InputError as error:
        raise ValidationError(str(error)) from error


def parse_for_import(text: str, source_name: str = "") -> ParseResult:
    """Parse and insist on at least one task: a text without tasks is not imported."""
    result = parse_text(text, source_name=source_name or None)
    if not any(document.leaf_tasks for document in result.documents):
        raise ValidationError(
            _("未在文本中识别出任何任务（需要带编号的条目和责任单位），未导入任何内容。")
        )
    return result


@transaction.atomic
def create_import_batch(*, acting_user, data: bytes | str, source_name: str = "") -> ImportBatch:
    """Keep the text for preview; nothing enters the matrix until the clerk confirms."""
    text = read_import_text(data)
    result = parse_for_import(text, source_name)
    batch = ImportBatch.objects.create(
        created_by=acting_user,
        source_name=source_name[:255],
        source_text=text,
        progress_total=len(result.documents),
    )
    audit.record(
        actor=acting_user,
        action="import.preview",
        obj=batch,
        after={"source_name": source_name, "documents": len(result.documents)},
    )
    return batch


@transaction.atomic
def update_import_overrides(*, acting_user, batch: ImportBatch, overrides: dict) -> ImportBatch:
    """Record the clerk's fixes (unknown unit → unit or group; role of one assignment)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(_("该批次已确认导入，不能再修改。"))
    before = batch.overrides
    batch.overrides = ImportOverrides.from_json(overrides).__dict__
    batch.save(update_fields=["overrides"])
    audit.record(
        actor=acting_user,
        action="import.overrides",
        obj=batch,
        before=before,
        after=batch.overrides,
    )
    return batch


@transaction.atomic
def confirm_import(*, acting_user, batch: ImportBatch) -> ImportBatch:
    """Queue the import; the worker saves it document by document, reporting progress."""
    from tracker.jobs.imports import run_import_batch_job

    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
        status=ImportBatch.Status.QUEUED
    )
    if not claimed:
        raise ValidationError(_("该批次已确认导入，请勿重复提交。"))
    batch.refresh_from_db()
    audit.record(actor=acting_user, action="import.confirm", obj=batch)
    transaction.on_commit(lambda: run_import_batch_job.delay(batch.pk))
    return batch


def run_import_batch(batch_id: int) -> ImportBatch | None:
    """Save a confirmed batch. Safe to run twice: only a queued batch is claimed."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
        status=ImportBatch.Status.RUNNING, progress_done=0
    )
    if not claimed:
        return None
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)

    def report_progress(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(progress_done=done, progress_total=total)

    try:
        result = parse_for_import(batch.source_text, batch.source_name)
        changes = save_parse_result(
            result,
            acting_user=batch.created_by,
            source_name=batch.source_name,
            overrides=ImportOverrides.from_json(batch.overrides),
            on_progress=report_progress,
            original_text=batch.source_text,
        )
    except Exception as error:
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.DONE,
        summary={"documents": [change.to_json() for change in changes]},
        finished_at=timezone.now(),
    )
    batch.refresh_from_db()
    return batch
