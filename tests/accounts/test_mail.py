"""Mail from templates, sent by the worker's task over real SMTP, retried while the server is down."""

from __future__ import annotations

from celery.signals import task_retry

from accounts.mail import mail_send, mailbox_messages, render_mail
from accounts.tasks import send_mail
from tests.mailserver import SmtpServer, eager_tasks, free_port, smtp_settings


def test_a_mail_goes_out_in_japanese_after_commit(smtp, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail_send(to="tanaka@example.jp", name="test", context={"name": "田中"})
        assert smtp.inbox.messages == []  # nothing before the commit
    assert smtp.inbox.envelopes == [("noreply@kyogikai.test", ["tanaka@example.jp"])]
    message = smtp.inbox.messages[0]
    assert message["Subject"] == "【協議会】送信の確認"
    assert message.get_content_type() == "text/plain"
    assert "田中 様" in smtp.inbox.body()
    assert "協議会 事務局システム" in str(message["From"])


def test_a_rolled_back_write_sends_nothing(smtp, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mail_send(to="tanaka@example.jp", name="test", context={"name": "田中"})
    assert len(callbacks) == 1  # queued for the commit only
    assert smtp.inbox.messages == []


def test_templates_are_not_html_escaped():
    subject, body = render_mail("test", {"name": "<山田 & 佐藤>"})
    assert "<山田 & 佐藤> 様" in body
    assert "\n" not in subject


def test_the_task_retries_until_the_server_answers():
    """The SMTP server is down at the first try; it is started when the task asks for a retry."""
    server = SmtpServer(free_port())  # nothing listens yet: connection refused
    retries = []

    def start_server(sender=None, **kwargs):
        retries.append(str(kwargs.get("reason")))
        if server.controller is None:
            server.start()

    task_retry.connect(start_server, weak=False)
    try:
        with smtp_settings(server.port), eager_tasks():
            # throw=False: the retry is taken as a result, as a worker would, not raised into the test.
            result = send_mail.apply(args=["件名のテスト", "本文です。", ["sato@example.jp"]], throw=False)
    finally:
        task_retry.disconnect(start_server)
        server.stop()
    assert result.successful()
    assert len(retries) == 1 and "Connection refused" in retries[0]
    assert [m["Subject"] for m in server.inbox.messages] == ["件名のテスト"]


def test_the_task_gives_up_after_its_last_retry():
    """At the 8th retry the task fails with the SMTP error instead of asking for a 9th."""
    retries = []

    def count(sender=None, **kwargs):
        retries.append(kwargs.get("reason"))

    task_retry.connect(count, weak=False)
    try:
        with smtp_settings(free_port()), eager_tasks():
            result = send_mail.apply(args=["件名", "本文", ["sato@example.jp"]], retries=8, throw=False)
    finally:
        task_retry.disconnect(count)
    assert result.failed() and isinstance(result.result, ConnectionRefusedError)
    assert retries == []
    assert send_mail.max_retries == 8


def test_the_file_backend_mails_are_read_back_newest_first(tmp_path, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    with eager_tasks():
        send_mail.delay("一通目", "最初の本文", ["a@example.jp"])
        send_mail.delay("二通目", "次の本文です。", ["b@example.jp"])
    got = mailbox_messages()
    assert [(m.subject, m.to, m.body.strip()) for m in got] == [
        ("二通目", "b@example.jp", "次の本文です。"),
        ("一通目", "a@example.jp", "最初の本文"),
    ]


def test_no_mail_folder_yet_is_an_empty_list(tmp_path, settings):
    settings.EMAIL_FILE_PATH = str(tmp_path / "nowhere")
    assert mailbox_messages() == []
