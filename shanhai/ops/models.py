"""A background job as its user sees it: what, for whom, how far, and how it ended (ops/jobs.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("执行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """One piece of background work. The Tasks API's own result row says whether a worker ran it; this
    row says what it means to the user (a Chinese message, the page with the result) and survives a
    worker killed mid-way, which the reaper (`jobs.jobs_reap`) notices and retries or fails."""

    kind = models.CharField(_("类型"), max_length=64)  # "transfer.import", "indicators.rebuild", …
    label = models.CharField(_("名称"), max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="jobs")
    subject = models.CharField(_("对象"), max_length=128, blank=True, db_index=True)  # "transfer.importrun:12"
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    backend = models.CharField(_("队列后端"), max_length=32, default="default")
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("已执行次数"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("最多执行次数"), default=2)
    worker = models.CharField(_("工作进程"), max_length=128, blank=True)  # "host:pid" of the last attempt
    message = models.TextField(_("说明"), blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    url = models.CharField(_("结果页面"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = pgettext_lazy("plural", "后台任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"], name="ops_job_status_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)
