"""Who a user is in Duban: a role, the units they clerk for, their preferences."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """A user's role and preferences; every account has exactly one."""

    class Role(models.TextChoices):
        SUPERVISOR = "supervisor", _("督查室")
        CLERK = "clerk", _("单位联络员")
        OFFICIAL = "official", _("领导")
        VIEWER = "viewer", _("只读")

    class DigestFrequency(models.TextChoices):
        PER_PERIOD = "per_period", _("每个报送周期")
        WEEKLY = "weekly", _("每周")
        NEVER = "never", _("不接收")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role, default=Role.VIEWER)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    language = models.CharField(
        _("语言"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    email_reminders = models.BooleanField(_("接收催办邮件"), default=True)
    digest_frequency = models.CharField(
        _("汇总邮件频率"),
        max_length=16,
        choices=DigestFrequency,
        default=DigestFrequency.PER_PERIOD,
    )

    class Meta:
        verbose_name = _("用户资料")
        verbose_name_plural = _("用户资料")

    def __str__(self):
        return self.display_name or self.user.get_username()


class UnitMembership(models.Model):
    """A user working for a unit: a clerk (联络员) or the unit's head contact."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="unit_memberships",
    )
    unit = models.ForeignKey(
        "tracker.Unit",
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    is_head_contact = models.BooleanField(
        _("单位负责人"), default=False, help_text=_("逾期升级催办时通知此人。")
    )

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="unit_membership_unique",
                violation_error_message=_("该用户已属于此单位。"),
            )
        ]
        indexes = [
            models.Index(
                fields=["unit"], condition=Q(is_head_contact=True), name="unit_head_contact_idx"
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.unit}"
