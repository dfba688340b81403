"""Big exports run as Celery jobs with progress and an expiring link; small ones download."""

import datetime as dt
import time
from urllib.parse import unquote

import pytest
import time_machine
from django.urls import reverse

from tests import factories
from tests.tracker.exports.helpers import read_workbook
from tracker.models import AuditEntry, ExportJob
from tracker.services.exports import purge_expired_exports, run_export_job


def post_supervision(client, plan, variant="combined"):
    return client.post(
        reverse("export_supervision_workbook"),
        {"period": plan.period.pk, "plans": [plan.document.pk], "variant": variant},
    )


def test_it_downloads_a_small_workbook_directly(client, plan, supervisor):
    client.force_login(supervisor)
    response = post_supervision(client, plan)
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"]) == (
        "attachment; filename*=utf-8''督查通报-2018年第1季度-汇总-20180410.xlsx"
    )
    book = read_workbook(b"".join(response.streaming_content))
    assert book.sheetnames == ["汇总", "明细", "缺报迟报"]
    assert not ExportJob.objects.exists()


def test_it_shows_the_form_again_without_a_plan(client, plan, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("export_supervision_workbook"), {"period": plan.period.pk, "variant": "combined"}
    )
    assert "请至少选择一个文件。" in response.content.decode()


def test_it_keeps_the_supervision_workbook_for_the_office_and_viewers(client, plan, owner, viewer):
    client.force_login(owner)
    assert client.get(reverse("export_supervision_workbook")).status_code == 403
    client.force_login(viewer)
    assert client.get(reverse("export_supervision_workbook")).status_code == 200


def test_it_queues_a_big_export_and_audits_the_request(
    client, plan, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_supervision(client, plan, "by_unit")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("export_job", args=[job.pk])
    assert (job.status, job.progress_total, job.params["variant"]) == ("queued", 4, "by_unit")
    assert len(callbacks) == 1
    assert AuditEntry.objects.filter(action="export.request", object_id=str(job.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and 'http-equiv="refresh"' in page


def finished_ledger_job(plan, owner) -> ExportJob:
    job = ExportJob.objects.create(
        owner=owner,
        kind="ledger",
        params={"document_id": plan.document.pk},
        filename="台账.xlsx",
        progress_total=4,
    )
    run_export_job(job.pk)
    job.refresh_from_db()
    return job


def test_it_builds_a_job_once_even_when_run_twice(plan, supervisor):
    job = finished_ledger_job(plan, supervisor)
    first = (job.status, job.file.name, job.finished_at)
    run_export_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.file.name, job.finished_at) == first
    assert job.status == "done" and job.progress_done == 4 and job.size > 0
    assert job.expires_at == job.finished_at + dt.timedelta(hours=24)


def test_it_records_a_failed_job(plan, supervisor):
    job = ExportJob.objects.create(
        owner=supervisor,
        kind="supervision",
        params={"period_id": 999999, "document_ids": [plan.document.pk]},
        filename="x.xlsx",
        progress_total=1,
    )
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "导出失败（DoesNotExist），请稍后重试；仍失败请联系督查室。"


def test_it_expires_the_link_and_purges_the_file(
    client, plan, supervisor, outsider, django_capture_on_commit_callbacks
):
    job = finished_ledger_job(plan, supervisor)
    client.force_login(outsider)
    assert client.get(reverse("export_job_download", args=[job.pk])).status_code == 404
    client.force_login(supervisor)
    response = client.get(reverse("export_job_download", args=[job.pk]))
    assert response.status_code == 200
    assert read_workbook(b"".join(response.streaming_content)).sheetnames == ["台账"]
    storage = job.file.storage
    name = job.file.name
    with time_machine.travel(job.expires_at + dt.timedelta(seconds=1), tick=False):
        response = client.get(reverse("export_job_download", args=[job.pk]))
        assert response.status_code == 410
        assert "下载链接已过期，请重新导出。" in response.content.decode()
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_exports(now=job.expires_at) == 1
    job.refresh_from_db()
    assert job.status == "expired" and not job.file
    assert not storage.exists(name)  # deleted once the transaction committed


@pytest.mark.celery_worker
def test_it_runs_a_big_export_on_a_real_worker(
    transactional_db, celery_worker_process, client, settings
):
    from tracker.models import Assignment

    settings.EXPORT_SYNC_MAX_ROWS = 5
    supervisor = factories.make_user("bigboss", role="supervisor")
    unit = factories.make_unit("聊城市教育局", short_name="市教育局")
    document = factories.make_document("聊政发〔2019〕5号", year=2019, title="2019年分工方案")
    for index in range(12):
        task = factories.make_task(document, str(index + 1), text=f"第{index + 1}项任务。")
        factories.assign(task, unit, Assignment.Role.LEAD)
    client.force_login(supervisor)
    response = client.get(reverse("export_ledger", args=[document.pk]))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("export_job", args=[job.pk])
    for _attempt in range(120):
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            break
        time.sleep(0.5)
    assert job.status == "done", job.error
    assert job.progress_done == job.progress_total == 12
    page = client.get(reverse("export_job", args=[job.pk])).content.decode()
    assert "链接有效期至" in page
    response = client.get(reverse("export_job_download", args=[job.pk]))
    sheet = read_workbook(b"".join(response.streaming_content))["台账"]
    assert [r[1] for r in sheet.iter_rows(min_row=5, values_only=True)] == [
        f"第{index + 1}项任务。" for index in range(12)
    ]


def test_it_lists_only_the_users_own_exports(client, plan, supervisor, viewer, owner):
    ExportJob.objects.create(
        owner=supervisor,
        kind="ledger",
        filename="督办台账.xlsx",
        params={"document_id": plan.document.pk},
    )
    client.force_login(viewer)
    page = client.get(reverse("exports_home")).content.decode()
    assert "督办台账.xlsx" not in page and "暂无导出记录。" in page
    assert reverse("export_supervision_workbook") in page
    client.force_login(supervisor)
    assert "督办台账.xlsx" in client.get(reverse("exports_home")).content.decode()
    client.force_login(owner)
    page = client.get(reverse("exports_home")).content.decode()
    assert reverse("progress_spreadsheet") in page
    assert reverse("export_supervision_workbook") not in page
