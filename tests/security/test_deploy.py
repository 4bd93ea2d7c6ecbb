"""Deployment safety: the production settings pass ``check --deploy``; pages carry a strict CSP."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environ.update({"DJANGO_SETTINGS_MODULE": "config.settings_production", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing():
    key = secrets.token_urlsafe(64)[:50]
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=key,
        DJANGO_ALLOWED_HOSTS="kyogikai.example.jp",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "kyogikai.example.jp"}, "DJANGO_SECRET_KEY"),
        (
            {
                "DJANGO_SECRET_KEY": "dev-only-insecure-key-change-me-in-production",
                "DJANGO_ALLOWED_HOSTS": "x.jp",
            },
            "DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_SECRET_KEY": "x" * 60}, "DJANGO_ALLOWED_HOSTS"),
    ],
    ids=["no-secret-key", "dev-secret-key", "no-allowed-hosts"],
)
def test_production_settings_refuse_to_start_without_their_secrets(env, message):
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client, secretariat, council):
    client.force_login(secretariat)
    pages = (
        reverse("login"),
        reverse("council_home", args=[council.slug]),
        reverse("audit_search", args=[council.slug]),
        reverse("two_factor_setup"),
    )
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
        assert directives["script-src"] == ["'self'"], policy
        assert directives["default-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["object-src"] == ["'none'"]
        assert "unsafe-eval" not in policy
        assert "'unsafe-inline'" not in policy, url  # neither scripts nor styles
        assert directives["style-src"] == ["'self'"], policy


@pytest.mark.django_db
def test_only_the_admin_allows_inline_styles_and_never_inline_scripts(client, secretariat, council):
    # The admin's select2 autocomplete widgets write style="" attributes (seen as CSP violations in
    # Chromium on the meeting form); everything else of the admin needs none.
    client.force_login(secretariat)
    for url in (reverse("admin:index"), reverse("admin:meetings_meeting_add")):
        policy = client.get(url)["Content-Security-Policy"]
        directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
        assert directives["style-src"] == ["'self'", "'unsafe-inline'"], url
        assert directives["script-src"] == ["'self'"], url


# Our own templates, and HTML built in Python (admin columns, format_html): no style="" attribute,
# which the CSP's style-src 'self' would make the browser ignore.
OUR_DIRS = (
    "accounts",
    "audit",
    "config",
    "council",
    "issues",
    "meetings",
    "privacy",
    "reports",
    "subcommittees",
    "templates",
)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)


def test_no_inline_style_attributes_in_our_templates_or_code():
    files = [
        path
        for folder in OUR_DIRS
        for pattern in ("**/*.html", "**/*.py")
        for path in (BASE_DIR / folder).glob(pattern)
        if "migrations" not in path.parts
    ]
    assert len(files) > 50
    offenders = [
        str(p.relative_to(BASE_DIR)) for p in files if STYLE_ATTRIBUTE.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_style_attribute_pattern_catches_what_it_should():
    assert STYLE_ATTRIBUTE.search('<td colspan="12" style="text-align:left">')
    assert STYLE_ATTRIBUTE.search("""format_html('<span STYLE = "color: red">')""")
    assert not STYLE_ATTRIBUTE.search('<link rel="stylesheet" href="app.css">')


def test_base_settings_wire_axes_and_csp():
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert "accounts.middleware.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE  # django-csp's
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60


def test_production_sessions_expire_after_two_idle_hours():
    key = secrets.token_urlsafe(64)[:50]
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_SAVE_EVERY_REQUEST, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.SESSION_COOKIE_AGE, s.DEBUG)",
        DJANGO_SECRET_KEY=key,
        DJANGO_ALLOWED_HOSTS="kyogikai.example.jp",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["True", "True", "7200", "False"]


COMPOSE_VALUE = re.compile(r"\$\{(?P<name>\w+):(?P<op>[-?])(?P<arg>[^}]*)\}")


def _compose_app_env(**required: str) -> dict[str, str]:
    """The x-app-env block of docker-compose.yml, with its defaults (and the required values given)."""
    lines = (BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8").splitlines()
    start = lines.index("x-app-env: &app-env") + 1
    env = {}
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        name, _, value = line.strip().partition(": ")
        env[name] = COMPOSE_VALUE.sub(
            lambda m: m["arg"] if m["op"] == "-" else required[m["name"]], value.strip().strip('"')
        )
    return env


def test_check_deploy_is_clean_with_the_environment_docker_compose_gives():
    env = _compose_app_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(64), POSTGRES_PASSWORD="pw")
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings_production"
    assert env["DJANGO_DEBUG"] == "false" and env["DJANGO_BEHIND_TLS_PROXY"] == "true"
    env.pop("DATABASE_URL")  # the host "postgres" exists in compose only; check needs no database
    env.pop("REDIS_URL")
    env.pop("KYOGIKAI_VAR_DIR")
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    shown = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CELERY_TASK_SOFT_TIME_LIMIT, s.CELERY_TASK_TIME_LIMIT)",
        **env,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https') True True 600 660"


def test_compose_requires_the_database_password():
    text = (BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8")
    assert "${POSTGRES_PASSWORD:?" in text and "${POSTGRES_PASSWORD:-" not in text
    assert text.count("DJANGO_SETTINGS_MODULE: config.settings_production") == 1
    assert text.count("environment: *app-env") == 3  # web, worker and beat
