"""The office opens a plan imported from the seeds, reads its responsibility matrix, and
follows a renamed unit to its portfolio; screenshots are kept in test-artifacts/."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.management import call_command

from tests import factories
from tests.browser.conftest import log_in, screenshot
from tracker.models import Document, Profile, TaskOfficial, Unit
from tracker.services.schedule import refresh_task_schedules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = settings.BASE_DIR / "fixtures" / "seeds"
TODAY = dt.date(2018, 9, 20)


@pytest.fixture
def seeded_city(db):
    """The registry and the 2018 and 2019 work-report plans, imported from the seeds."""
    call_command("load_registry", verbosity=0)
    call_command(
        "import_gazette",
        str(SEEDS / "000_0e6e99779d602d39.txt"),
        str(SEEDS / "002_919e3a96157a6362.txt"),
        verbosity=0,
    )
    refresh_task_schedules(today=TODAY)
    factories.make_period(2018, 1)
    factories.make_period(2018, 2)
    return Document.objects.get(doc_number="聊政发〔2018〕7号")


def test_it_shows_the_matrix_of_a_seed_plan_and_a_renamed_units_portfolio(page, seeded_city):
    plan = seeded_city
    factories.make_user("duchashi", role=Profile.Role.SUPERVISOR, display_name="督查室")
    log_in(page, "duchashi", factories.PASSWORD)

    page.goto("/plans/")
    page.get_by_role("link", name=plan.title).click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    assert page.get_by_role("heading", name=plan.title).is_visible()
    assert page.get_by_text("61 项任务").is_visible()
    matrix = page.locator("table.matrix")
    # Unit groups appear as their own columns, under their own heading.
    assert matrix.locator("thead tr.kinds th", has_text="单位组").count() == 1
    # Row 1 is led by 市发改委 (the 2018 name, now 市发展改革委): a lead mark in its column.
    first_row = matrix.locator("tbody tr.task").first
    assert first_row.locator("td.cell.role-lead").count() >= 1
    screenshot(page, "matrix-2018-7")

    # Sticky headers: scroll the matrix box down and right; the unit row stays on top.
    wrap = page.locator(".matrix-wrap")
    header = matrix.locator("thead tr.units th").first
    top_before = header.bounding_box()["y"]
    wrap.evaluate("el => { el.scrollTop = 900; el.scrollLeft = 600; }")
    assert abs(header.bounding_box()["y"] - top_before) < 2
    assert matrix.locator("th.rowhead").first.bounding_box()["x"] == pytest.approx(
        wrap.bounding_box()["x"] + 1, abs=2
    )
    wrap.evaluate("el => { el.scrollTop = 0; el.scrollLeft = 0; }")

    # Sections collapse with a checkbox (keyboard: focus and Space), no script needed.
    section = matrix.locator("tbody").nth(1)
    rows = section.locator("tr.task")
    assert rows.first.is_visible()
    section.get_by_label("收起").focus()
    page.keyboard.press("Space")
    assert not rows.first.is_visible()
    screenshot(page, "matrix-2018-7-collapsed")

    # The old name's column links to the unit; its portfolio includes the successor's tasks.
    old = Unit.objects.get(short_name="市发改委")
    page.goto(f"/units/{old.pk}/")
    assert page.get_by_role("heading", name=re.compile("任务一览")).is_visible()
    assert page.get_by_text("含更名前后的单位").is_visible()
    # Charts are drawn by Chart.js, and their numbers stay in tables for screen readers.
    page.wait_for_selector("figure.chart.chart-drawn canvas")
    assert page.locator("figure.chart.chart-drawn").count() == 2
    assert page.get_by_role("table", name="按角色和亮灯统计的任务数（数据表）").count() == 1
    assert page.locator("table.task-table tbody tr").count() > 1
    screenshot(page, "portfolio-unit-fagaiwei")

    # The portfolio of the official who leads the plan's first task.
    official = TaskOfficial.objects.filter(task__document=plan).order_by("task__order").first()
    page.goto(f"/officials/{official.official_id}/")
    assert page.get_by_role("heading", name=re.compile("牵头任务一览")).is_visible()
    page.wait_for_selector("figure.chart.chart-drawn canvas")
    screenshot(page, "portfolio-official")


def test_it_filters_the_task_list_by_a_renamed_unit_across_both_plans(page, seeded_city):
    factories.make_user("duchashi", role=Profile.Role.SUPERVISOR)
    log_in(page, "duchashi", factories.PASSWORD)
    new = Unit.objects.get(short_name="市发展改革委")
    page.goto("/tasks/")
    # A person types part of the name; the matches arrive in the select beside the box.
    page.get_by_label("按名称查找责任单位").fill("发展改革委")
    unit_select = page.get_by_label("责任单位（含更名前后）")
    unit_select.locator(f"option[value='{new.pk}']").wait_for(state="attached")
    unit_select.select_option(str(new.pk))
    page.get_by_label("年度").select_option("2018")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"unit="))
    # 2018 tasks were assigned to 市发改委, which 市发展改革委 succeeded.
    assert page.locator("table.task-table tbody tr").count() > 0
    assert page.locator("table.task-table").get_by_role("link", name="市发改委").count() > 0
    screenshot(page, "task-list-renamed-unit")
