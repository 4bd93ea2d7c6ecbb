"""Meetings of a body: when, how, who came, and what was done (取組・検討内容)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from council import history
from council.models import Body, Organization, Person
from council.wareki import format_fiscal_year, format_wareki


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", "対面"
    ONLINE = "online", "オンライン"
    HYBRID = "hybrid", "対面・オンライン併用"
    WRITTEN = "written", "書面会議"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "予定"
    HELD = "held", "開催済"
    CANCELLED = "cancelled", "中止"


@history.track()
class Meeting(models.Model):
    """One meeting of a body in a fiscal year.

    ``sequence`` is the 第N回 within the body and fiscal year (or the later 年度 the meeting is
    attached to, ``attached_fiscal_year``). It follows the dates, and held meetings keep theirs:
    the one rule is ``meetings.numbering``, applied by ``meetings.services.meeting_save_numbered``.
    A cancelled meeting keeps its place and number.
    ``agencies_count`` and ``people_count`` are the attendance as printed in reports
    ("19機関 25名"): computed from the recorded attendance when there is one, or entered as
    numbers for meetings imported from old records.
    """

    body = models.ForeignKey(Body, verbose_name="会議体", on_delete=models.PROTECT, related_name="meetings")
    fiscal_year = models.PositiveSmallIntegerField("年度", db_index=True)
    sequence = models.PositiveSmallIntegerField("回次", editable=False)
    title = models.CharField(
        "会議名（任意）", max_length=200, blank=True, help_text="臨時会議など、回次のほかに付ける名前です。"
    )
    date = models.DateField("開催日", null=True, blank=True)
    attached_fiscal_year = models.PositiveSmallIntegerField(
        "報告に含める年度",
        null=True,
        blank=True,
        help_text="前の年度に開いた会議（準備会の第1回など）を、後の年度の報告書と回次に含めるときに選びます（事務局のみ）。",
    )
    start_time = models.TimeField("開始時刻", null=True, blank=True)
    end_time = models.TimeField("終了時刻", null=True, blank=True)
    format = models.CharField(
        "開催形式", max_length=20, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON
    )
    place = models.CharField("会場", max_length=200, blank=True)
    status = models.CharField(
        "状態", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    agencies_count = models.PositiveSmallIntegerField("参加機関数", null=True, blank=True)
    people_count = models.PositiveSmallIntegerField("参加人数", null=True, blank=True)
    attendance_note = models.CharField(
        "参加者の補足", max_length=200, blank=True, help_text="例: 区役所職員2名を含む"
    )
    agenda = models.TextField("議題", blank=True)
    minutes = models.TextField("議事録", blank=True)
    notes_for_steering = models.TextField("運営会議への伝達事項", blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    # What the row holds in the database while the numbering service renumbers its series (set
    # there, read by meetings.numbering; never stored).
    stored_sequence: int | None
    stored_status: str | None

    class Meta:
        verbose_name = "会議"
        verbose_name_plural = "会議"
        ordering = ["body", "fiscal_year", "sequence"]
        constraints = [
            models.UniqueConstraint(
                "body",
                Coalesce("attached_fiscal_year", "fiscal_year"),
                "sequence",
                condition=~Q(status="cancelled"),
                name="meeting_sequence_unique",
                violation_error_message="この会議体・年度の回次が重複しています。",
            ),
            models.CheckConstraint(
                condition=Q(attached_fiscal_year__isnull=True)
                | Q(attached_fiscal_year__gt=models.F("fiscal_year")),
                name="meeting_attached_to_later_year",
                violation_error_message="報告に含める年度は、会議の年度より後の年度を選んでください。",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(date__isnull=False),
                name="meeting_held_has_date",
                violation_error_message="開催済の会議には開催日を入力してください。",
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gte=models.F("start_time")),
                name="meeting_times_ordered",
                violation_error_message="終了時刻は開始時刻より後にしてください。",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="meeting_date_idx")]

    def __str__(self) -> str:
        return f"{self.body} {self.sequence_label}"

    @property
    def sequence_label(self) -> str:
        return f"第{self.sequence}回"

    @property
    def document_label(self) -> str:
        """【…】 of the documents: 第N回, with the meeting's own title when it has one (第1回 総会)."""
        title = self.title.strip()
        return f"{self.sequence_label} {title}" if title else self.sequence_label

    @property
    def attendance_label(self) -> str:
        """「18機関 24名参加（市職員2名を含む）」, or "" when nothing was counted."""
        parts = []
        if self.agencies_count:
            parts.append(f"{self.agencies_count}機関")
        if self.people_count:
            parts.append(f"{self.people_count}名")
        if not parts:
            return ""
        note = self.attendance_note.strip()
        return " ".join(parts) + "参加" + (f"（{note}）" if note else "")

    @property
    def fiscal_year_label(self) -> str:
        return format_fiscal_year(self.fiscal_year)

    @property
    def date_wareki(self) -> str:
        return format_wareki(self.date, weekday=True) if self.date else "未定"

    @property
    def is_written(self) -> bool:
        return self.format == MeetingFormat.WRITTEN


@history.track()
class MeetingItem(models.Model):
    """One bullet of 取組・検討内容 (what was done or decided), in order."""

    meeting = models.ForeignKey(Meeting, verbose_name="会議", on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("順番", default=0)
    text = models.TextField("取組・検討内容")

    class Meta:
        verbose_name = "取組・検討内容"
        verbose_name_plural = "取組・検討内容"
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.text[:40]


@history.track()
class Attendance(models.Model):
    """A member of the body (or another person of the council) who attended."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会議", on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        Person, verbose_name="出席者", on_delete=models.CASCADE, related_name="attendances"
    )

    class Meta:
        verbose_name = "出席者"
        verbose_name_plural = "出席者"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return self.person.name


@history.track()
class GuestAttendance(models.Model):
    """People who attended without being members (e.g. 区役所職員2名), counted by agency."""

    meeting = models.ForeignKey(Meeting, verbose_name="会議", on_delete=models.CASCADE, related_name="guests")
    organization = models.ForeignKey(
        Organization,
        verbose_name="所属機関",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization_name = models.CharField("所属（機関名）", max_length=200, blank=True)
    people = models.PositiveSmallIntegerField("人数", default=1)
    note = models.CharField("備考", max_length=200, blank=True)

    class Meta:
        verbose_name = "ゲスト・関係者の出席"
        verbose_name_plural = "ゲスト・関係者の出席"

    def __str__(self) -> str:
        return f"{self.organization or self.organization_name} {self.people}名"


@history.track()
class Handout(models.Model):
    """A file handed out at a meeting. Served only through a permission-checking view."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会議", on_delete=models.CASCADE, related_name="handouts"
    )
    title = models.CharField("資料名", max_length=200)
    file = models.FileField("ファイル", upload_to="handouts/%Y/")
    content_type = models.CharField("ファイル形式", max_length=100, blank=True)
    size = models.PositiveIntegerField("サイズ（バイト）", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登録者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "配布資料"
        verbose_name_plural = "配布資料"
        ordering = ["meeting", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


# --- Calendar feeds (ICS subscriptions) ---------------------------------------------------------


class CalendarFeedScope(models.TextChoices):
    COUNCIL = "council", "協議会全体"
    BODY = "body", "会議体"
    MINE = "mine", "自分の会議"


class CalendarFeed(models.Model):
    """A secret calendar URL (ICS) a user subscribes to from Outlook or Google カレンダー.

    The token in the URL is the only credential: calendar apps cannot sign in. So the token is
    long and random, a feed can be revoked, and every fetch re-checks what the feed's user may
    read *today* (``meetings.feeds.feed_for_token``), so a removed role stops the feed.
    Not audit-tracked on purpose: the history tables would keep copies of the secret token.
    """

    council = models.ForeignKey(
        "council.Council", verbose_name="協議会", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="利用者",
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    scope = models.CharField("対象", max_length=10, choices=CalendarFeedScope.choices)
    body = models.ForeignKey(
        Body,
        verbose_name="会議体",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        help_text="対象が「会議体」のときだけ指定します。",
    )
    token = models.CharField("トークン", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    revoked_at = models.DateTimeField("停止日時", null=True, blank=True)
    last_used_at = models.DateTimeField("最終取得日時", null=True, blank=True)

    class Meta:
        verbose_name = "カレンダー連携"
        verbose_name_plural = "カレンダー連携"
        ordering = ["council", "user", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="body", body__isnull=False) | (~Q(scope="body") & Q(body__isnull=True)),
                name="calendarfeed_body_matches_scope",
                violation_error_message="対象が「会議体」のときだけ会議体を指定してください。",
            ),
        ]

    def __str__(self) -> str:
        target = self.body.name if self.body_id else self.get_scope_display()
        return f"{self.user} : {target}"

    def clean(self) -> None:
        if self.body_id and self.council_id and self.body.council_id != self.council_id:
            raise ValidationError({"body": "会議体は同じ協議会の会議体から選んでください。"})

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
