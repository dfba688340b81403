"""The supervision office uploads a seed gazette, reviews the preview, fixes a role, confirms."""

from pathlib import Path

import pytest
from django.conf import settings

from tests import factories
from tests.browser.conftest import log_in, screenshot
from tracker.models import Assignment, Profile, Task
from tracker.services.registry import load_registry, read_registry_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "000_0e6e99779d602d39.txt"


def test_it_uploads_previews_fixes_and_confirms_a_seed(page, eager_celery):
    load_registry(acting_user=None, data=read_registry_file())
    factories.make_user("office", role=Profile.Role.SUPERVISOR, display_name="督查室")
    log_in(page, "office", factories.PASSWORD)

    page.get_by_role("link", name="导入公报").click()
    page.get_by_label("公报文本文件（.txt / .md）").set_input_files(str(SEED))
    page.get_by_role("button", name="解析并预览").click()

    page.wait_for_url("**/imports/*/")
    assert page.get_by_role("heading", name="聊政发〔2018〕7号", exact=False).first.is_visible()
    assert page.get_by_text("牵头领导：郭建民").first.is_visible()
    screenshot(page, "import-preview", full_page=False)

    # Task 一.1's second unit (市财政局, cooperating) is made a lead before saving.
    role_select = page.locator("select[name^='role-0-1-1']")
    assert role_select.input_value() == "cooperating"
    role_select.select_option("lead")
    page.get_by_role("button", name="保存修正").click()
    assert page.get_by_text("修正已保存。").is_visible()

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/progress/")
    assert page.get_by_role("status").inner_text().startswith("已完成")
    screenshot(page, "import-done")

    task = Task.objects.get(document__doc_number="聊政发〔2018〕7号", number="一.1")
    assert task.assignments.get(written_name="市财政局").role == Assignment.Role.LEAD
    assert Task.objects.filter(document__doc_number="聊政发〔2018〕7号", is_leaf=True).count() == 61
