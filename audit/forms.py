from __future__ import annotations

from django import forms

from audit.selectors import AuditQuery, ReadQuery, tracked_models
from council.forms import WarekiDateField


class AuditSearchForm(forms.Form):
    """The audit page's search: by record, by person, by date (和暦 or 西暦)."""

    model = forms.ChoiceField(label="記録の種類", required=False)
    object = forms.CharField(
        label="番号または名称",
        required=False,
        max_length=200,
        help_text="例: 12、#12、またはタイトル・名称の一部",
    )
    person = forms.CharField(
        label="操作した人", required=False, max_length=150, help_text="氏名またはログインID の一部"
    )
    date_from = WarekiDateField(label="期間（から）", required=False, help_text="例: 令和7年4月1日、2025/4/1")
    date_to = WarekiDateField(label="期間（まで）", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            form_field.widget.attrs["class"] = "form-select" if name == "model" else "form-control"
        self.fields["model"].choices = [("", "すべての記録")] + [
            (label, str(model._meta.verbose_name)) for label, (model, _) in tracked_models().items()
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "期間の終わりは始まりより後の日付にしてください。")
        return data

    def to_query(self) -> AuditQuery:
        data = self.cleaned_data
        return AuditQuery(
            model_label=data.get("model") or "",
            object_text=data.get("object") or "",
            person_text=data.get("person") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class ReadLogSearchForm(forms.Form):
    """The read log's search (閲覧記録): by person, by case conference, by date (和暦 or 西暦)."""

    person = forms.CharField(
        label="閲覧した人", required=False, max_length=150, help_text="氏名またはログインID の一部"
    )
    body = forms.TypedChoiceField(label="個別支援会議", required=False, coerce=int, empty_value=None)
    date_from = WarekiDateField(label="期間（から）", required=False, help_text="例: 令和7年4月1日、2025/4/1")
    date_to = WarekiDateField(label="期間（まで）", required=False)

    def __init__(self, *args, bodies: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", "すべての個別支援会議")] + bodies
        for name, form_field in self.fields.items():
            form_field.widget.attrs["class"] = "form-select" if name == "body" else "form-control"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "期間の終わりは始まりより後の日付にしてください。")
        return data

    def to_query(self) -> ReadQuery:
        data = self.cleaned_data
        return ReadQuery(
            person_text=data.get("person") or "",
            body_id=data.get("body"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
