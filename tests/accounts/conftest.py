from __future__ import annotations

import pytest

from tests.mailserver import running_smtp_server


@pytest.fixture
def smtp():
    """A real SMTP server on a free port; mail settings point at it and tasks run at once."""
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def sent(smtp, django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the queued mails) of the block: ``with sent(): ...``."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
