"""Mail settings from the environment (config.env.email_settings): SMTP in services mode, files by default."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import FILE_BACKEND, SMTP_BACKEND, email_settings
from config.reporting import mask_url_passwords

EMAIL_NAMES = ("EMAIL_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD")


@pytest.fixture(autouse=True)
def no_mail_environment(monkeypatch):
    for name in (*EMAIL_NAMES, "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


def test_nothing_set_writes_files_to_the_mail_folder():
    assert email_settings("/srv/var/mail") == {
        "EMAIL_BACKEND": FILE_BACKEND,
        "EMAIL_FILE_PATH": "/srv/var/mail",
        "EMAIL_TIMEOUT": 10,
    }


def test_email_url_with_starttls(monkeypatch):
    # A password with ":" and "@" is written percent-encoded in a URL.
    monkeypatch.setenv("EMAIL_URL", "smtp://office%40example.jp:p%3Ass%40word@mail.example.jp:587?tls=true")
    got = email_settings("/x")
    assert got["EMAIL_BACKEND"] == SMTP_BACKEND
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"]) == ("mail.example.jp", 587)
    assert (got["EMAIL_HOST_USER"], got["EMAIL_HOST_PASSWORD"]) == ("office@example.jp", "p:ss@word")
    assert (got["EMAIL_USE_TLS"], got["EMAIL_USE_SSL"]) == (True, False)


def test_email_url_ssl_and_default_ports(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtps://mail.example.jp")
    got = email_settings("/x")
    assert (got["EMAIL_PORT"], got["EMAIL_USE_SSL"], got["EMAIL_USE_TLS"]) == (465, True, False)
    monkeypatch.setenv("EMAIL_URL", "smtp://mail.example.jp?tls")
    assert email_settings("/x")["EMAIL_PORT"] == 587
    monkeypatch.setenv("EMAIL_URL", "smtp://relay.local")
    got = email_settings("/x")
    assert (got["EMAIL_PORT"], got["EMAIL_USE_TLS"], got["EMAIL_HOST_USER"]) == (25, False, "")


@pytest.mark.parametrize(
    "url", ["http://mail.example.jp", "smtp://", "smtp://h?tls=maybe", "smtp://h?tls=1&ssl=1"]
)
def test_a_wrong_email_url_is_refused(monkeypatch, url):
    monkeypatch.setenv("EMAIL_URL", url)
    with pytest.raises(ImproperlyConfigured):
        email_settings("/x")


def test_the_usual_email_host_variables(monkeypatch):
    monkeypatch.setenv("EMAIL_HOST", "mail.example.jp")
    monkeypatch.setenv("EMAIL_PORT", "2525")
    monkeypatch.setenv("EMAIL_HOST_USER", "office")
    monkeypatch.setenv("EMAIL_HOST_PASSWORD", "secret")
    monkeypatch.setenv("EMAIL_USE_TLS", "true")
    got = email_settings("/x")
    assert got["EMAIL_BACKEND"] == SMTP_BACKEND
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"], got["EMAIL_HOST_USER"]) == (
        "mail.example.jp",
        2525,
        "office",
    )
    assert (got["EMAIL_HOST_PASSWORD"], got["EMAIL_USE_TLS"]) == ("secret", True)


def test_the_email_url_password_is_masked_in_reports():
    line = "EMAIL_URL='smtp://office:secret@mail.example.jp:587?tls'"
    assert mask_url_passwords(line) == "EMAIL_URL='smtp://office:********@mail.example.jp:587?tls'"


def test_the_mail_module_knows_the_embedded_backend_by_the_same_name():
    from accounts.mail import FILE_BACKEND as MAIL_FILE_BACKEND

    assert MAIL_FILE_BACKEND == FILE_BACKEND
