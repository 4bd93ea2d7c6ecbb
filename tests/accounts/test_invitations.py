"""Invitations: the mail arrives over real SMTP, its link sets the password once; expired, revoked,
reused and replaced links are refused in Japanese; a duplicate address is refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.selectors import InvitationRefused
from accounts.services import invitation_accept, invitation_create, invitation_resend, invitation_revoke
from council.models import Person, Role, RoleKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
LINK = re.compile(r"http://testserver(/accounts/invite/[\w-]+/)")
PASSWORD = "Kawasemi-Bridge-2026"


def invite(council, secretariat, sent, email="Suzuki@Example.jp", **kwargs):
    with sent():
        return invitation_create(council=council, email=email, by=secretariat, **kwargs)


def make_expired(invitation):
    """Move the invitation back in time: made 8 days ago, so it is past its 7 days."""
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=now - dt.timedelta(days=8),
        sent_at=now - dt.timedelta(days=8),
        expires_at=now - dt.timedelta(days=1),
    )


def link_in(smtp, index=-1) -> str:
    return LINK.search(smtp.inbox.body(index)).group(1)


def set_password(client, path, password=PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


def test_the_invitation_mail_arrives_and_its_link_works_once(client, council, secretariat, smtp, sent):
    person = Person.objects.create(council=council, name="鈴木 一郎")
    issued = invite(council, secretariat, sent, person=person, kind=RoleKind.REVIEWER)
    message = smtp.inbox.messages[-1]
    assert message["Subject"].strip() == "【みどり市地域自立支援協議会】事務局システムへのご招待"
    assert message["To"] == "suzuki@example.jp"
    body = smtp.inbox.body()
    assert "鈴木 一郎 様" in body and "ユーザー名: suzuki@example.jp" in body and "令和" in body
    path = link_in(smtp)
    assert "http://testserver" + path == issued.link
    invitation = Invitation.objects.get()
    assert invitation.token_hash not in path and len(invitation.token_hash) == 64  # only the hash is kept
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)

    user = User.objects.get(email="suzuki@example.jp")
    assert (user.is_active, user.has_usable_password()) == (False, False)  # not before the link is used
    assert Role.objects.filter(user=user, council=council, kind=RoleKind.REVIEWER).exists()
    person.refresh_from_db()
    assert person.user_id == user.pk and person.email == "suzuki@example.jp"

    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "suzuki@example.jp" in html and '<label class="form-label" for="id_new_password1">' in html

    response = set_password(client, path)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    user.refresh_from_db()
    assert user.is_active and user.check_password(PASSWORD)
    signed_in = client.post(reverse("login"), {"username": "suzuki@example.jp", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")
    client.logout()

    again = client.get(path)
    assert again.status_code == 410
    assert "すでに使われています" in again.content.decode()
    reused = set_password(client, path, "Another-Password-99")
    assert reused.status_code == 410
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # The audit history (pghistory) recorded the invitation and its acceptance.
    events = apps.get_model("accounts", "InvitationEvent").objects.filter(pgh_obj_id=invitation.pk)
    assert list(events.order_by("pgh_id").values_list("pgh_label", flat=True)) == ["insert", "update"]


def test_an_expired_link_is_refused_and_a_resend_gives_a_new_one(client, council, secretariat, smtp, sent):
    issued = invite(council, secretariat, sent)
    old_path = link_in(smtp)
    make_expired(issued.invitation)
    page = client.get(old_path)
    assert page.status_code == 410
    html = page.content.decode()
    assert "有効期限" in html and "過ぎています" in html and "再送を依頼" in html
    assert set_password(client, old_path).status_code == 410
    assert not User.objects.get(email="suzuki@example.jp").is_active

    with sent():
        invitation_resend(invitation=issued.invitation, by=secretariat)
    new_path = link_in(smtp)
    assert new_path != old_path
    assert client.get(old_path).status_code == 404  # the old link matches nothing any more
    assert set_password(client, new_path).status_code == 302
    assert User.objects.get(email="suzuki@example.jp").check_password(PASSWORD)


def test_a_revoked_link_is_refused_and_the_address_can_be_invited_again(
    client, council, secretariat, smtp, sent
):
    issued = invite(council, secretariat, sent, kind=RoleKind.SECRETARIAT)
    path = link_in(smtp)
    invitation_revoke(invitation=issued.invitation, by=secretariat)
    page = client.get(path)
    assert page.status_code == 410 and "取り消されています" in page.content.decode()
    assert set_password(client, path).status_code == 410
    # The account made for it, never used, is gone with its role.
    assert not User.objects.filter(email="suzuki@example.jp").exists()
    assert not Role.objects.filter(council=council, user__username="suzuki@example.jp").exists()
    with pytest.raises(InvitationRefused, match="再送できません"):
        invitation_resend(invitation=issued.invitation, by=secretariat)

    invite(council, secretariat, sent)
    assert set_password(client, link_in(smtp)).status_code == 302


def test_a_link_that_matches_nothing_is_not_found(client):
    page = client.get(reverse("invitation_accept", kwargs={"token": "not-a-token"}))
    assert page.status_code == 404
    assert "このリンクは使えません" in page.content.decode()


def test_a_duplicate_address_is_refused_in_japanese(council, other_council, secretariat, smtp, sent):
    invite(council, secretariat, sent, email="suzuki@example.jp")
    with pytest.raises(InvitationRefused, match="すでに招待を送っています") as refused:
        invitation_create(council=other_council, email=" SUZUKI@example.jp ", by=secretariat)
    assert refused.value.state == "duplicate"
    UserFactory(username="tanaka", email="Tanaka@example.jp")
    with pytest.raises(InvitationRefused, match="アカウントはすでにあります"):
        invitation_create(council=council, email="tanaka@EXAMPLE.jp", by=secretariat)
    with pytest.raises(InvitationRefused, match="形式が正しくありません"):
        invitation_create(council=council, email="tanaka@", by=secretariat)
    assert Invitation.objects.count() == 1 and len(smtp.inbox.messages) == 1  # nothing half-saved


def test_an_expired_invitation_is_resent_not_duplicated(council, secretariat, smtp, sent):
    issued = invite(council, secretariat, sent)
    make_expired(issued.invitation)
    with pytest.raises(InvitationRefused, match="有効期限が切れています。招待の一覧から再送"):
        invitation_create(council=council, email="suzuki@example.jp", by=secretariat)


def test_a_weak_password_is_refused_and_the_link_stays_usable(client, council, secretariat, smtp, sent):
    invite(council, secretariat, sent)
    path = link_in(smtp)
    page = set_password(client, path, "12345678")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="id_new_password2-errors"' in html and "aria-invalid" in html
    with pytest.raises(InvitationRefused):
        invitation_accept(token="wrong", password=PASSWORD)
    assert set_password(client, path).status_code == 302


def test_an_accepted_invitation_cannot_be_revoked_or_resent(client, council, secretariat, smtp, sent):
    issued = invite(council, secretariat, sent)
    set_password(client, link_in(smtp))
    with pytest.raises(InvitationRefused, match="受け付けられています"):
        invitation_revoke(invitation=issued.invitation, by=secretariat)
    with pytest.raises(InvitationRefused, match="受け付けられています"):
        invitation_resend(invitation=issued.invitation, by=secretariat)
    assert User.objects.get(email="suzuki@example.jp").is_active
