"""Progress reporting: periods, reports per task × unit × period, evidence files."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def period_label(cadence: str, year: int, index: int) -> str:
    """A period's name as people write it: 2026年第3季度, 2026年5月, 2026年上半年, 2026年度."""
    values = {"year": year, "index": index}
    if cadence == "quarterly":
        return gettext("%(year)s年第%(index)s季度") % values
    if cadence == "monthly":
        return gettext("%(year)s年%(index)s月") % values
    if cadence == "half_yearly":
        if index == 1:
            return gettext("%(year)s年上半年") % values
        return gettext("%(year)s年下半年") % values
    return gettext("%(year)s年度") % values


class ReportingPeriod(models.Model):
    """A reporting period (a quarter by default) with a due date and a lock."""

    cadence = models.CharField(
        _("周期类型"),
        max_length=16,
        choices=[
            ("monthly", _("每月")),
            ("quarterly", _("每季度")),
            ("half_yearly", _("每半年")),
            ("annual", _("每年")),
        ],
        default="quarterly",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    index = models.PositiveSmallIntegerField(_("序号"), help_text=_("季度为1–4，月份为1–12。"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    due_on = models.DateField(_("报送截止日期"))
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报送周期")
        verbose_name_plural = _("报送周期")
        ordering = ["-starts_on", "cadence"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadence", "year", "index"],
                name="reporting_period_unique",
                violation_error_message=_("该报送周期已存在。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="reporting_period_ordered",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self):
        return period_label(self.cadence, self.year, self.index)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ProgressReport(models.Model):
    """One unit's report on one task for one period (a cooperating part or the lead's)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已审核")

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("未启动")
        ON_TRACK = "on_track", _("正常推进")
        BEHIND = "behind", _("滞后")
        DONE = "done", _("已完成")
        ONGOING = "ongoing", _("长期推进")

    task = models.ForeignKey(
        "tracker.Task", verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        "tracker.Unit", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("报送周期"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    is_consolidated = models.BooleanField(
        _("汇总报告"), default=False, help_text=_("牵头单位汇总后的报告；否则为配合单位的分报告。")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.DRAFT)
    progress_status = models.CharField(
        _("进展状态"), max_length=16, choices=Progress, default=Progress.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(_("完成百分比"), default=0)
    progress = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    coordination = models.TextField(_("需协调事项"), blank=True)
    next_steps = models.TextField(_("下步打算"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["-period__starts_on", "task"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit", "period"],
                name="progress_report_once_per_period",
                violation_error_message=_("该单位本周期已有此任务的报告。"),
            ),
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="progress_report_percent_range",
                violation_error_message=_("完成百分比应在0到100之间。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_comment=""),
                name="progress_report_returned_has_comment",
                violation_error_message=_("退回的报告必须有审核意见。"),
            ),
        ]
        indexes = [
            models.Index(fields=["period", "status"], name="report_period_status_idx"),
            models.Index(fields=["unit", "period"], name="report_unit_period_idx"),
            # The review queue: submitted reports, oldest first.
            models.Index(fields=["status", "submitted_at"], name="report_status_submitted_idx"),
            # Browse area: "missing report for a period" reads a period's counted
            # consolidated reports (submitted or accepted) from this index alone.
            models.Index(
                fields=["period", "task"],
                condition=Q(is_consolidated=True, status__in=["submitted", "accepted"]),
                name="report_counted_period_task_idx",
            ),
        ]

    def __str__(self):
        return f"{self.task.number} · {self.unit} · {self.period}"

    def get_absolute_url(self):
        return reverse("report_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.ACCEPTED or self.period.is_closed

    @property
    def is_editable(self) -> bool:
        """A unit may change it: a draft or a returned report in an open period."""
        return not self.is_locked and self.status in (self.Status.DRAFT, self.Status.RETURNED)


def attachment_path(instance, filename):
    # The stored name never reuses the uploaded name: no path tricks, no collisions.
    return f"attachments/{instance.report_id}/{instance.sha256[:16]}"


class Attachment(models.Model):
    """An evidence file for a report; stored outside the web root, served after a check."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("报告"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "sha256"],
                name="attachment_unique_per_report",
                violation_error_message=_("该文件已上传到此报告。"),
            )
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("attachment_download", args=[self.pk])
