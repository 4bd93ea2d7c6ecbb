"""The forms of the 会議体の設定 pages (council.body_views). The rules are the services'; a form only
reads what was typed (full-width digits, 和暦 dates) and offers the council's own bodies."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from council.forms import WarekiDateField
from council.models import Body, BodyKind, BodyStatusKind
from council.tree import tree_order
from council.wareki import current_fiscal_year, format_fiscal_year

TARGET_HELP = "1年間に開く予定の回数です（全角数字も可）。空欄なら目標なしです。"
STARTED_HELP = (
    "年度の途中で始めた会議体は、その年度の開催目標（遅れの判定）をこの日の月から数えます。"
    "「令和8年11月1日」「R8.11.1」のどれでも入力できます。空欄なら、今年度に始める会議体は今日から、"
    "ほかの年度は4月からです。"
)


def year_choices(*also: int | None) -> list[tuple[int, str]]:
    """令和N年度 from three years ahead back to fifteen years ago, plus any year given."""
    now = current_fiscal_year()
    years = set(range(now - 15, now + 4)) | {y for y in also if y}
    return [(y, format_fiscal_year(y)) for y in sorted(years, reverse=True)]


class BodyChoiceField(forms.ModelChoiceField):
    """A body of the council, shown with its name in the page's 年度 (and its place in the tree)."""

    fiscal_year: int = 0

    def label_from_instance(self, obj: Body) -> str:
        name = obj.name_in(self.fiscal_year) if self.fiscal_year else obj.name
        return f"{'　' * getattr(obj, 'depth', 0)}{name}"


def _in_tree_order(bodies: QuerySet[Body], exclude: Body | None = None) -> list[Body]:
    ordered = []
    for body, depth in tree_order(bodies.prefetch_related("statuses", "names")):
        if exclude is not None and body.pk == exclude.pk:
            continue
        body.depth = depth  # type: ignore[attr-defined]  # for label_from_instance
        ordered.append(body)
    return ordered


class _BodyChoices:
    """Offer the council's bodies (prefetched once, in tree order) in the form's body fields."""

    def _offer(self, field_name: str, bodies: list[Body], fiscal_year: int) -> None:
        field = self.fields[field_name]  # type: ignore[attr-defined]
        field.queryset = Body.objects.filter(pk__in=[b.pk for b in bodies])  # the bodies offered
        field.fiscal_year = fiscal_year
        labels = [(b.pk, field.label_from_instance(b)) for b in bodies]
        field.choices = [("", field.empty_label or "---------"), *labels] if field.empty_label else labels


class BodyAddForm(_BodyChoices, forms.Form):
    name = forms.CharField(label="名称", max_length=200, help_text="例: 相談支援部会、就労支援ワーキング")
    kind = forms.ChoiceField(label="種別", choices=BodyKind.choices, initial=BodyKind.SUBCOMMITTEE)
    parent = BodyChoiceField(
        label="上位の会議体",
        queryset=Body.objects.none(),
        required=False,
        empty_label="（なし：最上位、または組織図の外の会議）",
    )
    from_fiscal_year = forms.TypedChoiceField(
        label="開始年度", coerce=int, help_text="この年度から会議体の一覧・日程・帳票に載ります。"
    )
    started_on = WarekiDateField(label="活動開始日", required=False, help_text=STARTED_HELP)
    target_meetings_per_year = forms.IntegerField(
        label="年間の開催目標（回）", required=False, min_value=0, max_value=99, help_text=TARGET_HELP
    )

    def __init__(self, *args, bodies: QuerySet[Body], fiscal_year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._offer("parent", _in_tree_order(bodies), fiscal_year)
        self.fields["from_fiscal_year"].choices = year_choices(fiscal_year)
        self.fields["from_fiscal_year"].initial = fiscal_year
        self.fields["started_on"].fiscal_year = fiscal_year

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class BodyBasicForm(_BodyChoices, forms.Form):
    kind = forms.ChoiceField(label="種別", choices=BodyKind.choices)
    parent = BodyChoiceField(
        label="上位の会議体",
        queryset=Body.objects.none(),
        required=False,
        empty_label="（なし：最上位、または組織図の外の会議）",
    )
    target_meetings_per_year = forms.IntegerField(
        label="年間の開催目標（回）", required=False, min_value=0, max_value=99, help_text=TARGET_HELP
    )
    started_on = WarekiDateField(
        label="活動開始日",
        required=False,
        help_text="年度の途中で始めた会議体は、その年度の開催目標をこの日の月から数えます。空欄なら4月からです。",
    )
    description = forms.CharField(label="概要", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, body: Body, bodies: QuerySet[Body], fiscal_year: int, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "kind": body.kind,
                "parent": body.parent_id,
                "target_meetings_per_year": body.target_meetings_per_year,
                "started_on": body.started_on,
                "description": body.description,
            },
        )
        super().__init__(*args, **kwargs)
        # Every other body is offered; one below this body is refused with the reason (services).
        self._offer("parent", _in_tree_order(bodies, exclude=body), fiscal_year)


class BodyRenameForm(forms.Form):
    from_fiscal_year = forms.TypedChoiceField(
        label="新しい名称を使い始める年度",
        coerce=int,
        help_text="この年度より前の年度の一覧や帳票には、それまでの名称が載ります。",
    )
    name = forms.CharField(label="新しい名称", max_length=200)

    def __init__(self, *args, fiscal_year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_fiscal_year"].choices = year_choices(fiscal_year)
        self.fields["from_fiscal_year"].initial = fiscal_year

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class BodyStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="状態",
        choices=BodyStatusKind.choices,
        widget=forms.RadioSelect,
        help_text="休止・終了は選んだ年度から適用されます。再開するときは「活動中」を選びます。",
    )
    from_fiscal_year = forms.TypedChoiceField(label="適用する年度", coerce=int)
    note = forms.CharField(label="備考", max_length=200, required=False, help_text="例: 委員の改選のため休止")

    def __init__(self, *args, fiscal_year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_fiscal_year"].choices = year_choices(fiscal_year)
        self.fields["from_fiscal_year"].initial = fiscal_year


class BodySuccessorForm(_BodyChoices, forms.Form):
    from_fiscal_year = forms.TypedChoiceField(label="引き継ぐ年度", coerce=int)
    new_name = forms.CharField(
        label="新しく作る会議体の名称",
        max_length=200,
        required=False,
        help_text="再編で新しい会議体を作るときに入力します（種別と上位の会議体は、この会議体と同じになります）。",
    )
    successor = BodyChoiceField(
        label="または、登録済みの会議体を後継にする",
        queryset=Body.objects.none(),
        required=False,
        empty_label="（選ばない）",
    )
    end_old = forms.BooleanField(
        label="この会議体は、引き継ぐ年度から「終了」にする", required=False, initial=True
    )

    def __init__(self, *args, body: Body, bodies: QuerySet[Body], fiscal_year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_fiscal_year"].choices = year_choices(fiscal_year + 1, fiscal_year)
        self.fields["from_fiscal_year"].initial = fiscal_year + 1
        self._offer("successor", _in_tree_order(bodies, exclude=body), fiscal_year)

    def clean(self) -> dict:
        data = super().clean() or {}
        new_name = (data.get("new_name") or "").strip()
        data["new_name"] = new_name
        if bool(new_name) == bool(data.get("successor")):
            raise ValidationError(
                "新しく作る会議体の名称を入力するか、登録済みの会議体を選んでください（どちらか一方です）。"
            )
        return data
