"""Django settings for bloc, read from the environment.

Nothing needs to be set for the quick start: SQLite in the data directory,
a secret key generated there once, mail printed to the console. Production
sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and EMAIL_URL (see README).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from bloc.envconfig import data_dir, env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("BLOC_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "bloc.accounts",
    "bloc.audit",
    "bloc.institutions",
    "bloc.membership",
    "bloc.decisions",
    "bloc.concerns",
    "bloc.meetings",
    "bloc.events",
    "bloc.budgeting",
    "bloc.confederation",
    "bloc.electoral",
    "bloc.listening",
    "bloc.hub",
    "bloc.demo",
    "bloc.backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bloc.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bloc.accounts.middleware.PreferredLanguageMiddleware",
    # Before any view or CSRF check reads the body (they do so in process_view).
    "bloc.request_limits.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bloc.urls"
WSGI_APPLICATION = "bloc.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
_default_sqlite = f"sqlite:///{DATA_DIR / 'bloc.sqlite3'}"
_database_url = env_str("DATABASE_URL", _default_sqlite)
try:
    _db = dj_database_url.parse(_database_url, conn_max_age=env_int("BLOC_DB_CONN_MAX_AGE", 0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL cannot be used: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so two
        # writers queue (up to the timeout) instead of failing half-way.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests use a file, not memory, so that concurrent writers behave as in production.
    _db["TEST"] = {"NAME": str(DATA_DIR / "test_bloc.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db.setdefault("CONN_HEALTH_CHECKS", True)
else:
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL.")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Failed logins allowed per account and per address in the window below.
BLOC_LOGIN_FAILURES_PER_ACCOUNT = env_int("BLOC_LOGIN_FAILURES_PER_ACCOUNT", 5)
BLOC_LOGIN_FAILURES_PER_IP = env_int("BLOC_LOGIN_FAILURES_PER_IP", 30)
BLOC_LOGIN_FAILURE_WINDOW = env_int("BLOC_LOGIN_FAILURE_WINDOW", 15 * 60)
# Wrong residency-letter codes allowed per account and per address in the window.
BLOC_LETTER_CODE_FAILURES_PER_ACCOUNT = env_int("BLOC_LETTER_CODE_FAILURES_PER_ACCOUNT", 5)
BLOC_LETTER_CODE_FAILURES_PER_IP = env_int("BLOC_LETTER_CODE_FAILURES_PER_IP", 20)
BLOC_LETTER_CODE_FAILURE_WINDOW = env_int("BLOC_LETTER_CODE_FAILURE_WINDOW", 60 * 60)
# Sign-ups allowed per address in the window (people share addresses: be generous).
BLOC_SIGNUPS_PER_IP = env_int("BLOC_SIGNUPS_PER_IP", 10)
# The largest request body taken (four 5 MB photos, a 20 MB Pabulib file): bloc/request_limits.py
BLOC_MAX_REQUEST_MB = env_int("BLOC_MAX_REQUEST_MB", 25)
BLOC_SIGNUP_WINDOW = env_int("BLOC_SIGNUP_WINDOW", 60 * 60)
# Votes (polls and budgets together) one account may cast in the window: stops scripts only.
BLOC_VOTES_PER_ACCOUNT = env_int("BLOC_VOTES_PER_ACCOUNT", 30)
BLOC_VOTE_WINDOW = env_int("BLOC_VOTE_WINDOW", 60)
# Number of reverse proxies in front of bloc whose X-Forwarded-For we trust.
BLOC_TRUSTED_PROXIES = env_int("BLOC_TRUSTED_PROXIES", 0)

# --- Mail -----------------------------------------------------------------
try:
    _email = dj_email_url.parse(env_str("EMAIL_URL", "console://"))
except Exception as exc:  # dj-email-url raises bare errors for unknown schemes
    raise ImproperlyConfigured(f"EMAIL_URL cannot be used: {exc}") from exc
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT") or 20
if _email.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "bloc <bloc@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach bloc at, for links in emails.
BLOC_BASE_URL = env_str("BLOC_BASE_URL", "http://127.0.0.1:8000/")
# The hub map's tile server (a Leaflet URL template); "" draws the areas on a blank background.
BLOC_MAP_TILES = env_str("BLOC_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")

# --- Languages ------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it, even before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # After collectstatic (production), a gzip and a Brotli copy of each file beside it,
    # which WhiteNoise serves to browsers that accept them.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if env_bool("BLOC_COLLECTED_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve straight from the apps' static folders when collectstatic was not run
# (the quick start); production runs collectstatic and sets BLOC_COLLECTED_STATIC.
WHITENOISE_USE_FINDERS = not env_bool("BLOC_COLLECTED_STATIC", False)
MEDIA_ROOT = DATA_DIR / "media"

# --- Security -------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SECURE = env_bool("BLOC_SECURE", False)  # behind HTTPS in production
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("BLOC_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
# Preloading commits the whole domain (every subdomain, for good) to HTTPS in browsers:
# the operator's decision, so off unless asked, and `check --deploy` not told otherwise.
SECURE_HSTS_PRELOAD = SECURE and env_bool("BLOC_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BLOC_TRUSTED_PROXIES else None
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The Content Security Policy (bloc.security) needs no setting: it follows BLOC_MAP_TILES.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BLOC_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
CSRF_FAILURE_VIEW = "bloc.views.csrf_failure"
