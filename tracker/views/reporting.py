"""Progress reporting: My work, the report form, the review queue, the task page, periods.

Every view fetches its object through tracker.access and changes state only through
tracker.services.reporting / tracker.services.periods.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Substr
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tracker.access import (
    get_attachment_for_user,
    get_report_for_user,
    get_report_slot_for_user,
    get_task_for_user,
    is_clerk,
    is_supervisor,
    member_unit_ids,
    visible_reports,
)
from tracker.forms.reporting import ReopenForm, ReportForm, ReviewForm, YearPeriodsForm
from tracker.models import (
    Assignment,
    Attachment,
    AuditEntry,
    ProgressReport,
    ReportingPeriod,
    Task,
    Unit,
    UnitGroup,
)
from tracker.schedule import compute_schedule
from tracker.services import periods as period_services
from tracker.services import reporting as report_services
from tracker.services.schedule import latest_report_values

Status = ProgressReport.Status

# My work: what needs the clerk first.
MISSING = "missing"
STATE_ORDER = {MISSING: 0, Status.RETURNED: 1, Status.DRAFT: 2, Status.SUBMITTED: 3}
STATE_LABELS = {
    MISSING: gettext_lazy("未填报"),
    Status.RETURNED: Status.RETURNED.label,
    Status.DRAFT: Status.DRAFT.label,
    Status.SUBMITTED: gettext_lazy("已报送，待审核"),
    Status.ACCEPTED: Status.ACCEPTED.label,
}
REVIEW_PAGE_SIZE = 50
MY_WORK_PAGE_SIZE = 100

HISTORY_LABELS = {
    "report.create": gettext_lazy("创建报告"),
    "report.update": gettext_lazy("修改报告"),
    "report.submit": gettext_lazy("报送报告"),
    "report.resubmit": gettext_lazy("重新报送"),
    "report.return": gettext_lazy("退回报告"),
    "report.accept": gettext_lazy("审核通过"),
    "attachment.add": gettext_lazy("上传佐证材料"),
    "attachment.remove": gettext_lazy("删除佐证材料"),
    "assignment.create": gettext_lazy("增加责任单位"),
    "assignment.update": gettext_lazy("调整责任分工"),
    "assignment.delete": gettext_lazy("移除责任单位"),
    "task.set_lead_officials": gettext_lazy("调整牵头领导"),
}


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# ---------------------------------------------------------------------------------------------
# My work
# ---------------------------------------------------------------------------------------------
@dataclass
class WorkRow:
    """One report slot on My work: plain values from two queries, no model instances
    (a unit may lead thousands of tasks; only one page of rows is rendered)."""

    task_id: int
    number: str
    label: str
    document: str
    sort_key: tuple
    unit: Unit
    period: ReportingPeriod
    roles: list[str] = field(default_factory=list)
    consolidates: bool = False
    report: dict | None = None

    @property
    def state(self) -> str:
        return self.report["status"] if self.report else MISSING

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def role_labels(self) -> str:
        return "、".join(str(Assignment.Role(role).label) for role in self.roles)

    @property
    def url(self) -> str:
        return reverse("report_form", args=[self.task_id, self.unit.pk, self.period.pk])


def my_work_rows(user, periods_by_cadence: dict[str, ReportingPeriod]) -> tuple[list, int]:
    """The clerk's report slots for the given periods, open ones first; a fixed number of
    queries whatever the number of tasks. Returns (open rows, number of accepted ones)."""
    units = member_unit_ids(user)
    if not units or not periods_by_cadence:
        return [], 0
    unit_by_pk = {u.pk: u for u in Unit.objects.filter(pk__in=units)}
    memberships = UnitGroup.members.through.objects.filter(unit_id__in=units)
    group_members: dict[int, list[int]] = {}
    for group_id, unit_id in memberships.values_list("unitgroup_id", "unit_id"):
        group_members.setdefault(group_id, []).append(unit_id)
    assignments = (
        Assignment.objects.filter(
            Q(unit_id__in=units) | Q(group_id__in=list(group_members)),
            task__is_leaf=True,
            task__document__reporting_cadence__in=list(periods_by_cadence),
        )
        .annotate(
            text_head=Substr("task__text", 1, 80),
            task_has_consolidator=Exists(
                Assignment.objects.filter(
                    task=OuterRef("task_id"), consolidates=True, unit__isnull=False
                )
            ),
        )
        .values_list(
            "task_id",
            "unit_id",
            "group_id",
            "role",
            "consolidates",
            "task_has_consolidator",
            "task__number",
            "task__title",
            "text_head",
            "task__order",
            "task__document_id",
            "task__document__doc_number",
            "task__document__title",
            "task__document__year",
            "task__document__reporting_cadence",
        )
        .order_by()  # sorted below in Python; the models' orderings only added joins
    )
    rows_by_key: dict[tuple[int, int], WorkRow] = {}
    for (
        task_id,
        unit_id,
        group_id,
        role,
        consolidates,
        has_consolidator,
        number,
        title,
        text_head,
        order,
        document_id,
        doc_number,
        doc_title,
        year,
        cadence,
    ) in assignments:
        for member_id in [unit_id] if unit_id else group_members[group_id]:
            row = rows_by_key.get((task_id, member_id))
            if row is None:
                row = rows_by_key[(task_id, member_id)] = WorkRow(
                    task_id=task_id,
                    number=number,
                    label=title or text_head,
                    document=doc_number or doc_title,
                    sort_key=(year, document_id, order),
                    unit=unit_by_pk[member_id],
                    period=periods_by_cadence[cadence],
                )
            if role not in row.roles:
                row.roles.append(role)
            if consolidates or not has_consolidator:
                row.consolidates = True
    period_ids = [p.pk for p in periods_by_cadence.values()]
    reports = (
        ProgressReport.objects.filter(unit_id__in=units, period_id__in=period_ids)
        .order_by()
        .values("pk", "task_id", "unit_id", "period_id", "status", "percent", "review_comment")
    )
    for report in reports:
        row = rows_by_key.get((report["task_id"], report["unit_id"]))
        if row is not None and row.period.pk == report["period_id"]:
            row.report = report
    accepted = sum(1 for r in rows_by_key.values() if r.state == Status.ACCEPTED)
    open_rows = [r for r in rows_by_key.values() if r.state != Status.ACCEPTED]
    open_rows.sort(key=lambda r: (STATE_ORDER[r.state], r.sort_key))
    return open_rows, accepted


@login_required
def my_work(request):
    if not is_clerk(request.user):
        raise PermissionDenied
    periods = period_services.current_periods()
    chosen = None
    if request.GET.get("period"):
        try:
            chosen = ReportingPeriod.objects.get(pk=int(request.GET["period"]))
        except (ValueError, ReportingPeriod.DoesNotExist):
            raise Http404 from None
        periods = {chosen.cadence: chosen}
    rows, accepted = my_work_rows(request.user, periods)
    counts = dict.fromkeys(STATE_ORDER, 0)
    for row in rows:
        counts[row.state] += 1
    page = Paginator(rows, MY_WORK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/my_work.html",
        {
            "rows": page.object_list,
            "page": page,
            "counts": [(STATE_LABELS[state], state, n) for state, n in counts.items() if n],
            "accepted_count": accepted,
            "periods": sorted(periods.values(), key=lambda p: p.starts_on),
            "chosen": chosen,
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------------------------------------
# The report form (a clerk of the unit) and the report page (anyone who may read it)
# ---------------------------------------------------------------------------------------------
def _lock_notice(report: ProgressReport | None, period: ReportingPeriod) -> str:
    if period.is_closed:
        return _("该报送周期已关闭，报告已锁定，不能修改。")
    if report is None:
        return ""
    if report.status == Status.ACCEPTED:
        return _("该报告已审核通过并锁定，不能修改。")
    if report.status == Status.SUBMITTED:
        return _("报告已报送，等待督查室审核；如需修改，请联系督查室退回。")
    return ""


def _parts_for(task: Task, unit: Unit, period: ReportingPeriod):
    """For the consolidating unit: the cooperating units' parts (submitted ones shown) and
    the units still missing."""
    parts = list(
        ProgressReport.objects.filter(task=task, period=period, is_consolidated=False)
        .exclude(unit=unit)
        .exclude(status=Status.DRAFT)
        .select_related("unit")
        .prefetch_related("attachments")
        .order_by("unit__name")
    )
    reported = {p.unit_id for p in parts}
    direct = Assignment.objects.filter(task=task, unit__isnull=False).exclude(unit=unit)
    via_group = Unit.objects.filter(unit_groups__assignments__task=task).exclude(pk=unit.pk)
    missing_ids = (
        set(direct.values_list("unit_id", flat=True)) | set(via_group.values_list("pk", flat=True))
    ) - reported
    missing = list(Unit.objects.filter(pk__in=missing_ids).order_by("name"))
    return parts, missing


@login_required
def report_form(request, task_pk, unit_pk, period_pk):
    slot = get_report_slot_for_user(request.user, task_pk, unit_pk, period_pk)
    report, period = slot.report, slot.period
    notice = _lock_notice(report, period)
    stale_current = None
    if request.method == "POST":
        if notice:
            raise PermissionDenied(notice)
        submitting = request.POST.get("action") == "submit"
        form = ReportForm(request.POST, request.FILES, submitting=submitting)
        if form.is_valid():
            service = (
                report_services.save_and_submit_report
                if submitting
                else report_services.save_report_draft
            )
            try:
                saved = service(
                    acting_user=request.user,
                    task=slot.task,
                    unit=slot.unit,
                    period=period,
                    data=form.content(),
                    version=form.cleaned_data["version"],
                    uploads=form.cleaned_data["attachments"],
                )
            except report_services.StaleReportError as error:
                stale_current = error.current
                form.add_error(None, error)
                # The typed text stays; saving again now overwrites knowingly.
                form.data = form.data.copy()
                form.data["version"] = str(error.current.version)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if submitting:
                    messages.success(request, _("报告已提交，等待督查室审核。"))
                else:
                    messages.success(request, _("草稿已保存（第%(v)d版）。") % {"v": saved.version})
                return redirect(request.path)
        if request.FILES and form.errors:
            form.add_error("attachments", _("所选文件尚未上传，请重新选择。"))
    else:
        form = ReportForm(initial=ReportForm.initial_for(report))
    parts, missing = _parts_for(slot.task, slot.unit, period) if slot.consolidates else ([], [])
    attachments = list(report.attachments.all()) if report else []
    return render(
        request,
        "reporting/report_form.html",
        {
            "slot": slot,
            "task": slot.task,
            "report": report,
            "form": form,
            "notice": notice,
            "editable": not notice,
            "stale_current": stale_current,
            "parts": parts,
            "missing_units": missing,
            "attachments": attachments,
        },
    )


@login_required
def report_detail(request, pk):
    report = get_report_for_user(request.user, pk)
    can_edit = is_clerk(request.user) and report.unit_id in member_unit_ids(request.user)
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "task": report.task,
            "attachments": list(report.attachments.all()),
            "can_edit": can_edit,
            "can_review": is_supervisor(request.user) and report.status == Status.SUBMITTED,
            "review_form": ReviewForm(),
            "edit_url": reverse(
                "report_form", args=[report.task_id, report.unit_id, report.period_id]
            ),
        },
    )


# ---------------------------------------------------------------------------------------------
# Review by the supervision office
# ---------------------------------------------------------------------------------------------
@login_required
def review_queue(request):
    if not is_supervisor(request.user):
        raise PermissionDenied
    reports = (
        ProgressReport.objects.filter(status=Status.SUBMITTED)
        .select_related("task__document", "unit", "period", "submitted_by__profile")
        .defer("task__document__source_text")
        .annotate(attachment_count=Count("attachments"))
        .order_by("submitted_at", "pk")
    )
    period = None
    if request.GET.get("period"):
        period = get_object_or_404(ReportingPeriod, pk=request.GET["period"])
        reports = reports.filter(period=period)
    page = Paginator(reports, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/review_queue.html",
        {"page": page, "period": period, "periods": ReportingPeriod.objects.all()[:24]},
    )


def _review(request, pk, service, success_message: str):
    """Accept or return in one step from the review queue; errors come back as messages."""
    report = get_report_for_user(request.user, pk, review=True)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        service(acting_user=request.user, report=report, comment=comment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success_message % {"report": report})
    return redirect(_safe_next(request, reverse("review_queue")))


@login_required
@require_POST
def report_accept(request, pk):
    return _review(request, pk, report_services.accept_report, _("已审核通过：%(report)s"))


@login_required
@require_POST
def report_return(request, pk):
    return _review(request, pk, report_services.return_report, _("已退回：%(report)s"))


# ---------------------------------------------------------------------------------------------
# Evidence files
# ---------------------------------------------------------------------------------------------
@login_required
def attachment_download(request, pk):
    attachment = get_attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_attachment_for_user(request.user, pk, write=True)
    report = attachment.report
    try:
        report_services.remove_attachment(acting_user=request.user, attachment=attachment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已删除附件：%(name)s") % {"name": attachment.original_name})
    return redirect("report_form", report.task_id, report.unit_id, report.period_id)


# ---------------------------------------------------------------------------------------------
# Task page
# ---------------------------------------------------------------------------------------------
def task_schedule(task: Task, today: dt.date):
    """The task's schedule today, by the one rule, from its latest counted report."""
    latest = latest_report_values(Task.objects.filter(pk=task.pk)).values(
        "latest_progress", "latest_percent"
    )[0]
    document = task.document
    return compute_schedule(
        today=today,
        deadline_on=task.deadline_on,
        start_on=document.signed_on or dt.date(document.year, 1, 1),
        progress_status=latest["latest_progress"],
        percent=latest["latest_percent"],
    ), latest


def source_excerpt(task: Task) -> str:
    """The lines of the imported file the task was read from, numbered as in the file."""
    source_file = task.document.source_file
    if source_file is None:
        return ""
    lines = source_file.lines(task.source_line_start, task.source_line_end)
    return "\n".join(f"{number:>5}  {text}" for number, text in lines)


@login_required
def task_detail(request, pk):
    task = get_task_for_user(request.user, pk)
    task = Task.objects.select_related("document__source_file", "parent").get(pk=task.pk)
    today = timezone.localdate()
    schedule, latest = task_schedule(task, today)
    assignments = list(task.assignments.select_related("unit", "group").order_by("order"))
    roles = [
        (label, [a for a in assignments if a.role == value])
        for value, label in Assignment.Role.choices
    ]
    reports = list(
        visible_reports(request.user)
        .filter(task=task)
        .select_related("unit", "period", "submitted_by__profile", "reviewed_by__profile")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("-period__starts_on", "-is_consolidated", "unit__name")
    )
    visible_report_ids = {str(r.pk) for r in reports}
    history = list(
        AuditEntry.objects.filter(task=task)
        .select_related("actor__profile")
        .order_by("-created_at", "-id")[:200]
    )
    for entry in history:
        entry.label = HISTORY_LABELS.get(entry.action, entry.action)
        entry.comment = ""
        if (
            entry.action == "report.return"
            and entry.object_id in visible_report_ids
            and entry.after
        ):
            entry.comment = entry.after.get("review_comment", "")
    my_slots = []
    if is_clerk(request.user):
        period = period_services.current_periods(today).get(task.document.reporting_cadence)
        units = member_unit_ids(request.user)
        assigned = {a.unit_id for a in assignments if a.unit_id in units}
        group_ids = [a.group_id for a in assignments if a.group_id]
        if group_ids:
            assigned |= set(
                UnitGroup.members.through.objects.filter(
                    unitgroup_id__in=group_ids, unit_id__in=units
                ).values_list("unit_id", flat=True)
            )
        if period is not None:
            my_slots = [
                (unit, period, reverse("report_form", args=[task.pk, unit.pk, period.pk]))
                for unit in Unit.objects.filter(pk__in=assigned).order_by("name")
            ]
    return render(
        request,
        "reporting/task_detail.html",
        {
            "task": task,
            "schedule": schedule,
            "latest": latest,
            "today": today,
            "officials": list(task.lead_officials.select_related("official").order_by("order")),
            "roles": [(label, rows) for label, rows in roles if rows],
            "source": source_excerpt(task),
            "reports": reports,
            "history": history,
            "my_slots": my_slots,
        },
    )


# ---------------------------------------------------------------------------------------------
# Periods (the supervision office)
# ---------------------------------------------------------------------------------------------
def _require_supervisor(user) -> None:
    if not is_supervisor(user):
        raise PermissionDenied


@login_required
def period_list(request):
    _require_supervisor(request.user)
    form = YearPeriodsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = period_services.create_year_periods(
                acting_user=request.user,
                year=form.cleaned_data["year"],
                cadence=form.cleaned_data["cadence"],
                due_days=form.cleaned_data["due_days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已新建 %(n)d 个报送周期。") % {"n": len(created)})
            return redirect("period_list")
    periods = ReportingPeriod.objects.annotate(report_count=Count("reports")).order_by(
        "-year", "cadence", "index"
    )
    return render(
        request,
        "reporting/periods.html",
        {"form": form, "periods": periods, "reopen_form": ReopenForm()},
    )


@login_required
@require_POST
def period_close(request, pk):
    _require_supervisor(request.user)
    period = get_object_or_404(ReportingPeriod, pk=pk)
    try:
        period_services.close_period(acting_user=request.user, period=period)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已关闭：%(period)s") % {"period": period})
    return redirect("period_list")


@login_required
@require_POST
def period_reopen(request, pk):
    _require_supervisor(request.user)
    period = get_object_or_404(ReportingPeriod, pk=pk)
    try:
        period_services.reopen_period(
            acting_user=request.user, period=period, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已重新开放：%(period)s") % {"period": period})
    return redirect("period_list")


urlpatterns = [
    path("my-work/", my_work, name="my_work"),
    path("review/", review_queue, name="review_queue"),
    path("tasks/<int:pk>/", task_detail, name="task_detail"),
    path(
        "tasks/<int:task_pk>/reports/<int:unit_pk>/<int:period_pk>/",
        report_form,
        name="report_form",
    ),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/accept/", report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", report_return, name="report_return"),
    path("attachments/<int:pk>/", attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", attachment_delete, name="attachment_delete"),
    path("periods/", period_list, name="period_list"),
    path("periods/<int:pk>/close/", period_close, name="period_close"),
    path("periods/<int:pk>/reopen/", period_reopen, name="period_reopen"),
]
