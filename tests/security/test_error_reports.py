"""Error reports never show a password written in a URL (config/reporting.py)."""

from __future__ import annotations

import sys

import pytest
from django.test import Client, override_settings
from django.urls import path

from config.reporting import mask_url_passwords

PASSWORD = "Zq7-" + "s3cret-pw"  # split: the page quotes this file's source lines
DATABASE_URL = f"postgres://kyogikai:{PASSWORD}@postgres:5432/kyogikai"
REDIS_URL = f"redis://:{PASSWORD}@redis:6379/0"


def _boom(request):
    connection_string = DATABASE_URL  # a frame variable the report lists
    raise RuntimeError(f"could not reach {connection_string}")


urlpatterns = [path("boom/", _boom)]


@override_settings(
    DEBUG=True,
    ROOT_URLCONF=__name__,
    DATABASE_URL=DATABASE_URL,
    REDIS_URL=REDIS_URL,
    CELERY_BROKER_URL=REDIS_URL,
    KYOGIKAI_SERVICES={"default": {"LOCATION": REDIS_URL}},
)
def test_the_technical_500_page_masks_url_passwords_in_settings_meta_frames_and_message():
    client = Client(raise_request_exception=False, HTTP_X_UPSTREAM=DATABASE_URL)
    response = client.get("/boom/", REDIS_URL=REDIS_URL)
    assert response.status_code == 500
    text = response.content.decode()
    assert "RuntimeError" in text and "KYOGIKAI_SERVICES" in text  # the technical page, with settings
    assert PASSWORD not in text
    assert "postgres://kyogikai:********@postgres:5432/kyogikai" in text
    assert "redis://:********@redis:6379/0" in text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("postgres://user:pw@host/db", "postgres://user:********@host/db"),
        ("redis://:pw@redis:6379/0", "redis://:********@redis:6379/0"),
        ("a postgresql+psycopg://u:p%40ss@h:5432/d b", "a postgresql+psycopg://u:********@h:5432/d b"),
        ("postgres://user@host/db", "postgres://user@host/db"),
        ("http://127.0.0.1:8000/c/demo/", "http://127.0.0.1:8000/c/demo/"),
        ("https://example.jp/a?x=1@2", "https://example.jp/a?x=1@2"),
    ],
)
def test_mask_url_passwords(text, masked):
    assert mask_url_passwords(text) == masked


def test_log_lines_and_tracebacks_are_masked():
    import logging

    from config.reporting import UrlPasswordFormatter

    try:
        raise RuntimeError(f"could not reach {DATABASE_URL}")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "broker %s", (REDIS_URL,), sys.exc_info())
    line = UrlPasswordFormatter().format(record)
    assert PASSWORD not in line
    assert "redis://:********@redis:6379/0" in line and "kyogikai:********@postgres" in line
