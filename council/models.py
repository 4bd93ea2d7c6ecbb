"""The council itself: its bodies (会議体), the agencies and people in it, and who may use it.

Everything below a Council belongs to exactly one council; selectors in ``council.access`` scope
every query to the councils a user holds a role in.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from council import history
from council.wareki import fiscal_year_bounds, format_fiscal_year


class CouncilLevel(models.TextChoices):
    MUNICIPAL = "municipal", "市町村"
    REGIONAL = "regional", "圏域"
    PREFECTURE = "prefecture", "都道府県"


@history.track()
class Council(models.Model):
    """A 協議会. A municipal council may report issues up to a parent (prefecture) council."""

    name = models.CharField("協議会の名称", max_length=200)
    slug = models.SlugField(
        "識別子",
        max_length=50,
        unique=True,
        help_text="URL やコマンドで使う半角英数字の名前です（例: demo）。",
    )
    municipality = models.CharField("自治体名", max_length=100, blank=True)
    level = models.CharField(
        "区分", max_length=20, choices=CouncilLevel.choices, default=CouncilLevel.MUNICIPAL
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上位の協議会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="地域課題を報告する先（都道府県協議会など）です。",
    )
    require_two_factor = models.BooleanField(
        "事務局・福祉課の2段階認証を必須にする",
        default=False,
        help_text="オンにすると、この協議会の事務局と福祉課（評価担当）の方は、パスワードに加えて"
        "認証アプリの6桁のコードを入力しないとログインできません（次回のログインから）。",
    )

    steering_label = models.CharField(
        "帳票での運営会議の呼び方",
        max_length=50,
        blank=True,
        help_text="帳票の「〇〇への伝達事項等」に使います（例: 調整会議）。空欄なら、会議体の構成にある"
        "運営会議（調整会議など）の名称を使います。",
    )
    member_label = models.CharField(
        "帳票での部会の構成員の呼び方",
        max_length=50,
        blank=True,
        help_text="専門部会の帳票の構成員の欄の見出しです（例: 委員、構成員）。空欄なら「部会員」です。",
    )

    class Meta:
        verbose_name = "協議会"
        verbose_name_plural = "協議会"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="council_not_own_parent",
                violation_error_message="協議会を自分自身の上位にはできません。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BodyKind(models.TextChoices):
    PLENARY = "plenary", "全体会"
    STEERING = "steering", "運営会議・調整会議"
    SUBCOMMITTEE = "subcommittee", "専門部会"
    WORKING_GROUP = "working_group", "ワーキンググループ"
    FORUM = "forum", "協議の場・準備会"
    CASE_CONFERENCE = "case_conference", "個別支援会議"
    LIAISON = "liaison", "連絡会議・その他の会議"


class BodyStatusKind(models.TextChoices):
    ACTIVE = "active", "活動中"
    PAUSED = "paused", "休止"
    ENDED = "ended", "終了"


@history.track()
class Body(models.Model):
    """A 会議体: the plenary, the steering meeting, a subcommittee, a working group …

    Bodies form a tree through ``parent``. Liaison meetings stand outside the formal tree
    (no parent, kind LIAISON). The name and the status can change from one fiscal year to the
    next; both changes are kept as rows (BodyName, BodyStatus) instead of being overwritten.
    """

    council = models.ForeignKey(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="bodies"
    )
    name = models.CharField("名称（現在）", max_length=200)
    kind = models.CharField("種別", max_length=20, choices=BodyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上位の会議体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name="前身の会議体",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
        help_text="この会議体が引き継いだ会議体（部会の再編など）です。",
    )
    sort_order = models.PositiveIntegerField("表示順", default=0)
    target_meetings_per_year = models.PositiveSmallIntegerField("年間の開催目標（回）", null=True, blank=True)
    started_on = models.DateField(
        "活動開始日",
        null=True,
        blank=True,
        help_text="年度の途中で始めた会議体は、その年度の開催目標をこの日の月から数えます。空欄なら4月からです。",
    )
    description = models.TextField("概要", blank=True)

    class Meta:
        verbose_name = "会議体"
        verbose_name_plural = "会議体"
        ordering = ["council", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="body_not_own_parent",
                violation_error_message="会議体を自分自身の上位にはできません。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.predecessor_id is not None:
            if self.pk is not None and self.predecessor_id == self.pk:
                raise ValidationError({"predecessor": "会議体を自分自身の前身にはできません。"})
            if self.council_id and self.predecessor.council_id != self.council_id:
                raise ValidationError(
                    {"predecessor": "前身・後継の会議体は同じ協議会の会議体から選んでください。"}
                )
        if self.parent_id is None:
            return
        if self.council_id and self.parent.council_id != self.council_id:
            raise ValidationError({"parent": "上位の会議体は同じ協議会の会議体から選んでください。"})
        node, seen = self.parent, {self.pk}
        while node is not None:
            if node.pk in seen:
                raise ValidationError(
                    {"parent": "上位・下位の関係が循環してしまうため、この会議体は選べません。"}
                )
            seen.add(node.pk)
            node = node.parent

    @property
    def is_case_conference(self) -> bool:
        return self.kind == BodyKind.CASE_CONFERENCE

    def name_in(self, fiscal_year: int) -> str:
        """The name the body had in ``fiscal_year`` (uses prefetched ``names`` when present)."""
        rows = [row for row in self.names.all() if row.from_fiscal_year <= fiscal_year]
        if not rows:
            return self.name
        return max(rows, key=lambda row: row.from_fiscal_year).name

    def status_in(self, fiscal_year: int) -> str | None:
        """The status in force in ``fiscal_year``; None before the body existed.

        Uses prefetched ``statuses`` when present, so a tree of bodies costs one query.
        """
        rows = [row for row in self.statuses.all() if row.fiscal_year <= fiscal_year]
        if not rows:
            return None
        return max(rows, key=lambda row: row.fiscal_year).status


class BodyName(models.Model):
    """A name a body carried from a fiscal year on (renames are kept, not overwritten)."""

    body = models.ForeignKey(Body, verbose_name="会議体", on_delete=models.CASCADE, related_name="names")
    from_fiscal_year = models.PositiveSmallIntegerField("適用開始年度")
    name = models.CharField("名称", max_length=200)

    class Meta:
        verbose_name = "会議体の名称履歴"
        verbose_name_plural = "会議体の名称履歴"
        ordering = ["body", "from_fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "from_fiscal_year"],
                name="bodyname_unique_per_year",
                violation_error_message="この年度の名称はすでに登録されています。",
            ),
        ]

    def __str__(self) -> str:
        return f"{format_fiscal_year(self.from_fiscal_year)}〜 {self.name}"


class BodyStatus(models.Model):
    """The status of a body from a fiscal year on: 活動中, 休止 or 終了."""

    body = models.ForeignKey(Body, verbose_name="会議体", on_delete=models.CASCADE, related_name="statuses")
    fiscal_year = models.PositiveSmallIntegerField("適用開始年度")
    status = models.CharField("状態", max_length=10, choices=BodyStatusKind.choices)
    note = models.CharField("備考", max_length=200, blank=True)
    # What the 年次報告書 prints for a body paused or ended in the 年度, instead of its documents.
    background = models.TextField(
        "休止・終了の経過",
        blank=True,
        help_text="休止・終了に至った経過です。年次報告書に、その年度の書類の代わりに載ります。",
    )
    proposal = models.TextField(
        "事務局案",
        blank=True,
        help_text="今後の進め方についての事務局案（再開・統合・引き継ぎなど）です。年次報告書に載ります。",
    )

    class Meta:
        verbose_name = "会議体の状態履歴"
        verbose_name_plural = "会議体の状態履歴"
        ordering = ["body", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "fiscal_year"],
                name="bodystatus_unique_per_year",
                violation_error_message="この年度の状態はすでに登録されています。",
            ),
        ]

    def __str__(self) -> str:
        return f"{format_fiscal_year(self.fiscal_year)}〜 {self.get_status_display()}"


class OrganizationKind(models.TextChoices):
    CONSULTATION = "consultation", "相談支援事業所"
    CORE_CENTER = "core_center", "基幹相談支援センター"
    SERVICE = "service", "障害福祉サービス事業所"
    GOVERNMENT = "government", "行政"
    MEDICAL = "medical", "医療機関"
    EDUCATION = "education", "教育機関"
    EMPLOYMENT = "employment", "雇用・就労支援機関"
    SELF_ADVOCACY = "self_advocacy", "当事者団体・家族会"
    COMMUNITY = "community", "地域団体"
    OTHER = "other", "その他"


class ConsultationLayer(models.TextChoices):
    NONE = "", "該当なし"
    DESIGNATED = "designated", "指定特定相談支援事業所"
    CONTRACTED = "contracted", "委託相談支援事業所"
    CORE = "core", "基幹相談支援センター"


@history.track()
class Organization(models.Model):
    """A 関係機関 taking part in the council."""

    council = models.ForeignKey(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="organizations"
    )
    name = models.CharField("機関名", max_length=200)
    kind = models.CharField(
        "種別", max_length=20, choices=OrganizationKind.choices, default=OrganizationKind.OTHER
    )
    consultation_layer = models.CharField(
        "相談支援の層",
        max_length=20,
        choices=ConsultationLayer.choices,
        blank=True,
        default=ConsultationLayer.NONE,
    )

    class Meta:
        verbose_name = "関係機関"
        verbose_name_plural = "関係機関"
        ordering = ["council", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "name"],
                name="organization_unique_name_per_council",
                violation_error_message="同じ名前の関係機関がすでに登録されています。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


@history.track()
class Person(models.Model):
    """A member or staff person of the council. May be linked to a sign-in account."""

    council = models.ForeignKey(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="people"
    )
    name = models.CharField("氏名", max_length=100)
    name_kana = models.CharField("ふりがな", max_length=100, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name="所属機関",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    position_title = models.CharField("役職", max_length=100, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ログインアカウント",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )

    class Meta:
        verbose_name = "人物"
        verbose_name_plural = "人物"
        ordering = ["council", "name_kana", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organization}）" if self.organization_id else self.name

    def clean(self) -> None:
        if self.organization_id and self.council_id and self.organization.council_id != self.council_id:
            raise ValidationError({"organization": "所属機関は同じ協議会の関係機関から選んでください。"})


class MembershipRole(models.TextChoices):
    CHAIR = "chair", "会長・部会長"
    VICE_CHAIR = "vice_chair", "副会長・副部会長"
    MEMBER = "member", "委員"
    OBSERVER = "observer", "オブザーバー"


@history.track()
class Membership(models.Model):
    """A person sits in a body for a term (任期) with a role; 事務局 members carry the mark."""

    body = models.ForeignKey(
        Body, verbose_name="会議体", on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name="人物", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        "役割", max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    is_secretariat = models.BooleanField("事務局", default=False, help_text="名簿で「事」印を付けます。")
    term_start = models.DateField("任期開始日")
    term_end = models.DateField("任期終了日", null=True, blank=True, help_text="空欄は任期の定めなし。")

    class Meta:
        verbose_name = "会議体の構成員"
        verbose_name_plural = "会議体の構成員"
        ordering = ["body", "-is_secretariat", "role", "person__name_kana", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="membership_term_ordered",
                violation_error_message="任期終了日は任期開始日より後の日付にしてください。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} / {self.person.name}"

    def clean(self) -> None:
        if self.body_id and self.person_id and self.body.council_id != self.person.council_id:
            raise ValidationError({"person": "同じ協議会の人物を選んでください。"})

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.term_start <= end and (self.term_end is None or self.term_end >= start)

    def serves_in(self, fiscal_year: int) -> bool:
        """True when the term overlaps the fiscal year (the 部会員 list of that year)."""
        return self.overlaps(*fiscal_year_bounds(fiscal_year))


class RoleKind(models.TextChoices):
    SECRETARIAT = "secretariat", "事務局"
    CHAIR = "chair", "会議体の長・担当"
    REVIEWER = "reviewer", "福祉課（評価担当）"
    MEMBER = "member", "構成員"


@history.track()
class Role(models.Model):
    """What a sign-in account may do in one council.

    - 事務局 (secretariat): everything in the council, including the admin.
    - 会議体の長 (chair): edits the records of one body; reads the council.
    - 福祉課 (reviewer): reads the whole council; reviews yearly evaluations.
    - 構成員 (member): reads the bodies they sit in.
    A user can hold several roles, in several councils.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ユーザー",
        on_delete=models.CASCADE,
        related_name="council_roles",
    )
    council = models.ForeignKey(
        Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField("権限", max_length=20, choices=RoleKind.choices)
    body = models.ForeignKey(
        Body,
        verbose_name="対象の会議体",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="roles",
        help_text="会議体の長・構成員の場合に指定します。",
    )

    class Meta:
        verbose_name = "利用者の権限"
        verbose_name_plural = "利用者の権限"
        ordering = ["council", "user", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "council", "kind"],
                condition=Q(body__isnull=True),
                name="role_unique_council_wide",
                violation_error_message="この利用者にはすでに同じ権限があります。",
            ),
            models.UniqueConstraint(
                fields=["user", "council", "kind", "body"],
                condition=Q(body__isnull=False),
                name="role_unique_per_body",
                violation_error_message="この利用者にはすでにこの会議体の同じ権限があります。",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["chair", "member"], body__isnull=False)
                | Q(kind__in=["secretariat", "reviewer"], body__isnull=True),
                name="role_body_matches_kind",
                violation_error_message="会議体の長・構成員には対象の会議体を指定し、事務局・福祉課には指定しないでください。",
            ),
        ]

    def __str__(self) -> str:
        target = f"（{self.body}）" if self.body_id else ""
        return f"{self.user} : {self.council} {self.get_kind_display()}{target}"

    def clean(self) -> None:
        if self.body_id and self.council_id and self.body.council_id != self.council_id:
            raise ValidationError({"body": "対象の会議体は同じ協議会の会議体から選んでください。"})


class FormSubmission(models.Model):
    """A form that created something, by its one-time token (``council.submit_once``).

    A double click or a resubmit from the browser's 戻る sends the same token again: the second
    request finds this row and is shown what the first one created."""

    council = models.ForeignKey(Council, verbose_name="協議会", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="送信者", on_delete=models.CASCADE, related_name="+"
    )
    token = models.UUIDField("送信の識別子", unique=True)
    result_url = models.CharField("登録したものの画面", max_length=500, blank=True)
    created_at = models.DateTimeField("送信日時", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "フォームの送信"
        verbose_name_plural = "フォームの送信"

    def __str__(self) -> str:
        return str(self.token)
