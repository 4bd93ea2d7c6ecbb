from __future__ import annotations

from django import forms

from accounts.two_factor import normalise_token


class TokenForm(forms.Form):
    """The 6-digit code of an authenticator app (full-width digits and spaces accepted)."""

    token = forms.CharField(
        label="認証アプリに表示されている6桁のコード",
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "size": 8}
        ),
    )

    def clean_token(self) -> str:
        token = normalise_token(self.cleaned_data["token"])
        if len(token) != 6 or not token.isascii() or not token.isdigit():
            raise forms.ValidationError("6桁の数字を入力してください。")
        return token
