"""The import flow: upload → preview → fix → confirm → progress; office only; bad input."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import requires_redis
from tracker.models import Assignment, AuditEntry, Document, ImportBatch, Task, Unit
from tracker.services import imports as import_services
from tracker.services.registry import load_registry, read_registry_file

SEED_2018 = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "000_0e6e99779d602d39.txt"
EXCERPT = (
    "一、重点任务\n"
    "1. 建设智慧城市平台。（牵头单位：市大数据中心甲；配合单位：市财政局）\n"
    "2. 完善考核办法，2018年12月底前完成。（牵头单位：市财政局）\n"
)


@pytest.fixture
def registry(db):
    load_registry(acting_user=None, data=read_registry_file())


@pytest.fixture
def office(client, supervisor, registry):
    client.force_login(supervisor)
    return client


def upload(client, data: bytes, name="gazette.txt"):
    return client.post(reverse("import_start"), {"file": SimpleUploadedFile(name, data)})


def test_it_previews_an_uploaded_seed_without_saving_tasks(office):
    response = upload(office, SEED_2018.read_bytes())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "import_preview", args=[batch.pk]
    )
    page = office.get(response["Location"]).content.decode()
    assert "聊政发〔2018〕7号" in page and "确认导入" in page
    assert "牵头领导：郭建民" in page
    assert Task.objects.count() == 0 and Document.objects.count() == 0


def test_it_shows_the_source_lines_beside_each_task(office):
    upload(office, SEED_2018.read_bytes())
    page = office.get(
        reverse("import_preview", args=[ImportBatch.objects.get().pk])
    ).content.decode()
    assert "108–110" in page  # task 一.1 of 聊政发〔2018〕7号 comes from lines 108–110


def test_it_confirms_and_runs_the_import_with_progress(
    office, eager_celery, django_capture_on_commit_callbacks
):
    upload(office, EXCERPT.encode())
    batch = ImportBatch.objects.get()
    with_fix = office.post(
        reverse("import_preview", args=[batch.pk]),
        {"unknown-0": f"unit:{Unit.objects.get(short_name='市财政局').pk}"},
    )
    assert with_fix.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(reverse("import_confirm", args=[batch.pk]))
    assert response["Location"] == reverse("import_progress", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.progress_done, batch.progress_total) == ("done", 1, 1)
    assert Assignment.objects.get(written_name="市大数据中心甲").unit.short_name == "市财政局"
    page = office.get(response["Location"]).content.decode()
    assert "已完成" in page and "新增" in page
    assert office.get(reverse("import_status", args=[batch.pk])).json()["percent"] == 100


def test_it_refuses_to_confirm_twice(office):
    upload(office, EXCERPT.encode())
    batch = ImportBatch.objects.get()
    import_services.confirm_import(acting_user=None, batch=batch)
    office.post(reverse("import_confirm", args=[batch.pk]))
    assert AuditEntry.objects.filter(action="import.confirm").count() == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "文件为空。 The file is empty."),
        (b"\x00\x01\x02binary" * 50, "scan.txt", "文件不是文本（含有空字节）。"),
        (
            "关于召开会议的通知\n请准时参加。\n".encode(),
            "notice.txt",
            "未在文本中识别出任何任务（需要带编号的条目和责任单位），未导入任何内容。",
        ),
        (b"PK\x03\x04", "plan.docx", "只支持 .txt 或 .md 文本文件。"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message_and_saves_nothing(office, data, name, message):
    response = upload(office, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists() and not Document.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(office, settings):
    settings.IMPORT_MAX_BYTES = 1024
    response = upload(office, "一、".encode() * 2000)
    assert "文件过大（11 KB），上限为 0 MB。" in response.content.decode()


def test_it_reads_a_gbk_upload(office):
    upload(office, SEED_2018.read_text(encoding="utf-8").encode("gbk", errors="replace"))
    assert ImportBatch.objects.get().source_text.count("聊政发〔2018〕7号") >= 1


def test_it_keeps_the_text_when_nothing_is_chosen_to_upload(office):
    response = office.post(reverse("import_start"), {"text": ""})
    assert "请上传文件或粘贴文本。" in response.content.decode()


@pytest.mark.parametrize("who", ["owner", "viewer"])
def test_it_keeps_imports_to_the_supervision_office(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("import_start")).status_code == 403
    batch = ImportBatch.objects.create(source_text=EXCERPT)
    assert client.get(reverse("import_preview", args=[batch.pk])).status_code == 403
    assert client.post(reverse("import_confirm", args=[batch.pk])).status_code == 403


def test_it_sends_anonymous_users_to_login(client):
    response = client.get(reverse("import_start"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@requires_redis
def test_it_runs_a_confirmed_import_on_a_real_worker(registry, celery_worker_process):
    batch = import_services.create_import_batch(
        acting_user=None, data=SEED_2018.read_bytes(), source_name="000.txt"
    )
    import_services.confirm_import(acting_user=None, batch=batch)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status in ("done", "failed"):
            break
        time.sleep(0.3)
    assert batch.status == "done", batch.error
    assert Task.objects.filter(document__doc_number="聊政发〔2018〕7号", is_leaf=True).count() == 61
