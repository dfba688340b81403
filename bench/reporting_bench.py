"""Reporting pages benchmark: "My work" and the review queue at two sizes, on PostgreSQL.

Fills a fresh database with one clerk's unit leading TASKS tasks (plus a small run of 100
to compare), half of them with a report in the current quarter, and times the two pages
through Django's test client (full request: middleware, view, template). Baseline measured
in the same run: the bare SQL of My work's main query (assignments with their tasks and
documents), so the page time can be judged against the database work it cannot avoid.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/duban_bench_reporting \
       .venv/bin/python bench/reporting_bench.py [--tasks 5000] [--runs 30]
Last line: RESULT tasks=… mywork_p95_ms=… mywork_small_p95_ms=… mywork_queries=…
           mywork_small_queries=… mywork_sql_ms=… mywork_over_sql=… review_p95_ms=…
           review_queries=…
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import fresh_django

fresh_django("postgres://postgres@127.0.0.1:5432/duban_bench_reporting")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from tracker.models import (  # noqa: E402
    Assignment,
    Document,
    Profile,
    ProgressReport,
    Task,
    Unit,
)
from tracker.services.accounts import create_account  # noqa: E402
from tracker.services.periods import create_year_periods, current_periods  # noqa: E402

STATUSES = ["draft", "submitted", "returned", "accepted"]


def build(tasks: int, prefix: str):
    """A unit with its clerk leading `tasks` tasks, half reported on this quarter."""
    unit = Unit.objects.create(name=f"{prefix}牵头单位", code=f"{prefix}-lead")
    helpers = Unit.objects.bulk_create(
        Unit(name=f"{prefix}配合单位{n}", code=f"{prefix}-coop-{n}") for n in range(20)
    )
    clerk = create_account(
        acting_user=None,
        username=f"{prefix}-clerk",
        email="",
        role=Profile.Role.CLERK,
        password=None,
        units=(unit,),
    )
    period = current_periods()["quarterly"]
    rows = []
    for d in range(10):
        document = Document.objects.create(
            doc_number=f"{prefix}〔2026〕{d}号", title=f"方案{d}", year=period.year
        )
        rows += Task.objects.bulk_create(
            Task(document=document, number=f"{n}", text=f"任务{d}-{n}", order=n)
            for n in range(tasks // 10)
        )
    Assignment.objects.bulk_create(
        [
            Assignment(task=t, unit=unit, written_name="牵头", role="lead", consolidates=True)
            for t in rows
        ]
        + [
            Assignment(task=t, unit=helpers[i % 20], written_name="配合", role="cooperating")
            for i, t in enumerate(rows)
        ]
    )
    now = timezone.now()
    ProgressReport.objects.bulk_create(
        ProgressReport(
            task=t,
            unit=unit,
            period=period,
            is_consolidated=True,
            status=STATUSES[i % 4],
            progress="进展" * 40,
            percent=50,
            review_comment="请补充。" if STATUSES[i % 4] == "returned" else "",
            submitted_at=now,
            submitted_by=clerk,
        )
        for i, t in enumerate(rows[: len(rows) // 2])
    )
    return clerk


def timed(client, url, runs):
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries.captured_queries)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], count


def bare_sql_ms(clerk, runs) -> float:
    """The main My work query, as SQL, run straight on the cursor (the page's floor)."""
    unit_ids = list(clerk.unit_memberships.values_list("unit_id", flat=True))
    query = Assignment.objects.filter(unit_id__in=unit_ids, task__is_leaf=True).select_related(
        "task__document"
    )
    sql, params = query.query.sql_with_params()
    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    create_year_periods(acting_user=None, year=today.year)
    small = build(100, "S")
    large = build(args.tasks, "L")
    office = create_account(
        acting_user=None, username="office", email="", role=Profile.Role.SUPERVISOR, password=None
    )
    connection.cursor().execute("ANALYZE")
    client = Client(HTTP_HOST="localhost")
    client.force_login(small)
    s50, s95, s_queries = timed(client, reverse("my_work"), args.runs)
    client.force_login(large)
    l50, l95, l_queries = timed(client, reverse("my_work"), args.runs)
    sql95 = bare_sql_ms(large, args.runs)
    client.force_login(office)
    r50, r95, r_queries = timed(client, reverse("review_queue"), args.runs)
    print(f"My work, 100 tasks:  p50 {s50:.1f} ms, p95 {s95:.1f} ms, {s_queries} queries")
    print(f"My work, {args.tasks} tasks: p50 {l50:.1f} ms, p95 {l95:.1f} ms, {l_queries} queries")
    print(f"  bare SQL of its main query: p95 {sql95:.1f} ms")
    print(
        f"Review queue (page 1 of {ProgressReport.objects.filter(status='submitted').count()} "
        f"submitted): p50 {r50:.1f} ms, p95 {r95:.1f} ms, {r_queries} queries"
    )
    print(
        f"RESULT tasks={args.tasks} mywork_p95_ms={l95:.1f} mywork_small_p95_ms={s95:.1f} "
        f"mywork_queries={l_queries} mywork_small_queries={s_queries} mywork_sql_ms={sql95:.1f} "
        f"mywork_over_sql={l95 / sql95:.1f} review_p95_ms={r95:.1f} review_queries={r_queries}"
    )


if __name__ == "__main__":
    main()
