"""Export benchmark: the styled detail sheet for 100,000 tasks streamed from PostgreSQL.

In the same run, the baseline: a bare XlsxWriter constant_memory workbook of the same
rows already in memory (plain values, no styles) — the fastest low-memory writer we know.
Each side runs in its own subprocess so its peak RSS is its own (ru_maxrss of the child).
Our export is also run at a quarter of the rows to show its peak does not grow with rows.

Usage: .venv/bin/python bench/export_bench.py [--rows 100000] [--rebuild]
(database duban_bench_export on 127.0.0.1; filled once, reused while its row count fits)
Last line: RESULT rows=… export_seconds=… baseline_seconds=… ratio=… peak_mib=…
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/duban_bench_export"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DUBAN_VAR_DIR", tempfile.gettempdir() + "/duban-bench-export")
# As in production: DEBUG off (no query log kept in memory).
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

TASKS_PER_PLAN = 200
SECTIONS_PER_PLAN = 8
PHRASES = [
    "加快推进新旧动能转换重大工程",
    "深化“放管服”改革",
    "优化营商环境",
    "推进重点项目建设",
    "完善基础设施配套",
    "强化要素保障",
    "健全长效机制",
    "加大财政资金支持力度",
    "推动产业转型升级",
    "提升公共服务水平",
    "落实安全生产责任",
    "打好污染防治攻坚战",
    "实施乡村振兴战略",
    "推进城乡融合发展",
    "全年完成投资200亿元",
    "建立工作台账",
]


def sentence(rng: random.Random, parts: int) -> str:
    return "，".join(rng.choice(PHRASES) for _ in range(parts)) + "。"


def ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django():
    import django

    Path(os.environ["DUBAN_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    django.setup()


def fill(rows: int, rebuild: bool) -> None:
    """Plans of 200 tasks in 8 sections, 2–3 units each, a lead official, one report each."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from tracker.models import (
        Assignment,
        Document,
        Official,
        ProgressReport,
        ReportingPeriod,
        Task,
        TaskOfficial,
        Unit,
    )

    call_command("migrate", verbosity=0)
    if not rebuild and Task.objects.filter(is_leaf=True).count() >= rows:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tracker_progressreport, tracker_assignment, tracker_taskofficial, "
            "tracker_task, tracker_document, tracker_official, tracker_unit, "
            "tracker_reportingperiod CASCADE"
        )
    rng = random.Random(7)
    started = time.perf_counter()
    with transaction.atomic():
        units = Unit.objects.bulk_create(
            Unit(name=f"聊城市测试单位{i}", short_name=f"市测试{i}局", code=f"b{i}")
            for i in range(200)
        )
        officials = Official.objects.bulk_create(
            Official(name=f"领导{i}", position="副市长", code=f"bo{i}") for i in range(12)
        )
        period = ReportingPeriod.objects.create(
            cadence="quarterly",
            year=2018,
            index=1,
            starts_on="2018-01-01",
            ends_on="2018-03-31",
            due_on="2018-04-05",
        )
        plans = -(-rows // TASKS_PER_PLAN)
        made = 0
        for p in range(plans):
            document = Document.objects.create(
                doc_number=f"聊政发〔2018〕{p + 1}号",
                title=f"测试分工方案{p + 1}",
                year=2018,
            )
            sections = Task.objects.bulk_create(
                Task(
                    document=document,
                    number=str(s),
                    printed_number=f"{s}、",
                    title=sentence(rng, 1)[:-1],
                    text=sentence(rng, 1),
                    is_leaf=False,
                    order=s * 1000,
                )
                for s in range(1, SECTIONS_PER_PLAN + 1)
            )
            count = min(TASKS_PER_PLAN, rows - made)
            tasks = Task.objects.bulk_create(
                Task(
                    document=document,
                    parent=sections[i % SECTIONS_PER_PLAN],
                    number=f"{i % SECTIONS_PER_PLAN + 1}.{i}",
                    text=sentence(rng, 4),
                    order=(i % SECTIONS_PER_PLAN + 1) * 1000 + i + 1,
                    deadline_text="2018年12月底前",
                    light=rng.choice(["red", "yellow", "green", "blue"]),
                    schedule_status="on_track",
                )
                for i in range(count)
            )
            made += count
            assignments, links, reports = [], [], []
            for task in tasks:
                picked = rng.sample(units, rng.choice((2, 3)))
                for order, unit in enumerate(picked):
                    assignments.append(
                        Assignment(
                            task=task,
                            unit=unit,
                            written_name=unit.short_name,
                            order=order,
                            role="lead" if order == 0 else "cooperating",
                            consolidates=order == 0,
                        )
                    )
                links.append(TaskOfficial(task=task, official=rng.choice(officials)))
                reports.append(
                    ProgressReport(
                        task=task,
                        unit=picked[0],
                        period=period,
                        is_consolidated=True,
                        status="submitted",
                        progress=sentence(rng, 6),
                        problems=sentence(rng, 2),
                        next_steps=sentence(rng, 2),
                        percent=rng.randrange(0, 100),
                        submitted_at="2018-04-03T10:00:00+08:00",
                    )
                )
            Assignment.objects.bulk_create(assignments)
            TaskOfficial.objects.bulk_create(links)
            ProgressReport.objects.bulk_create(reports)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"filled {rows} tasks in {time.perf_counter() - started:.1f} s", flush=True)


def peak_mib() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries ru_maxrss across
    exec, so a child would report the parent's peak (the data filling) as its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_export(limit: int) -> dict:
    """Child: our export, timed from the first query to the closed file."""
    setup_django()
    from tracker.exports.detail import build_detail_workbook
    from tracker.models import ReportingPeriod, Task

    period = ReportingPeriod.objects.get()
    ids = Task.objects.filter(is_leaf=True).order_by("document_id", "order", "pk")
    last = ids.values_list("document_id", flat=True)[limit - 1]
    tasks = Task.objects.filter(is_leaf=True, document_id__lte=last)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        written = build_detail_workbook(
            Path(tmp) / "detail.xlsx",
            tasks=tasks,
            period=period,
            title="测试重点任务督查通报",
            subtitle="报送周期：2018年第1季度",
            tmpdir=tmp,
        )
        seconds = time.perf_counter() - started
        size = (Path(tmp) / "detail.xlsx").stat().st_size
    return {"rows": written, "seconds": seconds, "peak_mib": peak_mib(), "bytes": size}


def run_baseline(limit: int) -> dict:
    """Child: the same rows loaded into memory first (untimed), then written bare."""
    setup_django()
    import xlsxwriter

    from tracker.exports.detail import DETAIL_COLUMNS
    from tracker.exports.rows import iter_task_rows
    from tracker.models import ReportingPeriod, Task

    period = ReportingPeriod.objects.get()
    ids = Task.objects.filter(is_leaf=True).order_by("document_id", "order", "pk")
    last = ids.values_list("document_id", flat=True)[limit - 1]
    rows = []
    for index, task in enumerate(
        iter_task_rows(Task.objects.filter(is_leaf=True, document_id__lte=last), period=period),
        start=1,
    ):
        report = task.consolidated_report
        rows.append(
            [
                index,
                task.text,
                task.official_names,
                task.lead_units,
                task.cooperating_units,
                task.deadline,
                report.progress,
                report.problems,
                report.next_steps,
                task.status_label,
                task.light_label,
                "2018-04-03 10:00",
            ]
        )
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        workbook = xlsxwriter.Workbook(
            str(Path(tmp) / "bare.xlsx"), {"constant_memory": True, "tmpdir": tmp}
        )
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, [str(label) for label, _width in DETAIL_COLUMNS])
        for number, row in enumerate(rows, start=1):
            sheet.write_row(number, 0, row)
        workbook.close()
        seconds = time.perf_counter() - started
        size = (Path(tmp) / "bare.xlsx").stat().st_size
    return {"rows": len(rows), "seconds": seconds, "peak_mib": peak_mib(), "bytes": size}


def child(kind: str, rows: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, f"--child={kind}", f"--rows={rows}"],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", choices=["export", "baseline"])
    args = parser.parse_args()
    if args.child:
        result = run_export(args.rows) if args.child == "export" else run_baseline(args.rows)
        print(json.dumps(result))
        return
    ensure_database()
    setup_django()
    fill(args.rows, args.rebuild)
    quarter = child("export", args.rows // 4)
    # The machine is shared: alternate the two sides and keep each side's best run.
    runs = {"export": [], "baseline": []}
    for _round in range(args.rounds):
        for kind in ("baseline", "export"):
            result = child(kind, args.rows)
            runs[kind].append(result)
            print(
                f"  {kind}: {result['seconds']:.2f} s, peak {result['peak_mib']:.1f} MiB",
                flush=True,
            )
    ours = min(runs["export"], key=lambda r: r["seconds"])
    ours["peak_mib"] = max(r["peak_mib"] for r in runs["export"])
    bare = min(runs["baseline"], key=lambda r: r["seconds"])
    ratio = ours["seconds"] / bare["seconds"]
    print(
        f"baseline (bare XlsxWriter constant_memory, rows in memory): {bare['rows']} rows "
        f"{bare['seconds']:.2f} s, peak {bare['peak_mib']:.1f} MiB, {bare['bytes']} bytes"
    )
    print(
        f"ours (styled detail sheet streamed from PostgreSQL): {ours['rows']} rows "
        f"{ours['seconds']:.2f} s, peak {ours['peak_mib']:.1f} MiB, {ours['bytes']} bytes"
    )
    print(
        f"ours at a quarter of the rows: {quarter['rows']} rows {quarter['seconds']:.2f} s, "
        f"peak {quarter['peak_mib']:.1f} MiB"
    )
    print(f"ratio {ratio:.2f} (target <= 1.3); peak {ours['peak_mib']:.1f} MiB (target < 120)")
    print(
        f"RESULT rows={ours['rows']} export_seconds={ours['seconds']:.2f} "
        f"baseline_seconds={bare['seconds']:.2f} ratio={ratio:.2f} peak_mib={ours['peak_mib']:.1f}"
    )


if __name__ == "__main__":
    main()
