"""ReportJob: a request to render one yearly document as a PDF, and its result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from council.models import Body, Council
from council.wareki import format_fiscal_year


class DocumentKind(models.TextChoices):
    PROGRESS_REPORT = "progress-report", "検討状況報告書"
    EVALUATION = "evaluation", "振り返り・評価シート"
    POLICY = "policy", "活動方針"
    SCHEDULE = "schedule", "全体スケジュール"
    SUMMARY = "summary", "活動の概要（公開用）"
    BOOK = "book", "年次報告書（全体）"


# A tuple, not a set: the constraint below must serialise in a stable order for migrations.
BODY_DOCUMENTS = (DocumentKind.PROGRESS_REPORT, DocumentKind.EVALUATION, DocumentKind.POLICY)


class JobStatus(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "作成中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"
    CANCELLED = "cancelled", "取り消し"


class ReportJob(models.Model):
    """Who asked for which document, and what came of it.

    ``input_hash`` fingerprints the data the document is rendered from: a request for unchanged
    data is answered with the stored file instead of rendering again.
    """

    council = models.ForeignKey(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="report_jobs"
    )
    body = models.ForeignKey(
        Body,
        verbose_name="会議体",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("帳票", max_length=20, choices=DocumentKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="依頼者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("状態", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    input_hash = models.CharField("入力データの指紋", max_length=64, blank=True, db_index=True)
    file = models.FileField("ファイル", upload_to="reports/%Y/", blank=True)
    error = models.TextField("エラー", blank=True)
    attempts = models.PositiveSmallIntegerField("試行回数", default=0)
    # The Celery message that claimed the row: its redelivery (the worker died) may take it over.
    task_id = models.CharField("処理の識別子", max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("依頼日時", auto_now_add=True)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)

    class Meta:
        verbose_name = "帳票の作成依頼"
        verbose_name_plural = "帳票の作成依頼"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in BODY_DOCUMENTS], body__isnull=False)
                | ~Q(kind__in=[k.value for k in BODY_DOCUMENTS]),
                name="reportjob_body_document_has_body",
                violation_error_message="会議体ごとの帳票には会議体を指定してください。",
            ),
        ]

    def __str__(self) -> str:
        target = self.body or self.council
        return f"{format_fiscal_year(self.fiscal_year)} {target} {self.get_kind_display()}"
