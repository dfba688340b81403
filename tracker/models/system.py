"""Operational state the site shows about itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat job (beat schedules it every minute)."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    seen_at = models.DateTimeField(_("最近运行"))
    hostname = models.CharField(_("主机"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("后台任务心跳")
        verbose_name_plural = _("后台任务心跳")

    def __str__(self):
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
