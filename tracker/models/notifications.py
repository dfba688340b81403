"""Reminders: the office's rules, and every planned e-mail as a row (the source of truth)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReminderRule(models.Model):
    """One reminder offset the supervision office can change without a deploy.

    `days` counts before the due date (report due, task due), after it (overdue chase,
    escalation, task overdue, per-period digest), or is unused (weekly digest, which
    uses `weekday`).
    """

    class Kind(models.TextChoices):
        REPORT_DUE = "report_due", _("报送提醒（截止前）")
        REPORT_OVERDUE = "report_overdue", _("逾期催报（截止后）")
        REPORT_ESCALATION = "report_escalation", _("逾期升级（截止后）")
        TASK_DUE = "task_due", _("任务时限提醒（到期前）")
        TASK_OVERDUE = "task_overdue", _("任务逾期提醒（到期后）")
        DIGEST = "digest", _("周期汇总（截止后）")
        WEEKLY_DIGEST = "weekly_digest", _("每周汇总")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("星期一")
        TUESDAY = 1, _("星期二")
        WEDNESDAY = 2, _("星期三")
        THURSDAY = 3, _("星期四")
        FRIDAY = 4, _("星期五")
        SATURDAY = 5, _("星期六")
        SUNDAY = 6, _("星期日")

    kind = models.CharField(_("类型"), max_length=32, choices=Kind)
    days = models.PositiveSmallIntegerField(_("天数"), default=0)
    working_days = models.BooleanField(
        _("按工作日计算"), default=False, help_text=_("按法定工作日（含调休）计算天数。")
    )
    weekday = models.PositiveSmallIntegerField(
        _("星期"), choices=Weekday, null=True, blank=True, help_text=_("仅用于每周汇总。")
    )
    mandatory = models.BooleanField(
        _("必须接收"), default=False, help_text=_("用户不能在偏好设置中退订此类邮件。")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("催办规则")
        verbose_name_plural = _("催办规则")
        ordering = ["kind", "-days"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "days"],
                name="reminder_rule_unique_offset",
                violation_error_message=_("同一类型的催办规则天数不能重复。"),
            ),
            models.CheckConstraint(
                condition=~Q(kind="weekly_digest") | Q(weekday__isnull=False),
                name="reminder_rule_weekly_needs_weekday",
                violation_error_message=_("每周汇总必须指定星期。"),
            ),
            models.CheckConstraint(
                condition=Q(days__lte=120),
                name="reminder_rule_days_range",
                violation_error_message=_("天数不能超过120天。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.days}"


class OutgoingEmail(models.Model):
    """One planned e-mail: written in the planning transaction, then claimed and sent once.

    The idempotency key says what the e-mail is for (run, recipient); the database refuses
    a second row with the same key, so planning twice never sends twice. Delivery claims
    rows with a conditional UPDATE (ready → sending) and marks each sent after the SMTP
    server accepted it; a sweep puts rows claimed and never finished back to ready.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("催办提醒")
        DIGEST = "digest", _("周期汇总")
        WEEKLY_DIGEST = "weekly_digest", _("每周汇总")

    class Status(models.TextChoices):
        READY = "ready", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        NO_ADDRESS = "no_address", _("无邮箱地址")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind)
    idempotency_key = models.CharField(_("幂等键"), max_length=200)
    run_on = models.DateField(_("计划日期"))
    period = models.ForeignKey(
        "tracker.ReportingPeriod",
        verbose_name=_("报送周期"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recipient_email = models.EmailField(_("收件地址"), blank=True)
    recipient_name = models.CharField(_("收件人"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    official = models.ForeignKey(
        "tracker.Official",
        verbose_name=_("领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("语言"), max_length=8, default="zh-hans")
    items = models.JSONField(_("事项"), default=list)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.READY)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"))
    dispatched_at = models.DateTimeField(_("最近派发时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    claim_token = models.CharField(_("领取标记"), max_length=32, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    resent_from = models.ForeignKey(
        "self",
        verbose_name=_("重发自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resends",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("外发邮件")
        verbose_name_plural = _("外发邮件")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                name="outgoing_email_unique_key",
                violation_error_message=_("该邮件已计划发送，不能重复。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="no_address") | Q(recipient_email=""),
                name="outgoing_email_no_address_is_blank",
                violation_error_message=_("无邮箱地址的记录不能有收件地址。"),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outgoing_status_next_idx"),
            models.Index(fields=["status", "claimed_at"], name="outgoing_status_claimed_idx"),
            models.Index(fields=["run_on", "kind"], name="outgoing_run_kind_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient_email or self.recipient_name}"
