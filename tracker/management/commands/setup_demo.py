"""Demo data for a newcomer's laptop: registry, accounts, the five seed gazettes, periods.

Idempotent: running it again changes nothing that is already there.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from tasks_import import parse_text
from tasks_import.decoding import decode_bytes
from tasks_import.saving import live_registry, save_parse_result
from tracker.access import member_unit_ids
from tracker.models import Assignment, Official, Profile, ProgressReport, ReportingPeriod, Unit
from tracker.services.accounts import create_account
from tracker.services.periods import create_year_periods
from tracker.services.registry import load_registry, read_registry_file
from tracker.services.reporting import accept_report, return_report, save_and_submit_report
from tracker.services.schedule import refresh_task_schedules

SEEDS_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"
DEMO_PASSWORD = "duban-demo"

# (username, display name, role, units as written in the plans, head contact?)
DEMO_CLERKS = [
    ("fgw", "发改委联络员", ["市发展改革委"], False),
    ("fgw_head", "发改委负责人", ["市发展改革委"], True),
    ("czj", "财政局联络员", ["市财政局"], False),
    ("kjj", "科技局联络员", ["市科技局"], False),
    ("rsj", "人社局联络员", ["市人力资源社会保障局"], False),
]
DEMO_OFFICIALS = [("guojianmin", "郭建民"), ("hongyuzhen", "洪玉振")]


class Command(BaseCommand):
    help = "载入演示数据：名录、演示账号、fixtures/seeds 中的公报、报送周期。"

    def handle(self, *args, **options):
        load_registry(acting_user=None, data=read_registry_file())
        self._accounts()
        self._import_seeds()
        self._periods()
        self._reports()
        refresh_task_schedules()
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪。演示账号密码：{DEMO_PASSWORD}"))

    def _accounts(self):
        users = get_user_model().objects
        if not users.filter(username="duchashi").exists():
            create_account(
                acting_user=None,
                username="duchashi",
                email="duchashi@example.gov.cn",
                role=Profile.Role.SUPERVISOR,
                password=DEMO_PASSWORD,
                display_name="督查室",
                is_staff=True,
            )
            users.filter(username="duchashi").update(is_superuser=True)
        if not users.filter(username="viewer").exists():
            create_account(
                acting_user=None,
                username="viewer",
                email="viewer@example.gov.cn",
                role=Profile.Role.VIEWER,
                password=DEMO_PASSWORD,
                display_name="只读用户",
            )
        registry = live_registry()
        for username, display, unit_names, head in DEMO_CLERKS:
            if users.filter(username=username).exists():
                continue
            units = []
            for name in unit_names:
                key = registry.resolve_unit(name).unit_key
                unit = Unit.objects.filter(code=key).first() if key else None
                if unit is not None:
                    units.append(unit)
            create_account(
                acting_user=None,
                username=username,
                email=f"{username}@example.gov.cn",
                role=Profile.Role.CLERK,
                password=DEMO_PASSWORD,
                display_name=display,
                units=tuple(units),
                head_of=tuple(units) if head else (),
            )
        for username, name in DEMO_OFFICIALS:
            official = Official.objects.filter(name=name).order_by("-term_start").first()
            if official is None or users.filter(username=username).exists():
                continue
            create_account(
                acting_user=None,
                username=username,
                email=f"{username}@example.gov.cn",
                role=Profile.Role.OFFICIAL,
                password=DEMO_PASSWORD,
                display_name=name,
                official=official,
            )

    def _import_seeds(self):
        registry = live_registry()
        for path in sorted(SEEDS_DIR.glob("*.txt")):
            text = decode_bytes(path.read_bytes())
            result = parse_text(text, source_name=path.name)
            changes = save_parse_result(
                result,
                acting_user=None,
                source_name=path.name,
                registry=registry,
                original_text=text,
            )
            tasks = sum(len(c.tasks_added) for c in changes)
            self.stdout.write(f"{path.name}：{len(changes)} 个文件，新增任务 {tasks} 项")

    def _periods(self):
        years = sorted({2018, 2019, 2023, timezone.localdate().year})
        for year in years:
            if not ReportingPeriod.objects.filter(year=year, cadence="quarterly").exists():
                create_year_periods(acting_user=None, year=year)

    def _reports(self):
        """A few reports through the real services, so the office has something to review."""
        clerk = get_user_model().objects.filter(username="fgw").first()
        office = get_user_model().objects.filter(username="duchashi").first()
        if clerk is None or ProgressReport.objects.exists():
            return
        # The 2018 plan names 市发改委; the clerk works for its successor 市发展改革委.
        assignments = list(
            Assignment.objects.filter(
                task__document__doc_number="聊政发〔2018〕7号",
                task__is_leaf=True,
                unit_id__in=member_unit_ids(clerk),
                consolidates=True,
            )
            .select_related("task", "unit")
            .order_by("task__order")[:6]
        )
        q1 = ReportingPeriod.objects.get(cadence="quarterly", year=2018, index=1)
        q2 = ReportingPeriod.objects.get(cadence="quarterly", year=2018, index=2)
        for number, assignment in enumerate(assignments):
            task, unit = assignment.task, assignment.unit
            data = {
                "progress_status": "on_track" if number % 3 else "behind",
                "percent": 20 + 10 * number,
                "progress": f"已制定工作方案，第一季度完成计划的{20 + 10 * number}%。",
                "problems": "部分项目审批手续尚未完成。" if number % 3 == 0 else "",
                "coordination": "",
                "next_steps": "加快推进，确保按期完成。",
            }
            report = save_and_submit_report(
                acting_user=clerk, task=task, unit=unit, period=q1, data=data, version=0
            )
            if number % 2 == 0:
                accept_report(acting_user=office, report=report)
            elif number == 1:
                return_report(acting_user=office, report=report, comment="请补充具体数据。")
            if number < 3:
                save_and_submit_report(
                    acting_user=clerk,
                    task=task,
                    unit=unit,
                    period=q2,
                    data=data | {"percent": 50 + 10 * number},
                    version=0,
                )
