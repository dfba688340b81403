"""Celery tasks of the exports area: thin, take ids, call a service."""

from celery import shared_task

from tracker.services.exports import purge_expired_exports, run_export_job


@shared_task(name="tracker.run_export_job")
def run_export_job_task(job_id: int) -> None:
    run_export_job(job_id)


@shared_task(name="tracker.purge_expired_exports")
def purge_expired_exports_task() -> int:
    return purge_expired_exports()
