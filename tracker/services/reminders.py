"""Planning reminders: who gets what on which day, written as OutgoingEmail rows.

`plan_reminders` reads the office's rules, finds every item due today — reports due and
overdue, escalations, task deadlines, digests — groups them by recipient (one e-mail per
recipient per run, listing all their items) and inserts one row per e-mail in one
transaction. The row's idempotency key holds the day (or period / week) and the recipient,
so planning again the same day inserts nothing: beat may run it every hour and a missed
hour is simply caught up. Delivery is `tracker.services.delivery`'s business.

The number of queries is fixed by the rules and the periods due today, never by the number
of tasks, units or recipients (pinned in tests/tracker/reminders/test_planning_queries.py).
"""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import audit, workdays
from tracker.models import (
    Assignment,
    OutgoingEmail,
    Profile,
    ProgressReport,
    ReminderRule,
    ReportingPeriod,
    Task,
    TaskOfficial,
    UnitGroup,
    UnitMembership,
)
from tracker.schedule import ScheduleStatus

Kind = ReminderRule.Kind

# Rows inserted per INSERT statement. Planning costs one query more per PLAN_CHUNK e-mails
# (at 10,000 recipients: 5 inserts), in exchange for memory that does not grow with them.
PLAN_CHUNK = 2000


class _RowEncoder(DjangoJSONEncoder):
    """Dates and times as ISO 8601; Chinese text as UTF-8 characters, not escape sequences."""

    def __init__(self, **kwargs):
        super().__init__(**(kwargs | {"ensure_ascii": False}))


# Units that owe a report for a task: those that lead it, cooperate on it, or are jointly
# responsible (no lead marked: each of them answers for it). Implementing units (counties,
# enterprises) do not report to the city.
REPORTING_ROLES = (
    Assignment.Role.LEAD,
    Assignment.Role.COOPERATING,
    Assignment.Role.RESPONSIBLE,
)
# A report counts as in once it has been submitted (or accepted); drafts and returned
# reports are still missing.
COUNTED_STATUSES = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)
TITLE_CHARS = 60
# Spelled out rather than negated: a negated lookup across a many-valued relation (a unit
# group's assignments) would become "no assignment at all is done".
OPEN_STATUSES = [status for status in ScheduleStatus if status != ScheduleStatus.DONE]

# The order in which an e-mail lists its sections (and the most urgent decides the subject).
ITEM_ORDER = [
    Kind.REPORT_ESCALATION,
    Kind.REPORT_OVERDUE,
    Kind.TASK_OVERDUE,
    Kind.REPORT_DUE,
    Kind.TASK_DUE,
]

# The defaults the office starts with (the migration installs a frozen copy); tests and
# a fresh database after a flush install them with `install_default_rules`.
DEFAULT_RULES = [
    # kind, days, working days, weekday, mandatory
    (Kind.REPORT_DUE, 7, False, None, False),
    (Kind.REPORT_DUE, 3, False, None, False),
    (Kind.REPORT_DUE, 1, False, None, False),
    (Kind.REPORT_OVERDUE, 1, True, None, False),
    (Kind.REPORT_ESCALATION, 5, True, None, True),
    (Kind.TASK_DUE, 15, False, None, False),
    (Kind.TASK_DUE, 3, False, None, False),
    (Kind.TASK_OVERDUE, 1, True, None, False),
    (Kind.DIGEST, 1, True, None, False),
    (Kind.WEEKLY_DIGEST, 0, False, 0, False),
]


@transaction.atomic
def install_default_rules() -> int:
    """Create the default rules that do not exist yet; returns how many were created."""
    created = 0
    for kind, days, working, weekday, mandatory in DEFAULT_RULES:
        _, new = ReminderRule.objects.get_or_create(
            kind=kind,
            days=days,
            defaults={"working_days": working, "weekday": weekday, "mandatory": mandatory},
        )
        created += new
    return created


@dataclass
class Recipient:
    """Someone who gets mail: a user (clerk, head contact, official's account) or an official."""

    key: str
    email: str
    name: str
    language: str = "zh-hans"
    user_id: int | None = None
    official_id: int | None = None
    wants_reminders: bool = True
    digest_frequency: str = Profile.DigestFrequency.PER_PERIOD
    items: list = field(default_factory=list)
    # Reminders: the item lists (one per unit or task) this recipient gets, merged when
    # the row is built.
    sources: list = field(default_factory=list)


@dataclass
class PlanResult:
    today: dt.date
    planned: int = 0
    no_address: int = 0
    by_kind: dict = field(default_factory=dict)


def plan_reminders(*, now: dt.datetime | None = None, dispatch: bool = True) -> PlanResult:
    """Plan today's e-mails as rows and nudge delivery after the commit."""
    now = now or timezone.now()
    with transaction.atomic():
        result = _Planner(now).run()
        audit.record(
            actor=None,
            action="reminders.plan",
            obj=None,
            label=f"催办计划 {result.today.isoformat()}",
            after={"planned": result.planned, "no_address": result.no_address, **result.by_kind},
        )
        if dispatch:
            from tracker.services import delivery

            transaction.on_commit(delivery.dispatch_ready)
    return result


class _Planner:
    def __init__(self, now: dt.datetime):
        self.now = now
        self.today = timezone.localdate(now)
        self.send_at = workdays.next_send_time(now)
        self.rules = list(ReminderRule.objects.filter(is_active=True))
        # (kind, due date) -> the rule that fires today for that date
        self.targets: dict[tuple[str, dt.date], ReminderRule] = {}
        for rule in self.rules:
            if rule.kind in (Kind.REPORT_DUE, Kind.TASK_DUE):
                dates = workdays.dates_before(self.today, rule.days, working=rule.working_days)
            elif rule.kind == Kind.WEEKLY_DIGEST:
                dates = set()
            else:
                dates = workdays.dates_after(self.today, rule.days, working=rule.working_days)
            for day in dates:
                self.targets.setdefault((rule.kind, day), rule)
        # unit id -> [item]; task id -> [item] (for lead officials); unit id -> [item] (heads)
        self.clerk_items: dict[int, list] = defaultdict(list)
        self.head_items: dict[int, list] = defaultdict(list)
        self.official_items: dict[int, list] = defaultdict(list)

    def dates(self, *kinds) -> set[dt.date]:
        return {day for (kind, day) in self.targets if kind in kinds}

    def run(self) -> PlanResult:
        report_kinds = (Kind.REPORT_DUE, Kind.REPORT_OVERDUE, Kind.REPORT_ESCALATION, Kind.DIGEST)
        periods = list(
            ReportingPeriod.objects.filter(
                due_on__in=self.dates(*report_kinds), closed_at__isnull=True
            ).order_by("due_on", "pk")
        )
        digest_periods = []
        for period in periods:
            stages = [
                kind
                for kind in report_kinds
                if kind != Kind.DIGEST and (kind, period.due_on) in self.targets
            ]
            if stages:
                self.collect_report_items(period, stages)
            if (Kind.DIGEST, period.due_on) in self.targets:
                digest_periods.append(period)
        self.collect_task_deadlines()
        for items in (*self.clerk_items.values(), *self.head_items.values()):
            items.sort(key=_item_order)
        recipients: dict[str, Recipient] = {}
        self.add_unit_recipients(recipients)
        self.add_official_recipients(recipients)
        self.clerk_items = self.head_items = self.official_items = None  # free them early
        result = PlanResult(today=self.today)
        rows = (self.reminder_row(r) for r in recipients.values() if r.sources)
        self.insert(rows, result)
        self.insert(self.digest_rows(digest_periods), result)
        return result

    def insert(self, rows, result: PlanResult) -> None:
        """Insert rows PLAN_CHUNK at a time: one INSERT per chunk keeps memory bounded."""
        chunk = []
        for row in rows:
            if row is None:
                continue
            chunk.append(row)
            if row["status"] == OutgoingEmail.Status.NO_ADDRESS:
                result.no_address += 1
            else:
                result.planned += 1
            result.by_kind[row["kind"]] = result.by_kind.get(row["kind"], 0) + 1
            if len(chunk) == PLAN_CHUNK:
                _insert_rows(chunk)
                chunk = []
        if chunk:
            _insert_rows(chunk)

    # -- reports -------------------------------------------------------------------------

    def collect_report_items(self, period: ReportingPeriod, stages: list[str]) -> None:
        """Missing reports of `period`, as items for clerks, head contacts and officials."""
        label = str(period)
        overdue_days = None
        due_days = None
        if any(s in stages for s in (Kind.REPORT_OVERDUE, Kind.REPORT_ESCALATION)):
            overdue_days = (self.today - period.due_on).days
        if Kind.REPORT_DUE in stages:
            due_days = (period.due_on - self.today).days
        due_on = period.due_on.isoformat()
        # (list to add to, type, days, mandatory) for each stage firing today
        clerk_stages = [
            (
                kind,
                due_days if kind == Kind.REPORT_DUE else overdue_days,
                self.mandatory(kind, period.due_on),
            )
            for kind in (Kind.REPORT_DUE, Kind.REPORT_OVERDUE)
            if kind in stages
        ]
        escalate = Kind.REPORT_ESCALATION in stages
        if escalate:
            escalation_mandatory = self.mandatory(Kind.REPORT_ESCALATION, period.due_on)
        for task_id, unit_id, number, title, unit_name in missing_reports(period):
            for kind, days, mandatory in clerk_stages:
                self.clerk_items[unit_id].append(
                    _item(kind, task_id, number, title, unit_name, label, due_on, days, mandatory)
                )
            if escalate:
                item = _item(
                    Kind.REPORT_ESCALATION,
                    task_id,
                    number,
                    title,
                    unit_name,
                    label,
                    due_on,
                    overdue_days,
                    escalation_mandatory,
                )
                self.head_items[unit_id].append(item)
                self.official_items[task_id].append(item)

    def mandatory(self, kind: str, day: dt.date) -> bool:
        return self.targets[(kind, day)].mandatory

    def flags(self, kind: str, day: dt.date) -> dict:
        return {"mandatory": self.mandatory(kind, day)}

    # -- task deadlines ------------------------------------------------------------------

    def collect_task_deadlines(self) -> None:
        due = self.dates(Kind.TASK_DUE)
        overdue = self.dates(Kind.TASK_OVERDUE)
        if not due and not overdue:
            return
        tasks = (
            Task.objects.filter(is_leaf=True, deadline_on__in=due | overdue)
            .exclude(schedule_status=ScheduleStatus.DONE)
            .annotate(short=_short_title("title", "text"))
        )
        by_id = {}
        for task_id, number, title, deadline_on in tasks.values_list(
            "pk", "number", "short", "deadline_on"
        ):
            kind = Kind.TASK_DUE if deadline_on in due else Kind.TASK_OVERDUE
            by_id[task_id] = {
                "type": kind,
                "task": task_id,
                "number": number,
                "title": title,
                "due_on": deadline_on.isoformat(),
                "days": abs((deadline_on - self.today).days),
                **self.flags(kind, deadline_on),
            }
        if not by_id:
            return
        lead = Q(role=Assignment.Role.LEAD) | Q(consolidates=True)
        for task_id, unit_id, unit_name in _assigned_units(
            Assignment.objects.filter(lead, task_id__in=list(by_id))
        ):
            self.clerk_items[unit_id].append(by_id[task_id] | {"unit": unit_name})
        for task_id, item in by_id.items():
            self.official_items[task_id].append(item)

    # -- recipients ----------------------------------------------------------------------

    def add_unit_recipients(self, recipients: dict[str, "Recipient"]) -> None:
        unit_ids = set(self.clerk_items) | set(self.head_items)
        if not unit_ids:
            return
        planned = sorted(unit_ids)
        # After 机构改革 the successor's clerks answer for the predecessor's tasks (as in
        # tracker.access.member_unit_ids): one query, following successions two steps back.
        predecessor = "unit__predecessions__predecessor_id"
        predecessor_2 = "unit__predecessions__predecessor__predecessions__predecessor_id"
        memberships = UnitMembership.objects.filter(
            Q(unit_id__in=planned)
            | Q(**{f"{predecessor}__in": planned})
            | Q(**{f"{predecessor_2}__in": planned}),
            user__is_active=True,
        ).values_list(
            "unit_id",
            predecessor,
            predecessor_2,
            "is_head_contact",
            "user_id",
            "user__username",
            "user__email",
            "user__profile__display_name",
            "user__profile__language",
            "user__profile__email_reminders",
        )
        seen = set()
        for row in memberships:
            own, earlier, earliest, is_head, user_id, username, email, name, language, wants = row
            for unit_id in {own, earlier, earliest} & unit_ids:
                if (user_id, is_head, unit_id) in seen:
                    continue
                seen.add((user_id, is_head, unit_id))
                items = (
                    self.head_items.get(unit_id, ())
                    if is_head
                    else self.clerk_items.get(unit_id, ())
                )
                if not items:
                    continue
                recipient = _recipient(
                    recipients,
                    email=email,
                    fallback_key=f"user-{user_id}",
                    name=name or username,
                    language=language,
                    user_id=user_id,
                    wants_reminders=wants if wants is not None else True,
                )
                recipient.sources.append(items)

    def add_official_recipients(self, recipients: dict[str, "Recipient"]) -> None:
        if not self.official_items:
            return
        links = TaskOfficial.objects.filter(task_id__in=sorted(self.official_items)).values_list(
            "task_id",
            "official_id",
            "official__name",
            "official__user_id",
            _official_email(),
            "official__user__profile__language",
            "official__user__profile__email_reminders",
        )
        for task_id, official_id, name, user_id, email, language, wants in links.order_by(
            "official_id", "task_id"
        ):
            recipient = _recipient(
                recipients,
                email=email,
                fallback_key=f"official-{official_id}",
                name=name,
                language=language,
                user_id=user_id,
                official_id=official_id,
                wants_reminders=wants if wants is not None else True,
            )
            recipient.sources.append(self.official_items[task_id])

    def reminder_row(self, recipient: Recipient) -> OutgoingEmail | None:
        if len(recipient.sources) == 1:
            # The common case, one unit's list: already sorted, and unique by construction.
            items = recipient.sources[0]
        else:
            items = sorted(_dedupe(chain.from_iterable(recipient.sources)), key=_item_order)
        if not recipient.wants_reminders:
            items = [item for item in items if item.get("mandatory")]
        if not items:
            return None
        return self.row(
            OutgoingEmail.Kind.REMINDER,
            f"reminder:{self.today.isoformat()}:{recipient.key}",
            recipient,
            items,
        )

    def row(self, kind, key, recipient: Recipient, items, period=None) -> dict:
        """An OutgoingEmail row's column values (see `_insert_rows`)."""
        return {
            "kind": kind,
            "idempotency_key": key,
            "run_on": self.today,
            "period_id": period.pk if period else None,
            "recipient_email": recipient.email,
            "recipient_name": recipient.name[:100],
            "user_id": recipient.user_id,
            "official_id": recipient.official_id,
            "language": recipient.language,
            "items": items,
            "status": OutgoingEmail.Status.READY
            if recipient.email
            else OutgoingEmail.Status.NO_ADDRESS,
            "attempts": 0,
            "next_attempt_at": self.send_at,
            "claim_token": "",
            "last_error": "" if recipient.email else "收件人没有电子邮箱地址。",
            "created_at": self.now,
        }

    # -- digests -------------------------------------------------------------------------

    def digest_rows(self, digest_periods: list[ReportingPeriod]) -> list[OutgoingEmail]:
        rows = []
        for period in digest_periods:
            rule = self.targets[(Kind.DIGEST, period.due_on)]
            rows += self.digests_for(
                period,
                OutgoingEmail.Kind.DIGEST,
                f"digest:period-{period.pk}",
                lambda freq, rule=rule: rule.mandatory or freq != Profile.DigestFrequency.NEVER,
            )
        weekly = [
            r
            for r in self.rules
            if r.kind == Kind.WEEKLY_DIGEST and r.weekday == self.today.weekday()
        ]
        if weekly:
            period = (
                ReportingPeriod.objects.filter(due_on__lte=self.today)
                .order_by("-due_on", "pk")
                .first()
            )
            if period is not None:
                year, week, _weekday = self.today.isocalendar()
                rows += self.digests_for(
                    period,
                    OutgoingEmail.Kind.WEEKLY_DIGEST,
                    f"weekly-digest:{year}-W{week:02d}",
                    lambda freq: freq == Profile.DigestFrequency.WEEKLY,
                )
        return rows

    def digests_for(self, period, kind, key_prefix, wanted) -> list[OutgoingEmail]:
        """One digest per official: the state of every task they lead, with missing reports."""
        missing: dict[int, list[str]] = defaultdict(list)
        for task_id, _unit_id, _number, _title, unit_name in missing_reports(
            period, led_by_officials=True
        ):
            missing[task_id].append(unit_name)
        links = (
            TaskOfficial.objects.filter(task__is_leaf=True, task__document__year__lte=period.year)
            .annotate(short=_short_title("task__title", "task__text"))
            .values_list(
                "official_id",
                "official__name",
                "official__user_id",
                _official_email(),
                "official__user__profile__language",
                "official__user__profile__digest_frequency",
                "task_id",
                "task__number",
                "short",
                "task__schedule_status",
                "task__light",
                "task__deadline_on",
            )
            .order_by("official_id", "task__document_id", "task__order", "task_id")
        )
        officials: dict[int, Recipient] = {}
        for (
            official_id,
            name,
            user_id,
            email,
            language,
            frequency,
            task_id,
            number,
            title,
            status,
            light,
            deadline_on,
        ) in links:
            recipient = officials.get(official_id)
            if recipient is None:
                recipient = officials[official_id] = Recipient(
                    key=f"official-{official_id}",
                    email=(email or "").strip(),
                    name=name,
                    language=language or "zh-hans",
                    user_id=user_id,
                    official_id=official_id,
                    digest_frequency=frequency or Profile.DigestFrequency.PER_PERIOD,
                )
            recipient.items.append(
                {
                    "task": task_id,
                    "number": number,
                    "title": title,
                    "status": status,
                    "light": light,
                    "due_on": deadline_on.isoformat() if deadline_on else "",
                    "missing": missing.get(task_id, []),
                }
            )
        return [
            self.row(kind, f"{key_prefix}:{r.key}", r, r.items, period=period)
            for r in officials.values()
            if wanted(r.digest_frequency)
        ]


def _insert_rows(rows: list[dict]) -> None:
    """Insert OutgoingEmail rows given as column values; a key planned before is skipped.

    On PostgreSQL the whole chunk travels as one JSON parameter that the server expands
    with jsonb_populate_recordset: Django's bulk insert binds each of the 20 columns of
    each row as its own parameter and quoted them into one statement of a few hundred MB
    for 10,000 e-mails (about 25 s, most of planning). Elsewhere (SQLite): bulk_create.
    """
    if connection.vendor != "postgresql":
        OutgoingEmail.objects.bulk_create(
            [OutgoingEmail(**row) for row in rows], ignore_conflicts=True
        )
        return
    table = connection.ops.quote_name(OutgoingEmail._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in rows[0])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns}"
            f" FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb)"
            " ON CONFLICT DO NOTHING",
            [json.dumps(rows, cls=_RowEncoder)],
        )


def missing_reports(period: ReportingPeriod, *, led_by_officials: bool = False):
    """(task id, unit id, number, short title, unit name) for every report still missing.

    Missing = no submitted or accepted report of that task × unit × period, for a leaf task
    of a plan with the period's cadence, not yet done, that the unit leads, cooperates on or
    answers for jointly — directly or as a member of an assigned unit group. Two queries.
    """
    counted = ProgressReport.objects.filter(
        period=period,
        status__in=COUNTED_STATUSES,
        task_id=OuterRef("task_id"),
        unit_id=OuterRef("unit_id"),
    )
    tasks = Q(
        task__is_leaf=True,
        task__document__reporting_cadence=period.cadence,
        task__document__year__lte=period.year,
        task__schedule_status__in=OPEN_STATUSES,
    )
    if led_by_officials:
        tasks &= Q(task__lead_officials__isnull=False)
    direct = (
        Assignment.objects.filter(tasks, role__in=REPORTING_ROLES, unit__isnull=False)
        .annotate(
            reported=Exists(counted),
            short=_short_title("task__title", "task__text"),
            unit_name=Coalesce(NullIf("unit__short_name", Value("")), "unit__name"),
        )
        .filter(reported=False)
        .values_list("task_id", "unit_id", "task__number", "short", "unit_name")
        .distinct()
    )
    Member = UnitGroup.members.through
    via_group = (
        Member.objects.filter(
            Q(
                unitgroup__assignments__role__in=REPORTING_ROLES,
                unitgroup__assignments__task__is_leaf=True,
                unitgroup__assignments__task__document__reporting_cadence=period.cadence,
                unitgroup__assignments__task__document__year__lte=period.year,
                unitgroup__assignments__task__schedule_status__in=OPEN_STATUSES,
            )
            & (
                Q(unitgroup__assignments__task__lead_officials__isnull=False)
                if led_by_officials
                else Q()
            )
        )
        .annotate(
            task_id=F("unitgroup__assignments__task_id"),
        )
        .annotate(
            reported=Exists(counted),
            short=_short_title(
                "unitgroup__assignments__task__title", "unitgroup__assignments__task__text"
            ),
            unit_name=Coalesce(NullIf("unit__short_name", Value("")), "unit__name"),
        )
        .filter(reported=False)
        .values_list(
            "task_id", "unit_id", "unitgroup__assignments__task__number", "short", "unit_name"
        )
        .distinct()
    )
    seen = set()
    for query in (direct, via_group):
        for row in query.order_by("task_id", "unit_id").iterator(chunk_size=5000):
            if (row[0], row[1]) not in seen:
                seen.add((row[0], row[1]))
                yield row


def _assigned_units(assignments):
    """(task id, unit id, unit name) of assignments, unit groups expanded to members."""
    direct = assignments.filter(unit__isnull=False).values_list(
        "task_id", "unit_id", Coalesce(NullIf("unit__short_name", Value("")), "unit__name")
    )
    Member = UnitGroup.members.through
    via_group = Member.objects.filter(
        unitgroup__assignments__in=assignments.filter(group__isnull=False)
    ).values_list(
        "unitgroup__assignments__task_id",
        "unit_id",
        Coalesce(NullIf("unit__short_name", Value("")), "unit__name"),
    )
    seen = set()
    for query in (direct, via_group):
        for row in query:
            if (row[0], row[1]) not in seen:
                seen.add((row[0], row[1]))
                yield row


def _short_title(title_field: str, text_field: str):
    return Coalesce(NullIf(title_field, Value("")), Substr(text_field, 1, TITLE_CHARS))


def _official_email():
    return Coalesce(NullIf("official__email", Value("")), "official__user__email", Value(""))


def _recipient(recipients, *, email, fallback_key, **fields) -> Recipient:
    email = (email or "").strip()
    key = email.lower() if email else fallback_key
    recipient = recipients.get(key)
    if recipient is None:
        fields["language"] = fields.get("language") or "zh-hans"
        recipient = recipients[key] = Recipient(key=key, email=email, **fields)
    else:
        # One person reached as a clerk and as an official: one e-mail; keep their opt-out
        # only if every account says so.
        recipient.wants_reminders = recipient.wants_reminders or fields.get("wants_reminders", True)
    return recipient


def _item(kind, task_id, number, title, unit_name, period, due_on, days, mandatory) -> dict:
    return {
        "task": task_id,
        "number": number,
        "title": title,
        "unit": unit_name,
        "period": period,
        "due_on": due_on,
        "type": kind,
        "days": days,
        "mandatory": mandatory,
    }


_ORDER = {kind: rank for rank, kind in enumerate(ITEM_ORDER)}


def _item_order(item: dict):
    return (_ORDER[item["type"]], item["due_on"], item["number"], item.get("unit", ""))


def _dedupe(items) -> list:
    seen = set()
    unique = []
    for item in items:
        key = (item["type"], item["task"], item.get("unit", ""), item["due_on"])
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


# -- preferences and rules (what the office allows, what a user chooses) ---------------------

REMINDER_KINDS = (
    Kind.REPORT_DUE,
    Kind.REPORT_OVERDUE,
    Kind.REPORT_ESCALATION,
    Kind.TASK_DUE,
    Kind.TASK_OVERDUE,
)


@dataclass(frozen=True)
class AllowedPreferences:
    """What the office's active rules let a user choose."""

    can_opt_out: bool
    digest_frequencies: tuple[str, ...]


def allowed_preferences() -> AllowedPreferences:
    rules = list(ReminderRule.objects.filter(is_active=True))
    reminders = [r for r in rules if r.kind in REMINDER_KINDS]
    frequencies = []
    if any(r.kind == Kind.DIGEST for r in rules):
        frequencies.append(Profile.DigestFrequency.PER_PERIOD)
    if any(r.kind == Kind.WEEKLY_DIGEST for r in rules):
        frequencies.append(Profile.DigestFrequency.WEEKLY)
    if not any(r.kind == Kind.DIGEST and r.mandatory for r in rules):
        frequencies.append(Profile.DigestFrequency.NEVER)
    return AllowedPreferences(
        can_opt_out=any(not r.mandatory for r in reminders),
        digest_frequencies=tuple(frequencies),
    )


@transaction.atomic
def update_preferences(
    profile: Profile, *, acting_user, email_reminders: bool, digest_frequency: str
) -> Profile:
    """A user's channel and digest choices, refused outside what the office allows."""
    allowed = allowed_preferences()
    if not email_reminders and not allowed.can_opt_out:
        raise ValidationError(_("督查室要求接收催办邮件，不能退订。"))
    if digest_frequency not in allowed.digest_frequencies:
        raise ValidationError(_("督查室未开放该汇总邮件频率。"))
    before = audit.snapshot(profile, ["email_reminders", "digest_frequency"])
    profile.email_reminders = email_reminders
    profile.digest_frequency = digest_frequency
    profile.save(update_fields=["email_reminders", "digest_frequency"])
    audit.record(
        actor=acting_user,
        action="reminders.preferences",
        obj=profile,
        before=before,
        after=audit.snapshot(profile, ["email_reminders", "digest_frequency"]),
    )
    return profile


RULE_FIELDS = ["kind", "days", "working_days", "weekday", "mandatory", "is_active"]


@transaction.atomic
def save_rules(changed: list[ReminderRule], deleted: list[ReminderRule], *, acting_user) -> int:
    """The office's edits to the rule table, one audit row per rule changed or removed."""
    old = {
        r.pk: audit.snapshot(r, RULE_FIELDS)
        for r in ReminderRule.objects.filter(pk__in=[r.pk for r in changed + deleted if r.pk])
    }
    for rule in changed:
        rule.full_clean()
        rule.save()
        audit.record(
            actor=acting_user,
            action="reminders.rule_save",
            obj=rule,
            before=old.get(rule.pk),
            after=audit.snapshot(rule, RULE_FIELDS),
        )
    for rule in deleted:
        audit.record(
            actor=acting_user, action="reminders.rule_delete", obj=rule, before=old.get(rule.pk)
        )
        rule.delete()
    return len(changed) + len(deleted)
