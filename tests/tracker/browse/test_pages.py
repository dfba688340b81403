"""The browse pages: who sees what, what they show, paging, and constant query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.tracker.browse.builders import build_city, build_plan
from tracker.models import Task

pytestmark = pytest.mark.django_db


def rows_of(response) -> int:
    return response.content.decode().count('<td class="task-text">')


# --- who sees what ------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_login_page(client, city):
    for url in ["/tasks/", "/plans/", f"/plans/{city.plan18.pk}/", f"/units/{city.czj.pk}/",
                f"/officials/{city.guo.pk}/", "/dashboard/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_the_office_and_a_viewer_every_task(client, city, supervisor, viewer):
    for user in (supervisor, viewer):
        client.force_login(user)
        assert rows_of(client.get("/tasks/")) == 6


def test_it_shows_a_clerk_only_their_units_tasks(client, city, outsider, owner):
    client.force_login(outsider)  # clerk of 市财政局
    assert rows_of(client.get("/tasks/")) == 4
    client.force_login(owner)  # clerk of a unit without tasks
    response = client.get("/tasks/")
    assert rows_of(response) == 0
    assert "没有符合条件的任务。" in response.content.decode()


def test_it_hides_a_plan_matrix_from_a_clerk_without_tasks_in_it(client, city, owner, outsider):
    client.force_login(owner)
    assert client.get(f"/plans/{city.plan18.pk}/").status_code == 404
    client.force_login(outsider)
    response = client.get(f"/plans/{city.plan18.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="task">') == 3  # t1, t2, t3 (not t4)


def test_it_hides_a_portfolio_with_nothing_the_clerk_may_read(client, city, owner, colleague):
    client.force_login(owner)
    assert client.get(f"/units/{city.guan.pk}/").status_code == 404
    assert client.get(f"/officials/{city.guo.pk}/").status_code == 404
    # A clerk always sees their own unit's page, even when it has no tasks yet.
    client.force_login(colleague)
    assert client.get(f"/units/{colleague.unit_memberships.get().unit_id}/").status_code == 200


def test_it_answers_404_for_unknown_objects(client, supervisor):
    client.force_login(supervisor)
    for url in ["/plans/999999/", "/units/999999/", "/officials/999999/"]:
        assert client.get(url).status_code == 404


# --- what the pages show -------------------------------------------------------------------


def test_it_keeps_filters_in_the_url_and_in_the_form(client, city, supervisor):
    client.force_login(supervisor)
    response = client.get("/tasks/", {"light": "red", "q": "营商环境", "unit": city.fgw_new.pk})
    html = response.content.decode()
    assert rows_of(response) == 2
    assert '<option value="red" selected>红灯</option>' in html
    assert 'name="q" value="营商环境"' in html
    assert f'<option value="{city.fgw_new.pk}" selected>市发展改革委</option>' in html


def test_it_offers_the_chosen_unit_and_plan_without_listing_them_all(client, city, supervisor):
    client.force_login(supervisor)
    html = client.get("/tasks/", {"plan": city.plan18.pk}).content.decode()
    assert f'<option value="{city.plan18.pk}" selected>聊政发〔2018〕7号' in html
    assert "市财政局" not in html.split('id="f-unit"')[1].split("</select>")[0]


def test_it_fills_the_unit_and_plan_controls_from_a_lookup(client, city, supervisor):
    client.force_login(supervisor)
    response = client.get("/tasks/", {"unit_find": "发改", "plan_find": "2019"})
    html = response.content.decode()
    assert f'<option value="{city.fgw_old.pk}">市发改委（已撤销）</option>' in html
    assert f'<option value="{city.plan19.pk}">聊政发〔2019〕5号' in html
    assert rows_of(response) == 6  # a lookup fills the controls, it does not filter


def select_of(html: str, control: str) -> str:
    return html.split(f'id="{control}"')[1].split("</select>")[0]


def test_it_offers_officials_periods_and_years_as_they_are_now(client, city, supervisor):
    # The option lists are compiled once and their markup is remembered by content
    # (tracker/views/browse.py): a new official, period or plan year shows at once.
    client.force_login(supervisor)
    before = client.get("/tasks/", {"official": city.guo.pk, "light": "purple"}).content.decode()
    assert f'<option value="{city.guo.pk}" selected>' in select_of(before, "f-official")
    assert " selected" not in select_of(before, "f-light")  # not a choice: nothing marked
    newcomer = factories.make_official("新领导", position="副市长")
    period = factories.make_period(2031, 2)
    factories.make_task(factories.make_document(year=2031), is_leaf=True)
    after = client.get("/tasks/").content.decode()
    assert f'<option value="{newcomer.pk}">新领导（副市长）</option>' in select_of(
        after, "f-official"
    )
    assert f'<option value="{period.pk}">2031年第2季度</option>' in select_of(after, "f-missing")
    assert '<option value="2031">2031</option>' in select_of(after, "f-year")
    assert " selected" not in select_of(after, "f-official")
    # Period labels are remembered per language too.
    english = client.get("/tasks/", headers={"accept-language": "en"}).content.decode()
    assert f'<option value="{period.pk}">Q2 2031</option>' in select_of(english, "f-missing")


def test_it_answers_the_lookup_script_with_json(client, city, supervisor):
    url = "/tasks/choices/units/"
    assert client.get(url, {"q": "冠县"}).status_code == 302  # login first
    client.force_login(supervisor)
    assert client.get(url, {"q": "冠县"}).json() == {
        "results": [{"value": city.guan.pk, "label": "冠县政府", "group": "县（市、区）政府"}]
    }
    assert client.get(url, {"q": ""}).json() == {"results": []}
    plans = client.get("/tasks/choices/plans/", {"q": "〔2018〕"}).json()["results"]
    assert [p["value"] for p in plans] == [city.plan18.pk]
    assert client.get("/tasks/choices/officials/", {"q": "郭"}).status_code == 404


def test_it_links_downloads_with_the_same_filters(client, city, supervisor):
    client.force_login(supervisor)
    html = client.get("/tasks/", {"light": "red", "after": "x", "page": "2"}).content.decode()
    assert 'href="/tasks/export/?light=red&amp;format=xlsx"' in html
    assert 'href="/tasks/export/?light=red&amp;format=csv"' in html


def test_it_reports_an_invalid_filter_instead_of_listing_everything(client, city, supervisor):
    client.force_login(supervisor)
    response = client.get("/tasks/", {"deadline_after": "2018-13-45"})
    assert rows_of(response) == 0
    assert "输入一个有效的日期。" in response.content.decode()


def test_it_draws_the_matrix_with_marks_groups_and_sections(client, city, supervisor):
    client.force_login(supervisor)
    html = client.get(f"/plans/{city.plan18.pk}/").content.decode()
    assert html.count('<tr class="task">') == 4
    assert html.count('class="collapse"') == 2  # sections 一 and 二
    assert ">单位组</th>" in html and ">各县（市、区）人民政府</th>" in html
    assert html.count(">牵★</td>") == 3  # t1, t2, t3 lead units consolidate
    assert html.count(">落</td>") == 1  # the county group implements t3
    assert 'title="聊城市发展计划委员会（现市发展改革委）"' in html  # the renamed unit


def test_it_filters_the_matrix_rows_with_the_task_filters(client, city, supervisor):
    client.force_login(supervisor)
    html = client.get(f"/plans/{city.plan18.pk}/", {"light": "red"}).content.decode()
    assert html.count('<tr class="task">') == 1
    assert "1 项任务" in html


def test_it_shows_a_renamed_units_portfolio_with_its_former_name(client, city, supervisor):
    client.force_login(supervisor)
    html = client.get(f"/units/{city.fgw_new.pk}/").content.decode()
    assert "含更名前后的单位：" in html and "聊城市发展计划委员会" in html
    assert "3 项任务" in html
    # The chart's numbers as a table: lead tasks red 2 (t1, t5); cooperating yellow 1 (t2).
    table = re.search(r"按角色和亮灯统计的任务数（数据表）.*?</table>", html, re.S).group(0)
    assert re.search(r"<th scope=\"row\">牵头</th><td class=\"num\">2</td>", table)
    assert re.search(
        r"<th scope=\"row\">配合</th><td class=\"num\">0</td><td class=\"num\">1</td>", table
    )


def test_it_shows_the_trend_of_a_units_reports_by_period(client, city, supervisor):
    client.force_login(supervisor)
    html = client.get(f"/units/{city.czj.pk}/").content.decode()
    table = re.search(r"各报送周期报送情况（数据表）.*?</table>", html, re.S).group(0)
    # 2018 Q1: 市财政局 leads t2 (draft) and t3 (returned) and cooperates on t1 → expected 3
    # (t4 is done and not 市财政局's): on time 0, late 0, returned 1, missing 2.
    assert (
        '<th scope="row">2018年第1季度</th><td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">2</td>'
        in table
    )


def test_it_shows_an_officials_portfolio(client, city, supervisor):
    client.force_login(supervisor)
    html = client.get(f"/officials/{city.guo.pk}/").content.decode()
    assert "郭建民：牵头任务一览" in html and "2 项任务" in html
    table = re.search(r"牵头单位的任务亮灯情况（数据表）.*?</table>", html, re.S).group(0)
    assert '<th scope="row">市发改委</th><td class="num">1</td>' in table


def test_it_shows_the_dashboard_for_a_period(client, city, supervisor):
    client.force_login(supervisor)
    html = client.get("/dashboard/", {"period": city.q1_2018.pk}).content.decode()
    # 2018 Q1 expects t1, t2, t3: t1 in (late: submitted 9 April, due 5 April), t3 returned.
    assert "应报 3" in html and "按时 0" in html and "逾期报送 1" in html
    assert "被退回 1" in html and "未报送 1" in html
    behind = re.search(r"进度最滞后的单位.*?</table>", html, re.S).group(0)
    assert behind.index("市财政局") < behind.index("市发改委")


def test_it_picks_the_latest_ended_period_by_default(client, city, supervisor):
    client.force_login(supervisor)
    html = client.get("/dashboard/").content.decode()
    assert f'<option value="{city.q1_2019.pk}" selected>2019年第1季度</option>' in html


# --- keyset paging ---------------------------------------------------------------------------


@pytest.fixture
def big_plan(db, settings):
    settings.BROWSE_PAGE_SIZE = 7
    city = build_city(units=30)
    build_plan(city, tasks=40, sections=4)
    build_plan(city, year=2019, doc_number="聊政发〔2019〕5号", tasks=23, sections=2)
    return city


@pytest.mark.parametrize("sort", ["plan", "deadline", "light"])
def test_it_walks_every_task_once_forwards_and_backwards(client, supervisor, big_plan, sort):
    client.force_login(supervisor)
    seen, pages, url = [], [], f"/tasks/?sort={sort}"
    while url:
        response = client.get(url)
        ids = [t["id"] for t in response.context_data["rows"]]
        pages.append(ids)
        seen += ids
        url = (
            response.context_data["pager"]["next"]
            and "/tasks/" + response.context_data["pager"]["next"]
        )
    assert len(seen) == len(set(seen)) == Task.objects.filter(is_leaf=True).count() == 63
    assert len(pages) == 9 and response.context_data["pager"]["number"] == 9
    # Back from the last page to the first, page by page.
    for expected in reversed(pages[:-1]):
        url = "/tasks/" + response.context_data["pager"]["previous"]
        response = client.get(url)
        assert [t["id"] for t in response.context_data["rows"]] == expected
    assert response.context_data["pager"]["previous"] is None


def test_it_sorts_by_plan_newest_first_in_printed_order(client, supervisor, big_plan):
    client.force_login(supervisor)
    rows = client.get("/tasks/").context_data["rows"]
    tasks = Task.objects.in_bulk([r["id"] for r in rows])
    assert [tasks[r["id"]].document.year for r in rows] == [2019] * 7
    assert [tasks[r["id"]].number for r in rows][:3] == ["一.1", "一.2", "一.3"]


def test_it_counts_up_to_the_cap_and_says_more_than(client, supervisor, big_plan, monkeypatch):
    from tracker.views import browse

    client.force_login(supervisor)
    pager = client.get("/tasks/", {"year": 2019}).context_data["pager"]
    assert (pager["total"], pager["pages"], pager["capped"]) == (23, 4, False)
    monkeypatch.setattr(browse, "COUNT_CAP", 20)
    pager = client.get("/tasks/").context_data["pager"]
    assert (pager["total"], pager["capped"]) == (21, True)  # counting stopped past the cap
    assert "超过 20 项" in client.get("/tasks/").content.decode()
    invalid = client.get("/tasks/", {"deadline_after": "2018-13-45"}).context_data["pager"]
    assert (invalid["total"], invalid["pages"]) == (0, 1)


def test_it_ignores_a_tampered_cursor(client, supervisor, big_plan):
    client.force_login(supervisor)
    first = [r["id"] for r in client.get("/tasks/").context_data["rows"]]
    for cursor in ["garbage", "WyJwbGFuIiwgWzFdXQ", "W10"]:
        assert [
            r["id"] for r in client.get(f"/tasks/?after={cursor}").context_data["rows"]
        ] == first


def test_it_shows_each_rows_units_officials_deadline_and_progress(client, supervisor):
    from tracker.models import Assignment

    task = factories.make_task(
        text="推进<老旧小区>改造。", deadline_text="长期坚持", reported_percent=40
    )
    second, first = factories.make_unit("市住建局"), factories.make_unit("市发改委")
    factories.assign(task, second, order=2)
    factories.assign(task, first, order=1)
    group = factories.make_group("各县（市、区）人民政府")
    Assignment.objects.create(
        task=task, group=group, written_name=group.name, role=Assignment.Role.IMPLEMENTING
    )
    Assignment.objects.create(
        task=task, written_name="市某&局", role=Assignment.Role.COOPERATING, order=3
    )
    factories.lead_official(task, factories.make_official("郭建民"))
    client.force_login(supervisor)
    [row] = client.get("/tasks/").context_data["rows"]
    assert row["leads"] == (
        f'<a href="/units/{first.pk}/">市发改委</a>、<a href="/units/{second.pk}/">市住建局</a>'
    )
    assert row["others"] == '<span class="unknown">市某&amp;局</span>、各县（市、区）人民政府'
    assert row["officials"].startswith('<a href="/officials/') and "郭建民</a>" in row["officials"]
    assert "推进&lt;老旧小区&gt;改造。" in row["html"]
    assert '<span class="muted">长期坚持</span>' in row["html"] and "40%" in row["html"]


def test_each_row_shows_its_own_units_on_every_kind_of_page(client, supervisor, settings):
    # The units and officials of a row come from subqueries compiled once
    # (selectors_browse._row_detail_sql), correlated on the outer task table: whatever the
    # filters (subqueries of their own), the sort and the direction of paging, a row must
    # show its own task's units and official.
    settings.BROWSE_PAGE_SIZE = 2
    official = factories.make_official("郭建民")
    expected = {}  # task id → (its lead unit's link, its official's name)
    for n in range(5):
        unit = factories.make_unit(f"市第{n}局")
        task = factories.make_task(text=f"任务{n}", order=n)
        factories.assign(task, unit)
        lead = official if n % 2 else factories.make_official(f"领导{n}")
        factories.lead_official(task, lead)
        expected[task.pk] = (f'<a href="/units/{unit.pk}/">市第{n}局</a>', lead.name)
    client.force_login(supervisor)
    seen = {}
    for query in ["?sort=deadline", f"?official={official.pk}", "?q=任务&sort=light"]:
        page = client.get("/tasks/" + query).context_data
        rows, pager = list(page["rows"]), page["pager"]
        while pager["next"]:
            page = client.get("/tasks/" + pager["next"]).context_data
            rows, pager = rows + list(page["rows"]), page["pager"]
        if pager["previous"]:  # back one page: the reversed query of a "before" cursor
            rows += list(client.get("/tasks/" + pager["previous"]).context_data["rows"])
        for row in rows:
            unit_link, official_name = expected[row["id"]]
            assert row["leads"] == unit_link, (query, row["id"])
            assert row["officials"].endswith(f">{official_name}</a>"), (query, row["id"])
            seen[row["id"]] = row["officials"]
    assert set(seen) == set(expected)


# --- constant query counts -----------------------------------------------------------------


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def two_sizes(db):
    """A small city, then the same pages after it grew five-fold."""

    def grow(tasks, n):
        city = build_city(units=20 if n == 0 else 0) if n == 0 else grow.city
        grow.city = city
        for k in range(tasks):
            build_plan(city, doc_number=f"聊政发〔2018〕{100 * n + k}号", tasks=12, sections=3)
        factories.make_period(2018, n + 1)

    return grow


PAGES = {
    "task list": lambda c: "/tasks/",
    "task list, filtered": lambda c: (
        f"/tasks/?unit={c['units']['市发改委'].pk}&role=lead&light=red&q=第&year=2018&sort=light&missing=1"
    ),
    "task list, page 2": None,
    "plan list": lambda c: "/plans/",
    "matrix": lambda c: "/plans/1/",
    "unit portfolio": lambda c: f"/units/{c['units']['市财政局'].pk}/",
    "official portfolio": lambda c: "/officials/1/",
    "dashboard": lambda c: "/dashboard/",
}


def test_it_runs_the_same_number_of_queries_whatever_the_rows(
    client, supervisor, two_sizes, settings
):
    settings.BROWSE_PAGE_SIZE = 10
    client.force_login(supervisor)
    two_sizes(1, 0)
    counts_small, filtered_small = _page_counts(client)
    two_sizes(5, 1)
    counts_big, filtered_big = _page_counts(client)
    # The filtered list really matched rows (an invalid filter would skip queries).
    assert (filtered_small, filtered_big) == (1, 6)
    assert counts_small == counts_big
    assert counts_big == EXPECTED_QUERIES


def _page_counts(client) -> tuple[dict, int]:
    from tracker.models import Document, Official, ReportingPeriod, Unit

    city = {"units": {u.short_name: u for u in Unit.objects.all()}}
    plan = Document.objects.order_by("pk").first()
    official = Official.objects.order_by("pk").first()
    period = ReportingPeriod.objects.order_by("pk").first()
    counts = {}
    for name, url in PAGES.items():
        if url is None:
            page_two = client.get("/tasks/").context_data["pager"]["next"]
            counts[name] = queries_for(client, "/tasks/" + page_two)
            continue
        target = (
            url(city)
            .replace("/plans/1/", f"/plans/{plan.pk}/")
            .replace("/officials/1/", f"/officials/{official.pk}/")
            .replace("missing=1", f"missing={period.pk}")
        )
        counts[name] = queries_for(client, target)
    filtered = client.get(
        PAGES["task list, filtered"](city).replace("missing=1", f"missing={period.pk}")
    )
    return counts, filtered.context_data["pager"]["total"]


# Session and user with profile (2), then each page's own: filter choices, count, rows, prefetches.
# The task list reads years, officials and periods for its controls (units and plans only
# when looked up); a unit filter reads the lineage's unit groups once.
EXPECTED_QUERIES = {
    "task list": 7,
    "task list, filtered": 10,
    "task list, page 2": 7,
    "plan list": 6,
    "matrix": 11,
    "unit portfolio": 10,
    "official portfolio": 9,
    "dashboard": 12,
}
