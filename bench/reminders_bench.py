"""Reminders benchmark: plan and send report-due reminders for 10,000 recipients over
100,000 tasks through a local SMTP sink, and in the same run measure the sink's own rate
with bare smtplib on one reused connection.

- Data (generated once into duban_bench_reminders, reused while the sizes match): units with
  two clerks each, tasks each led by one unit with another cooperating, one quarterly
  period due three days after the frozen planning moment, no reports (all missing).
- Planning: `plan_reminders` once, timed, with its queries counted; then a second time on
  a tenth of the recipients' units is not needed: the pinned test shows the count constant.
- Sending: every planned row through `delivery.deliver` in batches of DUBAN_EMAIL_BATCH_SIZE
  (the body of the Celery job; one SMTP connection per batch), in this process.
- Baseline: one of our messages, already rendered to its wire bytes, sent N times with bare
  smtplib over one connection to the same sink, before and after our run; the faster of
  the two is the baseline.
- The sink (aiosmtpd) runs in its own process and counts messages per recipient, so
  duplicates and losses are counted where the mail arrives.
- Peak memory: ru_maxrss of this process; the data set is generated in a child process.

Usage: .venv/bin/python bench/reminders_bench.py [--recipients 10000] [--tasks 100000]
Last line: RESULT recipients=… planning_seconds=… planning_queries=… messages_per_second=…
send_ratio=… duplicates=… lost=… peak_mib=…
"""

import argparse
import datetime as dt
import multiprocessing
import os
import resource
import smtplib
import socket
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/duban_bench_reminders"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.pop("REDIS_URL", None)
os.environ["DUBAN_QUIET_HOURS"] = ""
# Production settings: DEBUG off (the template engine's debug mode alone halves our rate).
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DUBAN_VAR_DIR", tempfile.gettempdir() + "/duban-bench-reminders")

NOW = dt.datetime(2018, 4, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DUE_ON = dt.date(2018, 4, 5)
BASELINE_DOMAIN = "baseline.invalid"


# -- the sink ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_sink(port: int, ready, stop, results) -> None:
    from collections import Counter

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.ours = Counter()
            self.baseline = 0

        async def handle_DATA(self, server, session, envelope):
            for rcpt in envelope.rcpt_tos:
                if rcpt.endswith(BASELINE_DOMAIN):
                    self.baseline += 1
                else:
                    self.ours[rcpt] += 1
            return "250 OK"

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()
    results.put((dict(handler.ours), handler.baseline))


# -- database and data ---------------------------------------------------------------------


def ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(recipients: int, tasks: int) -> None:
    """Fill the database (in a child process, so its memory is not counted)."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from tracker.models import (
        Assignment,
        Document,
        Profile,
        ReportingPeriod,
        Task,
        Unit,
        UnitMembership,
    )

    units_needed = recipients // 2
    if (
        Unit.objects.count() == units_needed
        and Task.objects.count() == tasks
        and UnitMembership.objects.count() == recipients
    ):
        return
    print(f"generating {units_needed} units, {recipients} clerks, {tasks} tasks…", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tracker_outgoingemail, tracker_progressreport, tracker_assignment,"
            " tracker_taskofficial, tracker_task, tracker_document, tracker_unitmembership,"
            " tracker_profile, tracker_unit, tracker_reportingperiod, tracker_auditentry,"
            " auth_user CASCADE"
        )
    User = get_user_model()
    with transaction.atomic():
        units = Unit.objects.bulk_create(
            [
                Unit(name=f"基准单位{i:05d}", short_name=f"单位{i:05d}", code=f"b{i}")
                for i in range(units_needed)
            ],
            batch_size=5000,
        )
        users = User.objects.bulk_create(
            [
                User(
                    username=f"clerk{i:05d}",
                    email=f"clerk{i:05d}@bench.example.gov.cn",
                    password="!",
                )
                for i in range(recipients)
            ],
            batch_size=5000,
        )
        Profile.objects.bulk_create(
            [
                Profile(user=u, role=Profile.Role.CLERK, display_name=f"联络员{i:05d}")
                for i, u in enumerate(users)
            ],
            batch_size=5000,
        )
        UnitMembership.objects.bulk_create(
            [UnitMembership(user=u, unit=units[i // 2]) for i, u in enumerate(users)],
            batch_size=5000,
        )
        ReportingPeriod.objects.create(
            cadence="quarterly",
            year=2018,
            index=1,
            starts_on=dt.date(2018, 1, 1),
            ends_on=dt.date(2018, 3, 31),
            due_on=DUE_ON,
        )
        document = Document.objects.create(
            doc_number="聊政发〔2018〕7号", title="基准分工方案", year=2018
        )
        task_rows = Task.objects.bulk_create(
            [
                Task(
                    document=document,
                    number=f"{i + 1}",
                    title=f"基准任务{i + 1}：深化“放管服”改革，优化营商环境",
                    text="深化“放管服”改革，优化营商环境。",
                    order=i,
                )
                for i in range(tasks)
            ],
            batch_size=5000,
        )
        count = len(units)
        assignments = []
        for i, task in enumerate(task_rows):
            lead, coop = units[i % count], units[(i * 7 + 3) % count]
            assignments.append(
                Assignment(
                    task=task,
                    unit=lead,
                    written_name=lead.short_name,
                    role="lead",
                    consolidates=True,
                )
            )
            if coop.pk != lead.pk:
                assignments.append(
                    Assignment(
                        task=task, unit=coop, written_name=coop.short_name, role="cooperating"
                    )
                )
        Assignment.objects.bulk_create(assignments, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# -- measurements --------------------------------------------------------------------------


def measure_bare(port: int, message: bytes, count: int, first: int = 0) -> float:
    """Messages per second with bare smtplib on one reused connection."""
    smtp = smtplib.SMTP("127.0.0.1", port)
    started = time.perf_counter()
    for i in range(first, first + count):
        smtp.sendmail("duban@liaocheng.gov.cn", [f"b{i}@{BASELINE_DOMAIN}"], message)
    elapsed = time.perf_counter() - started
    smtp.quit()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--baseline-messages", type=int, default=3000)
    args = parser.parse_args()

    ensure_database()
    child = multiprocessing.get_context("fork").Process(
        target=generate, args=(args.recipients, args.tasks)
    )
    child.start()
    child.join()
    if child.exitcode:
        raise SystemExit("data generation failed")

    port = free_port()
    ctx = multiprocessing.get_context("spawn")
    ready, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
    sink = ctx.Process(target=run_sink, args=(port, ready, stop, results), daemon=True)
    sink.start()
    ready.wait(30)
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"

    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker import emails
    from tracker.models import OutgoingEmail
    from tracker.services import delivery
    from tracker.services.reminders import install_default_rules, plan_reminders

    install_default_rules()
    OutgoingEmail.objects.all().delete()
    with connection.cursor() as cursor:
        # Each run starts from an outbox without the dead rows of earlier runs (their index
        # entries made the claim walk 125,000 "ready" entries after a few runs).
        cursor.execute("VACUUM ANALYZE tracker_outgoingemail")

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = plan_reminders(now=NOW, dispatch=False)
        planning_seconds = time.perf_counter() - started
    planning_queries = len(queries)
    print(
        f"planned {result.planned} e-mails in {planning_seconds:.2f} s with {planning_queries} queries",
        file=sys.stderr,
    )

    sample = OutgoingEmail.objects.order_by("pk").first()
    # Exactly the bytes delivery puts on the wire for one of our messages.
    sample_bytes = emails.message_bytes(sample)
    bare_before = measure_bare(port, sample_bytes, args.baseline_messages)

    ids = list(
        OutgoingEmail.objects.filter(status="ready").order_by("pk").values_list("pk", flat=True)
    )
    size = settings.DUBAN_EMAIL_BATCH_SIZE
    started = time.perf_counter()
    sent = 0
    for start in range(0, len(ids), size):
        sent += delivery.deliver(ids[start : start + size]).sent
    send_seconds = time.perf_counter() - started
    rate = sent / send_seconds if send_seconds else 0.0
    # The sink's rate drifts with the machine's load: measured before and after our run,
    # and the faster of the two is the baseline (the stricter ratio).
    bare_after = measure_bare(
        port, sample_bytes, args.baseline_messages, first=args.baseline_messages
    )
    bare_rate = max(bare_before, bare_after)

    stop.set()
    received, baseline_received = results.get(timeout=60)
    sink.join(30)
    expected = set(
        OutgoingEmail.objects.filter(status="sent").values_list("recipient_email", flat=True)
    )
    planned = set(
        OutgoingEmail.objects.exclude(status="no_address").values_list("recipient_email", flat=True)
    )
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    lost = len(planned - set(received))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"sent {sent} in {send_seconds:.2f} s ({rate:.0f}/s); bare smtplib {bare_before:.0f}/s "
        f"before and {bare_after:.0f}/s after, over "
        f"{baseline_received} messages of {len(sample_bytes)} bytes; rows sent {len(expected)}",
        file=sys.stderr,
    )
    print(
        f"RESULT recipients={len(planned)} planning_seconds={planning_seconds:.3f} "
        f"planning_queries={planning_queries} messages_per_second={rate:.1f} "
        f"send_ratio={rate / bare_rate:.3f} duplicates={duplicates} lost={lost} peak_mib={peak_mib:.1f}"
    )


if __name__ == "__main__":
    main()
