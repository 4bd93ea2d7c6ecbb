from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.urls import reverse

from accounts.mail import mail_send
from accounts.templatetags.signin import japanese_duration
from accounts.two_factor import normalise_token
from council.access import for_admin
from council.display import person_name
from council.forms import WideEmailField
from council.models import Body, Council, Person, RoleKind


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


class PasswordResetMailForm(PasswordResetForm):
    """Django's reset form, its mail in Japanese and sent by the worker (``accounts.mail``).

    As in Django, an address with no active account sends nothing and shows the same page."""

    email = WideEmailField(
        label="メールアドレス", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        mail_send(
            to=to_email,
            name="password_reset",
            context={
                "name": person_name(user),
                "username": user.get_username(),
                "link": f"{context['protocol']}://{context['domain']}"
                + reverse(
                    "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
                ),
                "valid_for": japanese_duration(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)),
            },
        )


class InvitationForm(forms.Form):
    """「招待する」 on the secretariat's invitation page: the address, and what the account may do."""

    email = forms.EmailField(label="メールアドレス", max_length=254)
    person = forms.ModelChoiceField(
        label="人物（任意）",
        queryset=Person.objects.none(),
        required=False,
        empty_label="（選ばない）",
        help_text="名簿の人物と結び付けます。アカウントがまだない人物だけを表示しています。",
    )
    kind = forms.ChoiceField(
        label="権限",
        choices=[("", "（あとで設定する）"), *RoleKind.choices],
        required=False,
        help_text="会議体の長・担当と構成員には、対象の会議体も選んでください。",
    )
    body = forms.ModelChoiceField(
        label="対象の会議体", queryset=Body.objects.none(), required=False, empty_label="（選ばない）"
    )

    def __init__(self, *args: Any, council: Council, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The secretariat's scope, as in the admin: a case conference and the people who sit only
        # in one stay hidden until the council's pledge is confirmed (council.access.for_admin).
        people = for_admin(Person.objects.filter(council=council, user__isnull=True), user)
        self.fields["person"].queryset = people.select_related("organization")
        bodies = for_admin(Body.objects.filter(council=council), user)
        self.fields["body"].queryset = bodies.order_by("sort_order", "name")


class LoginForm(AuthenticationForm):
    """Django's sign-in form, with the user name's length checked before anyone is asked.

    ``AuthenticationForm`` sets ``max_length`` after the field is built, so no validator enforces it:
    a 300-character name went on to ``authenticate`` and to django-axes, whose record of failed
    attempts holds 255 characters (a 500 page). With the validator, ``clean`` finds no user name
    and says so in Japanese.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class AccountForPersonForm(forms.Form):
    """「メールで招待」 and 「初回パスワード通知書を印刷」 on the person page: the address (when mailed)
    and an extra council-wide power; what they read comes from their memberships."""

    email = forms.CharField(
        label="招待するメールアドレス",
        max_length=254,
        required=False,
        help_text="空欄なら、人物に登録したメールアドレスに送ります。",
    )
    kind = forms.ChoiceField(
        label="追加の権限",
        choices=[
            ("", "なし（会議体の構成員として利用）"),
            (RoleKind.SECRETARIAT, "事務局"),
            (RoleKind.REVIEWER, "福祉課（評価担当）"),
        ],
        required=False,
    )

    def __init__(self, *args: Any, with_email: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_email:
            del self.fields["email"]

    def clean_email(self) -> str:
        return unicodedata.normalize("NFKC", self.cleaned_data["email"]).strip()

    def errors_text(self) -> list[str]:
        return [str(error) for errors in self.errors.values() for error in errors]
