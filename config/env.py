"""Typed helpers to read settings from the environment (one place, no surprises)."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_bool(name: str, default: bool = False) -> bool:
    """true/false, 1/0, yes/no, on/off (any case); unset or empty is ``default``; anything else is refused."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a true/false value: use true/false, 1/0, yes/no or on/off "
        "(any case), or leave it empty for the default."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if not value else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def email_settings(mail_dir: str) -> dict[str, object]:
    """Django's EMAIL_* settings from the environment.

    ``EMAIL_URL`` (``smtp://user:password@host:587?tls=true``; ``smtps://`` or ``?ssl=true`` for SSL
    on connect) or the usual ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``,
    ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``, ``EMAIL_USE_SSL`` choose SMTP. With none of them set
    (the embedded default) mails are written as files to ``mail_dir``, which the site operator's
    page lists.
    """
    from urllib.parse import parse_qs, unquote, urlsplit

    url = env_str("EMAIL_URL")
    timeout = env_int("EMAIL_TIMEOUT", 10)  # an SMTP server that hangs fails the try; the task retries
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ImproperlyConfigured(
                "EMAIL_URL must look like smtp://user:password@host:587?tls=true (or smtps://host:465)."
            )
        query = {
            key: values[-1].strip().lower()
            for key, values in parse_qs(parts.query, keep_blank_values=True).items()
        }

        def flag(name: str) -> bool:
            word = query.get(name)
            if word is None or word in FALSE_WORDS:
                return False
            if word == "" or word in TRUE_WORDS:  # "?tls" alone means on
                return True
            raise ImproperlyConfigured(f"EMAIL_URL: ?{name}={word} is not a true/false value.")

        use_ssl = parts.scheme == "smtps" or flag("ssl")
        use_tls = flag("tls")
        host, port = parts.hostname, parts.port
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
        if use_ssl and use_tls:
            raise ImproperlyConfigured("EMAIL_URL: choose ?tls (STARTTLS) or ?ssl, not both.")
    elif env_str("EMAIL_HOST"):
        use_ssl = env_bool("EMAIL_USE_SSL", False)
        use_tls = env_bool("EMAIL_USE_TLS", False)
        host, port = env_str("EMAIL_HOST"), env_int("EMAIL_PORT", 0) or None
        user, password = env_str("EMAIL_HOST_USER"), env_str("EMAIL_HOST_PASSWORD")
        if use_ssl and use_tls:
            raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL, not both.")
    else:
        return {"EMAIL_BACKEND": FILE_BACKEND, "EMAIL_FILE_PATH": mail_dir, "EMAIL_TIMEOUT": timeout}
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": host,
        "EMAIL_PORT": port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": user,
        "EMAIL_HOST_PASSWORD": password,
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": timeout,
    }
