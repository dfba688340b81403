"""Celery task for confirmed imports."""

from celery import shared_task

from tracker.services.imports import run_import_batch


@shared_task(name="tracker.run_import_batch")
def run_import_batch_job(batch_id: int) -> None:
    run_import_batch(batch_id)
