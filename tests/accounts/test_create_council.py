"""`manage.py create_council`: the council, its first secretariat account and the invitation mail."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Invitation
from council.access import council_ids_for
from council.models import Council, Role, RoleKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Hotaru-River-2026"


def create(*args: str) -> str:
    out = StringIO()
    call_command("create_council", *args, stdout=out)
    return out.getvalue()


def test_create_council_makes_the_council_the_account_and_the_mail(client, pref_council, smtp, sent):
    with sent():
        out = create(
            "hotaru",
            "--name",
            "ほたる町地域自立支援協議会",
            "--secretariat-email",
            "Office@Hotaru.example.jp",
            "--parent",
            "pref",
        )
    council = Council.objects.get(slug="hotaru")
    assert (council.name, council.parent) == ("ほたる町地域自立支援協議会", pref_council)
    user = User.objects.get(email="office@hotaru.example.jp")
    assert Role.objects.filter(user=user, council=council, kind=RoleKind.SECRETARIAT).exists()
    assert user.is_staff and not user.is_active  # active once the password is set

    assert "協議会「ほたる町地域自立支援協議会」（hotaru）を作成しました。" in out
    printed = re.search(r"^(http://testserver/accounts/invite/\S+/)$", out, re.MULTILINE).group(1)
    [message] = smtp.inbox.messages
    assert message["Subject"].strip() == "【ほたる町地域自立支援協議会】事務局システムへのご招待"
    assert printed in smtp.inbox.body()  # the same link in the mail and on the screen

    path = printed.removeprefix("http://testserver")
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    signed_in = client.post(reverse("login"), {"username": "office@hotaru.example.jp", "password": PASSWORD})
    assert signed_in.status_code == 302
    user.refresh_from_db()
    assert council_ids_for(user) == {council.pk}
    assert client.get(reverse("council_home", args=["hotaru"])).status_code == 200


def test_an_existing_slug_is_refused_and_nothing_is_saved(council, smtp, sent):
    with sent(), pytest.raises(CommandError, match="識別子「midori」の協議会はすでにあります"):
        create("midori", "--name", "別の協議会", "--secretariat-email", "new@example.jp")
    assert Council.objects.filter(slug="midori").get().name == "みどり市地域自立支援協議会"
    assert not User.objects.filter(email="new@example.jp").exists()
    assert smtp.inbox.messages == []


def test_an_address_with_an_account_is_refused_and_no_council_is_left(db, smtp, sent):
    UserFactory(username="office", email="office@example.jp")
    with sent(), pytest.raises(CommandError, match="アカウントはすでにあります.*協議会は作成していません"):
        create("hotaru", "--name", "ほたる町", "--secretariat-email", "OFFICE@example.jp")
    assert not Council.objects.filter(slug="hotaru").exists()
    assert Invitation.objects.count() == 0 and smtp.inbox.messages == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hotaru", "--parent", "nowhere"], "上位の協議会「nowhere」が見つかりません"),
        (["ほたる"], "識別子: "),
        (["hotaru", "--secretariat-email", "not-an-address"], "メールアドレスの形式が正しくありません"),
    ],
)
def test_bad_input_is_refused_in_japanese(db, smtp, sent, args, message):
    base = {"--name": "ほたる町", "--secretariat-email": "office@example.jp"}
    for flag, value in zip(args[1::2], args[2::2], strict=True):
        base[flag] = value
    with sent(), pytest.raises(CommandError, match=message):
        create(args[0], *[part for pair in base.items() for part in pair])
    assert not Council.objects.exists() and not User.objects.filter(email="office@example.jp").exists()
    assert smtp.inbox.messages == []
