"""Regional issues (地域課題), their append-only history of moves, and action plans.

Which moves are allowed lives in ``issues.workflow`` (one table); ``issues.services`` applies them.
"""

from __future__ import annotations

import unicodedata

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from council import history
from council.models import Body, Council
from meetings.models import Meeting


class IssueStatus(models.TextChoices):
    RAISED = "raised", "提起"
    COLLECTED = "collected", "集約"
    STUDYING = "studying", "検討中"
    PROPOSED = "proposed", "提案"
    DISCUSSING = "discussing", "協議中"
    APPROVED = "approved", "承認"
    IN_ACTION = "in_action", "実行中"
    RESOLVED = "resolved", "解決"
    CLOSED = "closed", "取扱い終了"
    SOLVED_INDIVIDUALLY = "solved_individually", "個別支援で解決"
    MERGED = "merged", "統合"


OPEN_STATUSES = frozenset(
    {
        IssueStatus.RAISED,
        IssueStatus.COLLECTED,
        IssueStatus.STUDYING,
        IssueStatus.PROPOSED,
        IssueStatus.DISCUSSING,
        IssueStatus.APPROVED,
        IssueStatus.IN_ACTION,
    }
)


class IssueOrigin(models.TextChoices):
    CASE_CONFERENCE = "case_conference", "個別支援会議"
    MEETING = "meeting", "会議"
    BODY = "body", "会議体・委員から"
    SECRETARIAT = "secretariat", "事務局から"


class Theme(models.Model):
    """A theme tag. The six components of the community care system for mental disability
    (医療, 障害福祉・介護, 住まい, 社会参加(就労), 地域の助け合い・教育, 保健・予防) are seeded by a
    migration and carry a one-letter mark (医/障/住/社/地/保) for reports."""

    name = models.CharField("テーマ", max_length=100, unique=True)
    mark = models.CharField("略記", max_length=4, blank=True)
    is_care_component = models.BooleanField("にも包括の構成要素", default=False)
    sort_order = models.PositiveSmallIntegerField("表示順", default=100)

    class Meta:
        verbose_name = "テーマ"
        verbose_name_plural = "テーマ"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


THEME_SEPARATORS = "・、,，/／ 　"  # the first is the one the others become


def split_theme_marks(text: str, known: dict[str, Theme] | None = None) -> list[str]:
    """「障・医・住」, 「障、医」 or 「障医住」 (one-letter marks run together, when ``known`` says
    each letter is a mark) as a list of marks or names; a known name that holds 「・」 itself
    (防災・安心安全) stays whole."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    guard = "\u2063"  # INVISIBLE SEPARATOR, never typed: keeps 「・」 inside a known name
    for name in sorted(known or (), key=len, reverse=True):
        if "・" in name:
            text = text.replace(name, name.replace("・", guard))
    for separator in THEME_SEPARATORS[1:]:
        text = text.replace(unicodedata.normalize("NFKC", separator), "・")
    parts = [part.strip().replace(guard, "・") for part in text.split("・") if part.strip()]
    if known is not None:
        letters = [part for part in parts if part not in known and all(ch in known for ch in part)]
        if letters:
            parts = [piece for part in parts for piece in (list(part) if part in letters else [part])]
    return parts


def known_themes() -> dict[str, Theme]:
    """Every theme by its mark and by its name (one query)."""
    return {key: theme for theme in Theme.objects.all() for key in (theme.mark, theme.name) if key}


class ThemeOrder(models.Model):
    """The order in which a council lists the theme marks (医/障/住/社/地/保) on its pages, in its
    documents and in its spreadsheets. Without one, themes follow their 表示順."""

    council = models.OneToOneField(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="theme_order"
    )
    marks = models.CharField(
        "テーマの並び順",
        max_length=200,
        help_text="テーマの略記（またはテーマ名）を、並べたい順に「、」や「・」で区切って入力してください"
        "（例: 障、医、住、社、地、保）。書いていないテーマは、その後に標準の順で並びます。",
    )

    class Meta:
        verbose_name = "テーマの並び順"
        verbose_name_plural = "テーマの並び順"

    def __str__(self) -> str:
        return self.marks

    def clean(self) -> None:
        known = known_themes()
        parts = split_theme_marks(self.marks, known)
        unknown = [part for part in parts if part not in known]
        if unknown:
            usable = "・".join(dict.fromkeys(t.mark or t.name for t in known.values()))
            raise ValidationError(
                {"marks": f"「{'」「'.join(unknown)}」というテーマはありません。使えるのは {usable} です。"}
            )
        # Stored as marks joined by 「、」, whatever was typed (「障医住」, 「障, 医」, テーマ名); a theme
        # without a mark by its name, which may hold 「・」 (防災・安心安全).
        self.marks = "、".join(dict.fromkeys(known[part].mark or known[part].name for part in parts))

    def positions(self) -> dict[str, int]:
        return {part: n for n, part in enumerate(self.marks.split("、"))}


def themes_in_order(themes, order: ThemeOrder | None) -> list[Theme]:
    """``themes`` in the council's order (``order``), the rest after them by their 表示順."""
    positions = order.positions() if order is not None else {}
    last = len(positions)

    def key(theme: Theme) -> tuple[int, int, str]:
        place = positions.get(theme.mark, positions.get(theme.name, last))
        return (place, theme.sort_order, theme.name)

    return sorted(themes, key=key)


def council_theme_order(council: Council) -> ThemeOrder | None:
    try:
        return council.theme_order
    except ThemeOrder.DoesNotExist:
        return None


@history.track()
class RegionalIssue(models.Model):
    """A 地域課題: raised from individual support, held by one body at a time, moved with history.

    Issues lifted from a case conference carry no personal data: only what the secretariat chose
    to write in the title and background, and a link to the conference (readable by its members).
    ``version`` increases on every move, so two people moving the same issue at once cannot
    silently overwrite each other (see ``issues.services.issue_move``).
    """

    council = models.ForeignKey(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="issues"
    )
    title = models.CharField("地域課題", max_length=200)
    background = models.TextField("課題が生じる背景", blank=True)
    themes = models.ManyToManyField(Theme, verbose_name="テーマ", blank=True, related_name="issues")
    origin = models.CharField(
        "提起の経路", max_length=20, choices=IssueOrigin.choices, default=IssueOrigin.SECRETARIAT
    )
    origin_meeting = models.ForeignKey(
        Meeting,
        verbose_name="提起した会議",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised_issues",
    )
    body = models.ForeignKey(
        Body, verbose_name="検討している会議体", on_delete=models.PROTECT, related_name="issues"
    )
    status = models.CharField("状態", max_length=20, choices=IssueStatus.choices, default=IssueStatus.RAISED)
    raised_on = models.DateField("提起日", default=timezone.localdate)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="統合先の課題",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_issues",
    )
    reported_to = models.ForeignKey(
        Council,
        verbose_name="報告先の協議会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_issues",
    )
    reported_on = models.DateField("報告日", null=True, blank=True)
    outcome_note = models.TextField("結果・終了の理由", blank=True)
    social_resource = models.TextField("開発・改善した社会資源", blank=True)
    version = models.PositiveIntegerField("版", default=1, editable=False)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "地域課題"
        verbose_name_plural = "地域課題"
        ordering = ["council", "-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="issue_merged_has_target",
                violation_error_message="統合の場合は統合先の課題を指定してください。",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")),
                name="issue_not_merged_into_itself",
                violation_error_message="課題をそれ自身へ統合することはできません。",
            ),
        ]
        indexes = [models.Index(fields=["council", "status"], name="issue_council_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def clean(self) -> None:
        if self.body_id and self.council_id and self.body.council_id != self.council_id:
            raise ValidationError({"body": "検討している会議体は同じ協議会の会議体から選んでください。"})
        if (
            self.origin_meeting_id
            and self.council_id
            and self.origin_meeting.body.council_id != self.council_id
        ):
            raise ValidationError({"origin_meeting": "提起した会議は同じ協議会の会議から選んでください。"})


class MoveKind(models.TextChoices):
    RAISE = "raise", "提起"
    COLLECT = "collect", "集約"
    STUDY = "study", "検討"
    PROPOSE = "propose", "提案"
    DISCUSS = "discuss", "協議"
    APPROVE = "approve", "承認"
    ACT = "act", "実行"
    ESCALATE = "escalate", "上位の会議体へ提案"
    SEND_DOWN = "send_down", "調査・検討を依頼"
    MERGE = "merge", "他の課題へ統合"
    REPORT = "report", "上位の協議会へ報告"
    RESOLVE = "resolve", "解決"
    CLOSE = "close", "取扱い終了"
    SOLVE_INDIVIDUALLY = "solve_individually", "個別支援で解決"
    REOPEN = "reopen", "再開"
    HAND_OVER = "hand_over", "引き継ぎ"


@history.track()
class IssueMove(models.Model):
    """One step in an issue's history. Rows are only ever added (a database trigger refuses
    updates on PostgreSQL); a correction is a new move with its reason."""

    issue = models.ForeignKey(
        RegionalIssue, verbose_name="地域課題", on_delete=models.CASCADE, related_name="moves"
    )
    kind = models.CharField("操作", max_length=20, choices=MoveKind.choices)
    from_status = models.CharField("変更前の状態", max_length=20, choices=IssueStatus.choices, blank=True)
    to_status = models.CharField("変更後の状態", max_length=20, choices=IssueStatus.choices)
    from_body = models.ForeignKey(
        Body, verbose_name="移動元の会議体", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_body = models.ForeignKey(Body, verbose_name="会議体", on_delete=models.PROTECT, related_name="+")
    at_meeting = models.ForeignKey(
        Meeting,
        verbose_name="検討した会議",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issue_moves",
    )
    related_issue = models.ForeignKey(
        RegionalIssue,
        verbose_name="関連する課題",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField("理由・内容", blank=True)
    due_on = models.DateField("期限", null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="実施者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: staff rotate and accounts are removed, the history must still say who.
    by_name = models.CharField("実施者名", max_length=150)
    at = models.DateTimeField("日時", default=timezone.now)

    class Meta:
        verbose_name = "地域課題の経過"
        verbose_name_plural = "地域課題の経過"
        ordering = ["issue", "at", "id"]
        triggers = [
            # Only the links that Django sets to NULL when a user, a meeting or a related issue is
            # deleted may change, and only to NULL; by_name and everything else stay as written.
            pgtrigger.Protect(
                name="issuemove_append_only",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(exclude=["by", "at_meeting", "related_issue"]),
            ),
            pgtrigger.Protect(
                name="issuemove_links_only_cleared",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(new__by__df=pgtrigger.F("old__by"), new__by__isnull=False)
                | pgtrigger.Q(
                    new__at_meeting__df=pgtrigger.F("old__at_meeting"), new__at_meeting__isnull=False
                )
                | pgtrigger.Q(
                    new__related_issue__df=pgtrigger.F("old__related_issue"), new__related_issue__isnull=False
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.by_name}）"


@history.track()
class ActionPlan(models.Model):
    """アクションプラン: the state to reach (目指すべき状態), then rows of who does what by when."""

    issue = models.OneToOneField(
        RegionalIssue, verbose_name="地域課題", on_delete=models.CASCADE, related_name="action_plan"
    )
    target_state = models.TextField("目指すべき状態", blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "アクションプラン"
        verbose_name_plural = "アクションプラン"

    def __str__(self) -> str:
        return f"{self.issue} のアクションプラン"


@history.track()
class ActionPlanRow(models.Model):
    plan = models.ForeignKey(
        ActionPlan, verbose_name="アクションプラン", on_delete=models.CASCADE, related_name="rows"
    )
    position = models.PositiveSmallIntegerField("順番", default=0)
    problem = models.TextField("課題")
    towards = models.CharField("誰に・どこに", max_length=200, blank=True)
    action = models.TextField("誰が何をする", blank=True)
    due_label = models.CharField("いつまでに", max_length=100, blank=True, help_text="例: 令和3年度中")
    due_on = models.DateField("期限日", null=True, blank=True)
    progress = models.TextField("進捗", blank=True)

    class Meta:
        verbose_name = "アクションプランの行"
        verbose_name_plural = "アクションプランの行"
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.problem[:40]
