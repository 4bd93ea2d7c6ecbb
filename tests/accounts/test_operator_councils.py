"""「協議会を始める」: the site operator starts a council from a page, as create_council does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Invitation
from council.models import Council, CouncilLevel, Role, RoleKind

pytestmark = pytest.mark.django_db

URL = "/operator/councils/"


def _form(**changes):
    data = {
        "name": "しらさぎ市地域自立支援協議会",
        "slug": "shirasagi",
        "secretariat_email": "office@shirasagi.example.jp",
        "municipality": "しらさぎ市",
        "level": CouncilLevel.MUNICIPAL,
        "parent": "",
    }
    data.update(changes)
    return data


def test_the_operator_starts_a_council_and_its_secretariat_is_invited(client, superuser, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(superuser)
    assert reverse("operator_councils") == URL
    response = client.post(URL, _form(slug="ｓｈｉｒａｓａｇｉ"), follow=True)  # full-width letters accepted
    council = Council.objects.get(slug="shirasagi")
    assert council.name == "しらさぎ市地域自立支援協議会"
    invitation = Invitation.objects.get(council=council)
    assert invitation.email == "office@shirasagi.example.jp"
    assert Role.objects.filter(council=council, kind=RoleKind.SECRETARIAT, user=invitation.user).exists()
    html = response.content.decode()
    assert "協議会「しらさぎ市地域自立支援協議会」を作成し" in html
    assert "/accounts/invite/" in html  # the one-time link, for an operator without mail
    # shown once: the next visit does not repeat the link
    assert "/accounts/invite/" not in client.get(URL).content.decode()


def test_a_slug_in_use_is_refused_and_nothing_is_saved(client, superuser, council):
    client.force_login(superuser)
    before = (Council.objects.count(), Invitation.objects.count())
    response = client.post(URL, _form(slug=council.slug, name="別の協議会"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"識別子「{council.slug}」の協議会はすでにあります" in html
    assert 'value="別の協議会"' in html
    assert (Council.objects.count(), Invitation.objects.count()) == before


def test_an_address_with_an_account_is_refused_without_a_half_made_council(client, superuser, secretariat):
    secretariat.email = "taken@example.jp"
    secretariat.save()
    client.force_login(superuser)
    response = client.post(URL, _form(secretariat_email="taken@example.jp"))
    assert response.status_code == 200
    assert "協議会は作成していません" in response.content.decode()
    assert not Council.objects.filter(slug="shirasagi").exists()


def test_a_council_under_a_prefecture(client, superuser, pref_council):
    client.force_login(superuser)
    client.post(URL, _form(parent=str(pref_council.pk)))
    assert Council.objects.get(slug="shirasagi").parent == pref_council


def test_council_users_cannot_open_it(client, secretariat):
    client.force_login(secretariat)
    assert client.get(URL).status_code == 403
    assert client.post(URL, _form()).status_code == 403
    assert not Council.objects.filter(slug="shirasagi").exists()


def test_the_operator_finds_it_from_the_home_page(client, superuser):
    client.force_login(superuser)
    assert URL in client.get("/").content.decode()
