"""The site operator's 「協議会の一覧」: every council, and 「協議会を始める」 (the page twin of
``manage.py create_council``)."""

from __future__ import annotations

import unicodedata

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.councils import CouncilStartRefused, council_start
from accounts.mail import mail_to_files
from accounts.selectors import expiry_text
from council.models import Council, CouncilLevel, RoleKind

_LINK_KEY = "operator_started_council"


class CouncilStartForm(forms.Form):
    name = forms.CharField(label="協議会の名称", max_length=200, help_text="例: しらさぎ市地域自立支援協議会")
    slug = forms.SlugField(
        label="識別子",
        max_length=50,
        help_text="URL に使う半角英数字とハイフンの名前です（例: shirasagi）。後から変えられません。",
    )
    secretariat_email = forms.EmailField(
        label="最初の事務局の方のメールアドレス",
        help_text="この方に、パスワードを設定するための招待メールを送ります（7日間有効）。",
    )
    municipality = forms.CharField(label="自治体名", max_length=100, required=False)
    level = forms.ChoiceField(label="区分", choices=CouncilLevel.choices, initial=CouncilLevel.MUNICIPAL)
    parent = forms.ModelChoiceField(
        label="上位の協議会",
        queryset=Council.objects.none(),
        required=False,
        empty_label="なし",
        help_text="都道府県や圏域の協議会に報告する場合に選びます。",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Council.objects.order_by("name")  # type: ignore[attr-defined]

    def clean_slug(self) -> str:
        return unicodedata.normalize("NFKC", self.cleaned_data["slug"]).lower()


def _require_site_operator(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied("サイト管理者だけが開ける画面です。")


@login_required
def operator_councils(request: HttpRequest) -> HttpResponse:
    """「協議会の一覧」 and 「協議会を始める」 (the site operator)."""
    _require_site_operator(request)
    # Full-width letters typed into the 識別子 are read as their half-width selves.
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and "slug" in data:
        data["slug"] = unicodedata.normalize("NFKC", data["slug"]).strip()
    form = CouncilStartForm(data)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            issued = council_start(
                slug=values["slug"],
                name=values["name"],
                secretariat_email=values["secretariat_email"],
                parent=values["parent"],
                municipality=values["municipality"],
                level=values["level"],
                by=request.user,
            )
        except CouncilStartRefused as refused:
            form.add_error(None, str(refused))
        else:
            invitation = issued.invitation
            request.session[_LINK_KEY] = {
                "name": invitation.council.name,
                "email": invitation.email,
                "link": issued.link,
                "expires": expiry_text(invitation),
            }
            messages.success(
                request,
                f"協議会「{invitation.council.name}」を作成し、{invitation.email} に招待のメールを送りました。",
            )
            return redirect("operator_councils")
    councils = (
        Council.objects.select_related("parent")
        .annotate(
            secretariat=Count("roles", filter=Q(roles__kind=RoleKind.SECRETARIAT), distinct=True),
            body_count=Count("bodies", distinct=True),
        )
        .order_by("name")
    )
    return render(
        request,
        "accounts/operator_councils.html",
        {
            "form": form,
            "councils": councils,
            "started": request.session.pop(_LINK_KEY, None),
            "to_files": mail_to_files(),
        },
    )
