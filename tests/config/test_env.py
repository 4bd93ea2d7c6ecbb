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
