"""Per-body, per-fiscal-year documents: 活動方針, 検討状況報告書 and 振り返り・評価シート.

Facts the meetings already hold (members, the meeting table, 開催回数, 開催月) are derived in
selectors, never stored here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from council import history
from council.models import Body, Person
from council.wareki import format_fiscal_year


class YearlyDocument(models.Model):
    """One per body and fiscal year; subclasses declare ``body`` with their own related name."""

    fiscal_year = models.PositiveSmallIntegerField("年度")
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{format_fiscal_year(self.fiscal_year)} {self.body} {self._meta.verbose_name}"


@history.track()
class ActivityPolicy(YearlyDocument):
    """次年度 活動方針: the policy a body sets for a fiscal year."""

    body = models.ForeignKey(
        Body, verbose_name="会議体", on_delete=models.CASCADE, related_name="activity_policies"
    )
    history = models.TextField("これまでの経過", blank=True)
    policy = models.TextField("今年度の方針", blank=True)
    activities = models.TextField("具体的活動内容", blank=True)

    class Meta:
        verbose_name = "活動方針"
        verbose_name_plural = "活動方針"
        ordering = ["body", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "fiscal_year"],
                name="activitypolicy_unique_per_year",
                violation_error_message="この会議体のこの年度の活動方針はすでにあります。",
            ),
        ]


@history.track()
class ProgressReport(YearlyDocument):
    """検討状況報告書: the narrative parts; members and the meeting table are derived."""

    body = models.ForeignKey(
        Body, verbose_name="会議体", on_delete=models.CASCADE, related_name="progress_reports"
    )
    policy = models.TextField("取組方針", blank=True)
    actions = models.TextField("具体的取組", blank=True)
    direction = models.TextField("今後の検討の方向性", blank=True)
    notes_for_steering = models.TextField("運営会議への伝達事項等", blank=True)

    class Meta:
        verbose_name = "検討状況報告書"
        verbose_name_plural = "検討状況報告書"
        ordering = ["body", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "fiscal_year"],
                name="progressreport_unique_per_year",
                violation_error_message="この会議体のこの年度の検討状況報告書はすでにあります。",
            ),
        ]


class CouncilFunction(models.TextChoices):
    """The six functions of a council a body's evaluation ticks."""

    INFORMATION = "information", "情報機能"
    COORDINATION = "coordination", "調整機能"
    DEVELOPMENT = "development", "開発機能"
    EDUCATION = "education", "教育機能"
    ADVOCACY = "advocacy", "権利擁護機能"
    EVALUATION = "evaluation", "評価機能"


class NextYearDecision(models.TextChoices):
    UNDECIDED = "", "未定"
    CONTINUE = "continue", "継続する"
    END = "end", "終了する"


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "作成中"
    SUBMITTED = "submitted", "提出済"
    RETURNED = "returned", "差戻し"
    APPROVED = "approved", "承認済"


@history.track()
class Evaluation(YearlyDocument):
    """振り返り・評価シート: the year-end review, reviewed by the welfare division."""

    body = models.ForeignKey(
        Body, verbose_name="会議体", on_delete=models.CASCADE, related_name="evaluations"
    )
    written_on = models.DateField("作成日", null=True, blank=True)
    policy = models.TextField("活動方針", blank=True)
    narrative = models.TextField("取り組み内容", blank=True)
    function_information = models.BooleanField(CouncilFunction.INFORMATION.label, default=False)
    function_coordination = models.BooleanField(CouncilFunction.COORDINATION.label, default=False)
    function_development = models.BooleanField(CouncilFunction.DEVELOPMENT.label, default=False)
    function_education = models.BooleanField(CouncilFunction.EDUCATION.label, default=False)
    function_advocacy = models.BooleanField(CouncilFunction.ADVOCACY.label, default=False)
    function_evaluation = models.BooleanField(CouncilFunction.EVALUATION.label, default=False)
    next_year = models.CharField(
        "来年度の取り組み",
        max_length=10,
        choices=NextYearDecision.choices,
        blank=True,
        default=NextYearDecision.UNDECIDED,
    )
    next_policy = models.TextField("活動方針（案）", blank=True)
    next_activities = models.TextField("取り組み内容（来年度）", blank=True)
    handover = models.TextField("引き継ぎ事項等", blank=True)
    end_reason = models.TextField("終了する理由等", blank=True)
    status = models.CharField(
        "状態", max_length=20, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )

    class Meta:
        verbose_name = "振り返り・評価シート"
        verbose_name_plural = "振り返り・評価シート"
        ordering = ["body", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "fiscal_year"],
                name="evaluation_unique_per_year",
                violation_error_message="この会議体のこの年度の振り返り・評価シートはすでにあります。",
            ),
            models.CheckConstraint(
                condition=~models.Q(next_year="end") | ~models.Q(end_reason=""),
                name="evaluation_end_needs_reason",
                violation_error_message="「終了する」場合は理由を記入してください。",
            ),
        ]

    @property
    def functions(self) -> list[str]:
        """Labels of the ticked council functions, in the fixed order of the sheet."""
        return [f.label for f in CouncilFunction if getattr(self, f"function_{f.value}")]


@history.track()
class EvaluationComment(models.Model):
    """メンバーの感想・意見: one member's comment on the year, attributable to a person."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="評価シート", on_delete=models.CASCADE, related_name="comments"
    )
    person = models.ForeignKey(
        Person,
        verbose_name="発言者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluation_comments",
    )
    position = models.PositiveSmallIntegerField("順番", default=0)
    text = models.TextField("感想・意見")

    class Meta:
        verbose_name = "メンバーの感想・意見"
        verbose_name_plural = "メンバーの感想・意見"
        ordering = ["evaluation", "position", "id"]

    def __str__(self) -> str:
        return self.text[:40]


@history.track()
class EvaluationReview(models.Model):
    """One step of the welfare division's review: submitted, returned with comments, approved."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="評価シート", on_delete=models.CASCADE, related_name="reviews"
    )
    to_status = models.CharField("状態", max_length=20, choices=EvaluationStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="実施者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_name = models.CharField("実施者名", max_length=150)
    at = models.DateTimeField("日時", default=timezone.now)
    comment = models.TextField("コメント", blank=True)
    # The approval's own PDF, the frozen record of what was approved: set by evaluation_approve,
    # never for the other steps. SET_NULL: deleting a job must not erase the review history.
    report_job = models.ForeignKey(
        "reports.ReportJob",
        verbose_name="承認した版のPDF",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approvals",
    )

    class Meta:
        verbose_name = "評価シートの確認記録"
        verbose_name_plural = "評価シートの確認記録"
        ordering = ["evaluation", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_to_status_display()} {self.by_name}"
