"""An import of gazette text: kept from preview to confirmation, with progress."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SourceFile(models.Model):
    """An imported file's original text, kept once, so every task can show its source lines."""

    name = models.CharField(_("文件名"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    text = models.TextField(_("原文"))
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("原始文件")
        verbose_name_plural = _("原始文件")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name or self.sha256[:12]

    def lines(self, start: int, end: int) -> list[tuple[int, str]]:
        """Lines start..end (1-based, inclusive) with their numbers, as in the file."""
        if not start:
            return []
        all_lines = self.text.splitlines()
        end = max(end or start, start)
        return [
            (number, all_lines[number - 1]) for number in range(start, min(end, len(all_lines)) + 1)
        ]


class ImportBatch(models.Model):
    """Uploaded or pasted gazette text, its preview state, the clerk's fixes and the outcome."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("待确认")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    source_text = models.TextField(_("原文"))
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.PREVIEW)
    overrides = models.JSONField(
        _("人工修正"),
        default=dict,
        blank=True,
        help_text=_("预览时的修正：未知单位对应的单位，以及个别分工的角色。"),
    )
    progress_done = models.PositiveIntegerField(_("已处理文件数"), default=0)
    progress_total = models.PositiveIntegerField(_("文件总数"), default=0)
    summary = models.JSONField(_("导入结果"), default=dict, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.source_name or _('粘贴文本')} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("import_preview", args=[self.pk])

    @property
    def percent_done(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)
