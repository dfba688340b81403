"""Excel exports built in the background, and progress uploaded as a filled-in template."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def export_file_path(instance, filename):
    # Never the user's words in a path: the job id and a fixed suffix.
    return f"exports/{instance.pk}/{instance.kind}.{instance.file_format}"


class ExportJob(models.Model):
    """A workbook built by a Celery job, with its progress and a download link that expires."""

    class Kind(models.TextChoices):
        TASK_LIST = "task_list", _("任务清单")
        LEDGER = "ledger", _("工作台账")
        SUPERVISION = "supervision", _("督查通报")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("已过期")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind)
    file_format = models.CharField(_("格式"), max_length=8, default="xlsx")
    params = models.JSONField(_("参数"), default=dict, blank=True)
    filename = models.CharField(_("下载文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    progress_total = models.PositiveIntegerField(_("总行数"), default=0)
    file = models.FileField(_("文件"), upload_to=export_file_path, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("链接过期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="export_job_progress_bounded",
                violation_error_message=_("已处理行数不能超过总行数。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(expires_at__isnull=False),
                name="export_job_done_expires",
                violation_error_message=_("已完成的导出必须有过期时间。"),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_job_owner_idx"),
            models.Index(fields=["status", "expires_at"], name="export_job_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("export_job", args=[self.pk])

    @property
    def percent_done(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.DONE else 0
        return round(100 * self.progress_done / self.progress_total)

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class ProgressUpload(models.Model):
    """A clerk's filled-in progress template, checked row by row, waiting for confirmation.

    Nothing reaches the reports until the clerk confirms: then the valid rows are saved
    through the reporting services, once (a conditional UPDATE moves it out of PENDING).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        APPLIED = "applied", _("已保存")
        DISCARDED = "discarded", _("已放弃")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.CASCADE,
        related_name="progress_uploads",
    )
    unit = models.ForeignKey(
        "tracker.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(
        "tracker.ReportingPeriod",
        verbose_name=_("报送周期"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    original_name = models.CharField(_("原文件名"), max_length=255)
    rows = models.JSONField(_("有效行"), default=list, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    applied_at = models.DateTimeField(_("保存时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("进展表格上传")
        verbose_name_plural = _("进展表格上传")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("progress_upload", args=[self.pk])
