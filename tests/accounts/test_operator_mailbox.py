"""「送信したメール」: the site operator reads the mails written to var/mail/ (no SMTP server)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.services import invitation_create
from tests.factories import UserFactory
from tests.mailserver import eager_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_folder(tmp_path, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SITE_URL = "http://testserver"
    with eager_tasks():
        yield tmp_path / "mail"


def test_an_invitation_is_followed_from_the_operators_page(
    client, council, superuser, mail_folder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(council=council, email="first@example.jp")
        invitation_create(council=council, email="second@example.jp")
    client.force_login(superuser)
    page = client.get(reverse("operator_mailbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("second@example.jp") < html.index("first@example.jp")  # newest first
    assert html.count("【みどり市地域自立支援協議会】事務局システムへのご招待") == 2
    link = re.search(r'<a href="(http://testserver/accounts/invite/[\w-]+/)"', html).group(1)
    client.logout()
    assert client.get(link.removeprefix("http://testserver")).status_code == 200


def test_only_the_site_operator_opens_it(client, secretariat, superuser, mail_folder):
    client.force_login(secretariat)
    assert client.get(reverse("operator_mailbox")).status_code == 403
    assert client.post(reverse("operator_mail_test")).status_code == 403
    assert not mail_folder.exists()
    client.logout()
    assert client.get(reverse("operator_mailbox")).status_code == 302


def test_the_check_mail_goes_to_the_operator(client, mail_folder, django_capture_on_commit_callbacks):
    operator = UserFactory(username="operator", email="operator@example.jp", is_superuser=True, is_staff=True)
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("operator_mail_test"))
    assert response.status_code == 302
    page = client.get(reverse("operator_mailbox")).content.decode()
    assert "operator@example.jp" in page and "【協議会】送信の確認" in page


def test_with_smtp_the_page_says_so(client, superuser, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    client.force_login(superuser)
    page = client.get(reverse("operator_mailbox")).content.decode()
    assert "メールサーバー（SMTP）から送信されています" in page
