"""config.env reads settings from the environment and refuses values it does not understand."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool


@pytest.mark.parametrize("value", ["1", "true", "True", "TRUE", "yes", "Yes", "on", "ON", " true "])
def test_env_bool_true_words(monkeypatch, value):
    monkeypatch.setenv("KYOGIKAI_TEST_FLAG", value)
    assert env_bool("KYOGIKAI_TEST_FLAG", default=False) is True


@pytest.mark.parametrize("value", ["0", "false", "False", "FALSE", "no", "No", "off", "OFF"])
def test_env_bool_false_words(monkeypatch, value):
    monkeypatch.setenv("KYOGIKAI_TEST_FLAG", value)
    assert env_bool("KYOGIKAI_TEST_FLAG", default=True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_or_empty_is_the_default(monkeypatch, default):
    monkeypatch.delenv("KYOGIKAI_TEST_FLAG", raising=False)
    assert env_bool("KYOGIKAI_TEST_FLAG", default=default) is default
    monkeypatch.setenv("KYOGIKAI_TEST_FLAG", "")
    assert env_bool("KYOGIKAI_TEST_FLAG", default=default) is default


@pytest.mark.parametrize("value", ["Ture", "flase", "y", "2", "enabled", "true!"])
def test_env_bool_refuses_unknown_values_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("KYOGIKAI_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match=r"KYOGIKAI_TEST_FLAG='.*' is not a true/false value"):
        env_bool("KYOGIKAI_TEST_FLAG")


def test_a_mistyped_debug_flag_stops_the_settings(tmp_path):
    env = {**os.environ, "DJANGO_DEBUG": "Ture", "KYOGIKAI_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG='Ture' is not a true/false value" in result.stderr


def _settings_of(tmp_path, **env: str) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environ.update({"KYOGIKAI_VAR_DIR": str(tmp_path), **env})
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.DEBUG, s.SECRET_KEY, ' '.join(s.ALLOWED_HOSTS))",
        ],
        env=environ,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_debug_is_off_and_the_secret_key_random_and_kept_when_nothing_is_set(tmp_path):
    debug, key, *hosts = _settings_of(tmp_path)
    assert debug == "False"
    assert key != "dev-only-insecure-key-change-me-in-production" and len(key) >= 50
    path = tmp_path / "secret_key"
    assert path.read_text().strip() == key
    assert path.stat().st_mode & 0o777 == 0o600
    assert "localhost" in hosts and "127.0.0.1" in hosts
    assert _settings_of(tmp_path)[1] == key  # sessions survive a restart


def test_the_development_key_only_with_debug_on_and_a_given_key_always_wins(tmp_path):
    assert _settings_of(tmp_path, DJANGO_DEBUG="true")[:2] == [
        "True",
        "dev-only-insecure-key-change-me-in-production",
    ]
    assert _settings_of(tmp_path, DJANGO_SECRET_KEY="k" * 60)[1] == "k" * 60
    assert not (tmp_path / "secret_key").exists()
