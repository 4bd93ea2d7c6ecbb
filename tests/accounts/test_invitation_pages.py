"""「アカウントの招待」: the secretariat invites, re-sends and revokes from the page, without a shell."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Invitation
from accounts.services import invitation_create
from council.models import Person, Role, RoleKind

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://testserver(/accounts/invite/[\w-]+/)")


def test_the_secretariat_invites_a_person_as_chair(client, council, secretariat, subcommittee, smtp, sent):
    person = Person.objects.create(council=council, name="山田 花子")
    client.force_login(secretariat)
    page = client.get(reverse("invitation_list", args=[council.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    for field in ("id_email", "id_person", "id_kind", "id_body"):
        assert f'<label class="form-label" for="{field}">' in html
    with sent():
        response = client.post(
            reverse("invitation_list", args=[council.slug]),
            {
                "email": "yamada@example.jp",
                "person": person.pk,
                "kind": RoleKind.CHAIR,
                "body": subcommittee.pk,
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.council, invitation.person, invitation.created_by) == (council, person, secretariat)
    assert Role.objects.filter(user=invitation.user, kind=RoleKind.CHAIR, body=subcommittee).exists()
    assert "山田 花子 様" in smtp.inbox.body()
    listing = client.get(reverse("invitation_list", args=[council.slug])).content.decode()
    assert "yamada@example.jp" in listing and "招待中" in listing and "に招待のメールを送りました" in listing


def test_a_duplicate_address_is_refused_on_the_page(client, council, secretariat, smtp, sent):
    client.force_login(secretariat)
    url = reverse("invitation_list", args=[council.slug])
    with sent():
        client.post(url, {"email": "yamada@example.jp"})
        page = client.post(url, {"email": "YAMADA@example.jp"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "すでに招待を送っています" in html and 'aria-describedby="id_email-errors"' in html
    assert Invitation.objects.count() == 1 and len(smtp.inbox.messages) == 1


def test_a_chair_without_a_body_is_refused(client, council, secretariat, smtp, sent):
    client.force_login(secretariat)
    with sent():
        page = client.post(
            reverse("invitation_list", args=[council.slug]), {"email": "y@example.jp", "kind": RoleKind.CHAIR}
        )
    assert page.status_code == 200 and "会議体を選んでください" in page.content.decode()
    assert not Invitation.objects.exists() and smtp.inbox.messages == []


def test_resend_and_revoke_from_the_page(client, council, secretariat, smtp, sent):
    client.force_login(secretariat)
    with sent():
        client.post(reverse("invitation_list", args=[council.slug]), {"email": "yamada@example.jp"})
    first = LINK.search(smtp.inbox.body()).group(1)
    invitation = Invitation.objects.get()
    with sent():
        client.post(reverse("invitation_resend", args=[council.slug, invitation.pk]))
    second = LINK.search(smtp.inbox.body()).group(1)
    assert len(smtp.inbox.messages) == 2 and first != second
    client.post(reverse("invitation_revoke", args=[council.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.logout()
    assert client.get(second).status_code == 410


def test_another_councils_invitation_is_not_found(
    client, council, other_council, secretariat, outsider, smtp, sent
):
    client.force_login(outsider)
    with sent():
        client.post(reverse("invitation_list", args=[other_council.slug]), {"email": "o@example.jp"})
    theirs = Invitation.objects.get()
    client.force_login(secretariat)
    assert client.post(reverse("invitation_revoke", args=[council.slug, theirs.pk])).status_code == 404
    assert client.post(reverse("invitation_revoke", args=[other_council.slug, theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def _invite_people(council, secretariat, numbers):
    for n in numbers:
        person = Person.objects.create(council=council, name=f"招待 {n}")
        invitation_create(council=council, email=f"p{n}@example.jp", by=secretariat, person=person)


@pytest.mark.parametrize("invited", [2, 6])
def test_the_list_reads_a_fixed_number_of_queries(
    client, council, secretariat, invited, django_assert_num_queries
):
    client.force_login(secretariat)
    _invite_people(council, secretariat, range(invited))
    # session, user, council, roles, pledges; the invitations (with person, account, inviter);
    # which of their people may be named; the person and body pickers (count and rows each).
    with django_assert_num_queries(12):
        page = client.get(reverse("invitation_list", args=[council.slug]))
    assert page.content.decode().count("招待中") == invited
