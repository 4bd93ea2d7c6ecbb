"""Settings for the council app, driven by environment variables.

Two ways to run (see README):
- embedded default: nothing set → SQLite file under var/, Celery tasks run eagerly in-process;
- services: DATABASE_URL (PostgreSQL) and REDIS_URL set → real database, real queue, real worker.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from config.env import email_settings, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KYOGIKAI_VAR_DIR", str(BASE_DIR / "var")))

# Off unless a developer turns it on (scripts/start and scripts/test do: DJANGO_DEBUG=true).
DEBUG = env_bool("DJANGO_DEBUG", default=False)
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"


def _secret_key() -> str:
    """DJANGO_SECRET_KEY; else the development key with DEBUG on; else a random key kept in VAR_DIR.

    The persisted key (var/secret_key, mode 0600) lets ``manage.py runserver`` with no settings at
    all still work with DEBUG off, and keeps sessions across restarts. Never a fixed key without DEBUG.
    """
    key = env_str("DJANGO_SECRET_KEY")
    if key:
        return key
    if DEBUG:
        return DEV_SECRET_KEY
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first: use that one
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# An expired or foreign form gets a Japanese page with a way back (config/views.py).
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
# Error reports mask the password of DATABASE_URL, REDIS_URL and any other URL (config/reporting.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.reporting.UrlPasswordReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "config.reporting.UrlPasswordExceptionReporter"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "pgtrigger",
    "pghistory",
    "council",
    "spreadsheets",
    "meetings",
    "subcommittees",
    "issues",
    "reports",
    "dashboard",
    "privacy",
    "demo",  # the top layer: imports every app, imported by none
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Idle time ends a session (a renewal written at most every five minutes): accounts.sessions.
    "accounts.sessions.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # council.access raises PledgeRequired for a case conference not yet pledged for: the redirect.
    "privacy.middleware.PledgeRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.sessions.session_timer",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    # pg_trgm finds Japanese trigrams only in a UTF-8 ctype; the test database is created to match.
    DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = "template0"
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # A second process (a worker, a command) writing at the same time waits for the lock
            # instead of failing with "database is locked".
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Attaches the signed-in user and the URL to every history event pghistory records. PostgreSQL
    # only: it passes the context through SQL that SQLite's cursor cannot run.
    MIDDLEWARE.append("pghistory.middleware.HistoryMiddleware")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# A password-reset link works once, for a day (Django's default is three).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ja"
# Japanese only: a browser asking for English still gets the admin's own texts in Japanese.
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# WhiteNoise warns on every request when the directory is missing (before the first collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# In development WhiteNoise serves straight from the app and project static folders.
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded handouts and generated PDFs are served by a permission-checking view (dashboard.views.
# protected_file), never by the web server: the URL prefix only names that view.
MEDIA_URL = "/files/"

# Mail (accounts.mail): SMTP from EMAIL_URL or EMAIL_HOST…; with neither (the embedded default) every
# mail is written as a file to var/mail/, listed for the site operator at /operator/mail/. Mails are
# sent by the worker (accounts.tasks.send_mail), retried while the SMTP server cannot be reached.
MAIL_DIR = VAR_DIR / "mail"
_MAIL = email_settings(str(MAIL_DIR))
EMAIL_BACKEND = _MAIL["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _MAIL.get("EMAIL_FILE_PATH", str(MAIL_DIR))
EMAIL_HOST = _MAIL.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _MAIL.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _MAIL.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _MAIL.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _MAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _MAIL.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _MAIL["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "協議会 事務局システム <noreply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The address the links in mails start with (invitations made by a command have no request).
SITE_URL = env_str("KYOGIKAI_SITE_URL", "http://localhost:8000").rstrip("/")

# Largest handout a meeting page accepts (meetings.services.handout_check_file).
HANDOUT_MAX_BYTES = env_int("HANDOUT_MAX_BYTES", 20 * 1024 * 1024)

# Spreadsheet imports (spreadsheets.limits): a file past any of these is refused with a message
# saying which limit. The request reads rows for at most IMPORT_SCREEN_SECONDS before handing a
# large file to the worker, which reads it again under the same limits.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 100)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 10_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)
IMPORT_SCREEN_SECONDS = env_int("IMPORT_SCREEN_SECONDS", 2)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: eager in the embedded default, a real Redis-backed queue when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")

# The cache (the password-reset limit counts in it): Redis beside the queue in services mode, so
# every web process counts together; files under var/cache/ in the embedded default.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kyogikai",
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}
# 「パスワードをお忘れの方」: reset mails per address and requests per client address, an hour each.
# Over the limit the page answers as always (it never tells whether an address exists) and sends nothing.
PASSWORD_RESET_MAILS_PER_ADDRESS = env_int("PASSWORD_RESET_MAILS_PER_ADDRESS", 3)
PASSWORD_RESET_REQUESTS_PER_CLIENT = env_int("PASSWORD_RESET_REQUESTS_PER_CLIENT", 20)
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# WeasyPrint does not give memory back: recycle a worker child past this many KiB.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 400_000)
# Longer than the longest task, so Redis does not hand a running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Celery beat (services mode, `celery -A config beat`): jobs left pending by a dead worker or an
# unreachable broker are failed or sent again (reports.services.report_sweep).
CELERY_BEAT_SCHEDULE = {
    "reports-sweep": {"task": "reports.sweep_jobs", "schedule": 60.0},
    # Read records of case conferences past READ_LOG_RETENTION_YEARS go, once a day.
    "privacy-purge-read-records": {"task": "privacy.purge_read_records", "schedule": 24 * 60 * 60.0},
}
# How long the read log of case conferences (閲覧記録, privacy.ReadRecord) is kept, in years.
READ_LOG_RETENTION_YEARS = env_int("READ_LOG_RETENTION_YEARS", 3)
# Every task stops after 10 minutes (the largest book renders in ~4–10 s): SoftTimeLimitExceeded is
# an Exception, so the report and import tasks mark their job failed; the hard limit kills the child.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 660)
CELERY_TIMEZONE = TIME_ZONE


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"masked": {"()": "config.reporting.UrlPasswordFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "masked"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Audit history (django-pghistory): database triggers record inserts, updates and deletes of every
# tracked model (see council.history.track), with the user and URL attached by HistoryMiddleware.
# Event tables are append-only. Triggers exist on PostgreSQL only: the embedded SQLite default
# keeps no audit history.
PGHISTORY_APPEND_ONLY = True


# --- Sign-in hardening (django-axes) and session expiry -------------------------------------------
# Ten wrong passwords in a row for the same user name from the same address lock that pair out for
# 30 minutes. The lockout re-renders the sign-in page (templates/registration/login.html shows the
# Japanese message when ``failure_limit`` is in its context) with HTTP 429.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out credentials before checking them
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes requires
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # "in a row": a successful sign-in clears the count
AXES_LOCKOUT_TEMPLATE = "registration/login.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind a reverse proxy set AXES_IPWARE_PROXY_COUNT / AXES_IPWARE_META_PRECEDENCE_ORDER in the
# production settings, or every client appears with the proxy's address.

# Sessions end with the browser and after two hours. With SESSION_SAVE_EVERY_REQUEST each request
# renews the two hours (an inactivity timeout) at the cost of one session UPDATE per request: on in
# config.settings_production; off by default here, so that the query-count tests measure the page
# itself (set DJANGO_SESSION_SAVE_EVERY_REQUEST=1 to try it in the embedded default).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 2)
SESSION_SAVE_EVERY_REQUEST = env_bool("DJANGO_SESSION_SAVE_EVERY_REQUEST", False)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two-factor sign-in (django-otp, TOTP): required of the 事務局 and 福祉課 of councils that ask for
# it (Council.require_two_factor), optional for everyone else. OTPMiddleware marks a session
# verified; SecondFactorMiddleware keeps a user who still owes the code on the setup/code pages.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "accounts"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1, "accounts.middleware.SecondFactorMiddleware"
)
# A printed letter's first password is replaced before anything else (accounts.first_password).
MIDDLEWARE.insert(
    MIDDLEWARE.index("accounts.middleware.SecondFactorMiddleware") + 1,
    "accounts.middleware.FirstPasswordMiddleware",
)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "協議会 事務局システム")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows anyone's secret key or QR code

# The secretariat's search of the audit history (read-only; PostgreSQL only, like the history).
INSTALLED_APPS += ["audit"]


# --- Content-Security-Policy (django-csp 4) ---------------------------------------------------------
# Scripts and styles only from our own static files: no inline scripts, no eval, no ``style=""``
# attributes (tests/security/test_deploy.py checks our templates). Scripts that set element.style
# (the admin's calendar) are not affected: the CSP governs markup, not the CSSOM.
# The admin alone (its select2 widgets write inline style attributes) also allows 'unsafe-inline'
# styles: accounts.middleware.ContentSecurityPolicyMiddleware, django-csp's with that one change.
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "accounts.middleware.ContentSecurityPolicyMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
