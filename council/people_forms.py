"""Forms of the secretariat's people pages (人物・構成員, ``council.people_views``).

What an office types is accepted: full-width letters, digits and spaces in the address, katakana or
half-width kana in the ふりがな (kept as hiragana, so the list sorts in あいうえお order), a
full-width space between family and given name. Names themselves are not folded (NFKC would turn
山﨑 into 山崎).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.validators import validate_email

from council.access import for_admin
from council.forms import WarekiDateField
from council.models import Body, Council, MembershipRole, Organization

_SPACES = re.compile(r"[\s\u3000]+")


def normalise_name(text: str) -> str:
    """One ASCII space between the parts of a name, none around it."""
    return _SPACES.sub(" ", text).strip()


def normalise_kana(text: str) -> str:
    """ふりがな as hiragana: half-width and full-width katakana folded, spaces as in names."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)
    return normalise_name(text)


def normalise_email(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _input(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control", **attrs})


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label="氏名・ふりがなで絞り込む",
        required=False,
        max_length=100,
        widget=_input(type="search"),
    )

    def query(self) -> str:
        if not self.is_valid():
            return ""
        return normalise_name(self.cleaned_data["q"])


class PersonForm(forms.Form):
    """「人物の追加」「人物の編集」: name, ふりがな, 所属機関 (chosen, or a new one by name), 役職, address."""

    name = forms.CharField(label="氏名", max_length=100, widget=_input(autocomplete="off"))
    name_kana = forms.CharField(
        label="ふりがな",
        max_length=100,
        required=False,
        widget=_input(autocomplete="off"),
        help_text="ひらがなで入力してください（カタカナで入力しても、ひらがなで登録します）。",
    )
    organization = forms.ModelChoiceField(
        label="登録済みの機関から選ぶ",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="（選ばない）",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    new_organization_name = forms.CharField(
        label="新しい所属機関の名前",
        max_length=200,
        required=False,
        widget=_input(autocomplete="organization"),
        help_text="一覧にない機関は、ここに名前を入力すると登録します（上の選択より優先します）。",
    )
    position_title = forms.CharField(label="役職", max_length=100, required=False, widget=_input())
    email = forms.CharField(
        label="メールアドレス",
        max_length=254,
        required=False,
        widget=_input(type="email", autocomplete="off", inputmode="email"),
        help_text="メールで招待する方は入力してください。全角で入力しても登録できます。",
    )

    # The stamp of the stored person the edit form was opened with (council.concurrency).
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, council: Council, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizations = for_admin(Organization.objects.filter(council=council), user)
        self.fields["organization"].queryset = organizations.order_by("name")

    def clean_name(self) -> str:
        name = normalise_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("氏名を入力してください。")
        return name

    def clean_name_kana(self) -> str:
        return normalise_kana(self.cleaned_data["name_kana"])

    def clean_new_organization_name(self) -> str:
        return normalise_name(self.cleaned_data["new_organization_name"])

    def clean_position_title(self) -> str:
        return normalise_name(self.cleaned_data["position_title"])

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if email:
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    "メールアドレスの形式が正しくありません（例: tanaka@example.jp）。"
                ) from None
        return email


class MembershipForm(forms.Form):
    """「会議体に加える」: the body, the role, the 事務局 mark and the term."""

    body = forms.ModelChoiceField(
        label="会議体",
        queryset=Body.objects.none(),
        empty_label="（選んでください）",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = forms.ChoiceField(
        label="役割",
        choices=MembershipRole.choices,
        initial=MembershipRole.MEMBER,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    is_secretariat = forms.BooleanField(
        label="事務局として参加する（名簿に「事」印）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    term_start = WarekiDateField(
        label="任期開始日",
        widget=_input(autocomplete="off"),
        help_text="例: 令和7年4月1日、R7.4.1、2025/4/1",
    )
    term_end = WarekiDateField(
        label="任期終了日",
        required=False,
        widget=_input(autocomplete="off"),
        help_text="空欄は任期の定めなし。例: 令和9年3月31日",
    )

    def __init__(self, *args: Any, council: Council, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A case conference is not offered until the pledge is confirmed (council.access.for_admin).
        bodies = for_admin(Body.objects.filter(council=council), user)
        self.fields["body"].queryset = bodies.order_by("sort_order", "name")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error(
                "term_end",
                "任期終了日が任期開始日より前になっています。任期開始日以降の日付を入力してください。",
            )
        return data


class MembershipEndForm(forms.Form):
    """「任期を終える」: the last day of the term (today unless typed)."""

    term_end = WarekiDateField(label="任期終了日", widget=_input(autocomplete="off"))
