from __future__ import annotations

from django import forms

from privacy.models import Requester


class DataRequestForm(forms.Form):
    requested_by = forms.ChoiceField(label="求めた人", choices=Requester.choices, initial=Requester.SELF)
    reason = forms.CharField(
        label="理由・経緯",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="個人が特定できる内容（氏名・病名など）は書かないでください。",
    )


class ErasureForm(DataRequestForm):
    understood = forms.BooleanField(
        label="この操作は元に戻せないことを理解しました",
        required=True,
        error_messages={"required": "元に戻せないことを確認してから、チェックを入れてください。"},
    )
