"""Production settings: the base settings, locked down. ``DJANGO_SETTINGS_MODULE=config.settings_production``.

Required environment: ``DJANGO_SECRET_KEY`` (not the development default) and ``DJANGO_ALLOWED_HOSTS``
(comma separated). The site runs behind a TLS-terminating reverse proxy that sets
``X-Forwarded-Proto``; ``tests/security/test_deploy.py`` runs ``manage.py check --deploy`` on this file.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list
from config.settings import *  # noqa: F403
from config.settings import DEV_SECRET_KEY, SECRET_KEY

DEBUG = False
WHITENOISE_USE_FINDERS = False  # serve the collected static files only

if not os.environ.get("DJANGO_SECRET_KEY") or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the site's host(s), e.g. kyogikai.example.jp.")

# HTTPS only. Behind a TLS-terminating proxy (DJANGO_BEHIND_TLS_PROXY, default true) the proxy's
# X-Forwarded-Proto says the request came over HTTPS; without it SECURE_SSL_REDIRECT would redirect
# every proxied request again and again. The proxy must set (not pass on) that header.
if env_bool("DJANGO_BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# DJANGO_SECURE_COOKIES=false only for a look over plain http (check --deploy then warns).
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Sign out after SESSION_COOKIE_AGE (2 hours) without a request: every request renews the session.
SESSION_SAVE_EVERY_REQUEST = env_bool("DJANGO_SESSION_SAVE_EVERY_REQUEST", True)
X_FRAME_OPTIONS = "DENY"

# django-axes: the client's address as the proxy reports it (one proxy in front by default).
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", 1)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
