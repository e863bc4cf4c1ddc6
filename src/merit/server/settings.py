"""Django settings for Merit's server, read from the environment.

Embedded default: SQLite in ``MERIT_HOME`` (``~/.merit``), a secret key and a key-encryption key generated there
on first start (files readable only by their owner). Production: ``DATABASE_URL`` (PostgreSQL),
``MERIT_SECRET_KEY``, ``MERIT_KEY_ENCRYPTION_KEY`` (32 bytes, base64url) and ``MERIT_BASE_URL``; see
``docs/deploy.md``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

HOME = Path(os.environ.get("MERIT_HOME", Path.home() / ".merit"))
DEBUG = os.environ.get("MERIT_DEBUG", "") == "1"


def _local_secret(name: str, make: str) -> str:
    """A secret kept in ``MERIT_HOME`` for the embedded default, created once with mode 0600."""
    HOME.mkdir(parents=True, exist_ok=True)
    path = HOME / name
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("MERIT_SECRET_KEY") or _local_secret("secret-key", secrets.token_urlsafe(50))
KEY_ENCRYPTION_KEY = os.environ.get("MERIT_KEY_ENCRYPTION_KEY") or _local_secret(
    "key-encryption-key", secrets.token_urlsafe(32)
)
BASE_URL = os.environ.get("MERIT_BASE_URL", "http://localhost:8000").rstrip("/")
ALLOWED_HOSTS = [h for h in os.environ.get("MERIT_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",") if h]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{HOME / 'merit.sqlite3'}", conn_max_age=int(os.environ.get("MERIT_DB_CONN_MAX_AGE", "60"))
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # A file, not memory, so that tests with several threads share one test database.
    DATABASES["default"]["TEST"] = {"NAME": str(HOME / "test.sqlite3")}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "merit.server.accounts",
    "merit.server.issuing",
    "merit.server.bulk",
    "merit.server.delivery",
    "merit.server.workspace",
    "merit.server.pdf",
    "merit.server.portal",
    "merit.server.passport",
    "merit.server.registry",
    "merit.server.qualifications",
    "merit.server.validation",
    "merit.server.stacking",
    "merit.server.workers",
    "django_tasks",
    "django_tasks_db",
    # Only so that /api/docs serves Swagger UI from Merit's own static files, not from a CDN the policy forbids.
    "ninja",
]
TASKS = {"default": {"BACKEND": os.environ.get("MERIT_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A worker that has not renewed its lease for this long is dead; its tasks go back to the queue (decision 0014).
WORKER_LEASE_SECONDS = float(os.environ.get("MERIT_WORKER_LEASE", "10"))
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one, so that every response (pages, API, static files, the 413 page) carries the policy.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a request body: refuses oversized uploads to the portal and the verify API (413).
    "merit.server.portal.middleware.UploadLimitMiddleware",
    # One outbound budget (time, and a fetching slot) per request: see fetchbudget.py.
    "merit.server.fetchbudget.FetchBudgetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # NUL in a path, query or form field refused (400); a DataError or a missing object a view let through: 4xx.
    "merit.server.requestchecks.RequestChecksMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's saved language where the browser has no language cookie yet (language.py).
    "merit.server.language.PreferenceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "merit.server.urls"
WSGI_APPLICATION = "merit.server.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "merit.server.language.languages",
            ]
        },
    }
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LANGUAGE_CODE = "en"
LOCALE_PATHS = [str(Path(__file__).parent / "locale")]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "accounts:start"  # The workspace for members of an organisation, else the passport.
LOGOUT_REDIRECT_URL = "/accounts/login/"
LANGUAGES = [("en", "English"), ("sv", "Svenska"), ("nb", "Norsk bokmål"), ("fi", "Suomi"), ("pl", "Polski")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# English date formats of Merit's own (merit/server/formats/en): "31 December 2027, 18:26".
FORMAT_MODULE_PATH = ["merit.server.formats"]
STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("MERIT_STATIC_ROOT", str(HOME / "static"))
# WhiteNoise serves the collected files from the application, with gzip variants made by collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Networks the outbound fetcher may reach although they are not public (comma-separated CIDRs; see netfetch.py).
MERIT_FETCH_ALLOW = os.environ.get("MERIT_FETCH_ALLOW", "")
# Outbound limits (decision 0013): seconds per fetch, seconds for all the fetches of one request, how many requests
# may be fetching at once (merit serve sets half its threads), and how long a request waits for one to come free.
MERIT_FETCH_TIMEOUT = float(os.environ.get("MERIT_FETCH_TIMEOUT", "10"))
MERIT_FETCH_BUDGET = float(os.environ.get("MERIT_FETCH_BUDGET", "15"))
MERIT_FETCH_CONCURRENCY = int(os.environ.get("MERIT_FETCH_CONCURRENCY", "4"))
MERIT_FETCH_WAIT = float(os.environ.get("MERIT_FETCH_WAIT", "0.5"))
# ESCO labels in other languages, written by `merit esco import` (decision 0020); read once per process.
MERIT_ESCO_LABELS = os.environ.get("MERIT_ESCO_LABELS", str(HOME / "esco"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
SESSION_COOKIE_HTTPONLY = True
# The language switcher's choice lasts a year (Django's default cookie ends with the browser session).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A form without its token gets Merit's translated error page, not Django's English one.
CSRF_FAILURE_VIEW = "merit.server.requestchecks.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if BASE_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HSTS on every response to an https request (a year by default; includeSubDomains only when asked for).
    SECURE_HSTS_SECONDS = int(os.environ.get("MERIT_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("MERIT_HSTS_INCLUDE_SUBDOMAINS", "") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("MERIT_HSTS_PRELOAD", "") == "1"
# Content-Security-Policy on every response (django-csp; docs/decisions/0015-content-security-policy.md): scripts
# and styles only from Merit's own static files, no inline script or style, no eval; camera frames (the portal's
# QR scanner) are blob:/media streams; images may be data: URLs (Swagger UI's icons, QR codes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        # The passport's "Add to LinkedIn profile" form is answered with a redirect to LinkedIn (passport/sharing.py).
        "form-action": ["'self'", "https://www.linkedin.com"],
    }
}
# The trust registry: the trusted authorities' DIDs (default: this installation's authorities) and the registries
# of other installations to ask about issuers this one does not know (base URLs), both comma-separated.
MERIT_TRUST_ANCHORS = os.environ.get("MERIT_TRUST_ANCHORS", "")
MERIT_TRUST_REGISTRIES = os.environ.get("MERIT_TRUST_REGISTRIES", "")
# E-mail: SMTP in production (MERIT_EMAIL_HOST ...); on the embedded default, messages are written to files.
DEFAULT_FROM_EMAIL = os.environ.get("MERIT_FROM_EMAIL", "Merit <no-reply@merit.localhost>")
if os.environ.get("MERIT_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["MERIT_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("MERIT_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("MERIT_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("MERIT_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("MERIT_EMAIL_TLS", "1") == "1"
else:
    EMAIL_BACKEND = "merit.server.delivery.filemail.EmailBackend"  # One file per message.
    EMAIL_FILE_PATH = str(HOME / "mail")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MERIT_LOG_LEVEL", "WARNING")},
}
