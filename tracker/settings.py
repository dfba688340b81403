"""Duban settings: one module, driven by environment variables.

Defaults run on a laptop with nothing configured (SQLite under var/, an embedded
filesystem broker, e-mail written to files). Production sets at least
SECRET_KEY, DATABASE_URL, REDIS_URL and DEBUG=0; see README.md.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DUBAN_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for local development: DEBUG on and no key configured.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "督办")
# The city whose units the registry describes; bare names (市财政局) in another city's plan
# are not resolved against it.
DUBAN_CITY = env_str("DUBAN_CITY", "聊城市")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tracker.middleware.RequestIdMiddleware",
]

if not DEBUG:
    # Production serves collected static files from the web process; DEBUG uses runserver's.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.context_processors.site",
                "tracker.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL is set (PostgreSQL in production and CI).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'duban.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that asks the server only when it has spoken.
    DATABASES["default"]["ENGINE"] = "tracker.db.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web process and a worker write at the same time: wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so a Celery worker started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ModelBackend that reads the user's profile (role) with the user: one query, not two.
AUTHENTICATION_BACKENDS = ["tracker.auth.ProfileModelBackend"]
# Database sessions (Django's), read by one statement built once: tracker/sessions.py.
SESSION_ENGINE = "tracker.sessions"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Language and time: Chinese first, English available; Asia/Shanghai, aware datetimes only.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Browse area (task list, matrix, portfolios, dashboard) ---
# Chart.js comes from the npm registry (package.json, `npm ci` in `make install`) and is
# served from node_modules as static/vendor/chart.js/…; never a copied file.
STATICFILES_DIRS += [("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist")]
# Rows per page on the task list and portfolios (keyset pagination).
BROWSE_PAGE_SIZE = env_int("BROWSE_PAGE_SIZE", 50)
# --- end browse area ---
STORAGES = {
    # Uploaded evidence lives outside the web root and is served only through views
    # that check access; there is deliberately no MEDIA_URL route.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)

# E-mail (Django 6.1 MAILERS): files under var/mail by default; SMTP when EMAIL_URL
# (smtp://, smtp+tls://, smtps://) or EMAIL_HOST is set.
EMAIL_URL = env_str("EMAIL_URL")


def smtp_mailer_from_env() -> dict | None:
    if EMAIL_URL:
        url = urlsplit(EMAIL_URL)
        return {
            "host": url.hostname or "localhost",
            "port": url.port or (465 if url.scheme == "smtps" else 25),
            "username": unquote(url.username or ""),
            "password": unquote(url.password or ""),
            "use_ssl": url.scheme == "smtps",
            "use_tls": url.scheme == "smtp+tls",
        }
    if env_str("EMAIL_HOST"):
        return {
            "host": env_str("EMAIL_HOST"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
        }
    return None


_smtp = smtp_mailer_from_env()
if _smtp:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": _smtp | {"timeout": env_int("EMAIL_TIMEOUT", 30)},
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "督办系统 <duban@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_REPLY_TO = env_list("EMAIL_REPLY_TO")

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport, which
# works across processes on one machine with nothing to install.
REDIS_URL = env_str("REDIS_URL")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # No ETA may exceed this; see docs/decisions.md (reminders re-dispatch by sweep).
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "tracker.heartbeat", "schedule": 60.0},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Exports (Excel reports, progress by spreadsheet) -------------------------------------
# openpyxl writes every Chinese character as a numeric entity (&#32534;) when lxml is
# installed, unless this is False. Set here, before anything can import openpyxl, in every
# process (web, worker, tests); tracker.exports refuses to run if openpyxl saw otherwise.
os.environ["OPENPYXL_LXML"] = "False"
# Exports of at most this many tasks are built in the request; bigger ones run as a job.
EXPORT_SYNC_MAX_ROWS = env_int("EXPORT_SYNC_MAX_ROWS", 2000)
# How long a finished export can be downloaded.
EXPORT_LINK_HOURS = env_int("EXPORT_LINK_HOURS", 24)
# Rows fetched from the database per round trip while streaming an export.
EXPORT_CHUNK_SIZE = env_int("EXPORT_CHUNK_SIZE", 2000)
# Uploaded progress workbooks: file size, uncompressed size inside the zip, rows.
PROGRESS_UPLOAD_MAX_BYTES = env_int("PROGRESS_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
PROGRESS_UPLOAD_MAX_UNZIPPED_BYTES = env_int("PROGRESS_UPLOAD_MAX_UNZIPPED_BYTES", 50 * 1024 * 1024)
PROGRESS_UPLOAD_MAX_ROWS = env_int("PROGRESS_UPLOAD_MAX_ROWS", 5000)
CELERY_BEAT_SCHEDULE["exports-purge-expired"] = {
    "task": "tracker.purge_expired_exports",
    "schedule": 3600.0,
}
# --- end exports ----------------------------------------------------------------------------

# --- Reminders and e-mail delivery (tracker/services/reminders.py, delivery.py) -----------
# No mail leaves between these local times ("21:00-08:00"; empty = never quiet). Rows planned
# at night wait in the database until the quiet hours end.
DUBAN_QUIET_HOURS = env_str("DUBAN_QUIET_HOURS", "21:00-08:00")
# A claimed row not marked sent after this long is put back to ready by the sweep. Must exceed
# the hard task time limit (360 s, tracker/celery.py) so a live worker's claim is never stolen.
DUBAN_EMAIL_CLAIM_TIMEOUT = env_int("DUBAN_EMAIL_CLAIM_TIMEOUT", 600)
# Back-off after an SMTP error: base * 2**(attempts-1) seconds, capped; failed after the last.
DUBAN_EMAIL_RETRY_BASE_SECONDS = env_int("DUBAN_EMAIL_RETRY_BASE_SECONDS", 60)
DUBAN_EMAIL_RETRY_MAX_SECONDS = env_int("DUBAN_EMAIL_RETRY_MAX_SECONDS", 3600)
DUBAN_EMAIL_MAX_ATTEMPTS = env_int("DUBAN_EMAIL_MAX_ATTEMPTS", 10)
# Rows per delivery job (one SMTP connection each), and how soon a ready row is nudged again.
DUBAN_EMAIL_BATCH_SIZE = env_int("DUBAN_EMAIL_BATCH_SIZE", 200)
DUBAN_EMAIL_REDISPATCH_SECONDS = env_int("DUBAN_EMAIL_REDISPATCH_SECONDS", 300)
DUBAN_EMAIL_SWEEP_SECONDS = env_int("DUBAN_EMAIL_SWEEP_SECONDS", 60)
# Beat plans every hour (a day's reminders are planned once: the key holds the date, so a
# missed hour is caught up by the next); the sweep re-dispatches ready and abandoned rows.
# Neither uses an ETA, so none can outlive the broker's visibility timeout.
CELERY_BEAT_SCHEDULE["reminders-plan"] = {"task": "tracker.plan_reminders", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["reminders-sweep"] = {
    "task": "tracker.sweep_outgoing_email",
    "schedule": float(DUBAN_EMAIL_SWEEP_SECONDS),
}
# --- end reminders ------------------------------------------------------------------------

# --- Reporting (tracker/services/reporting.py, periods.py) --------------------------------
# Time alone turns tasks yellow or red, so every task's stored schedule status and light
# are recomputed nightly (report changes refresh their own task at once). 00:30 Asia/Shanghai.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["reporting-refresh-schedules"] = {
    "task": "tracker.refresh_schedules",
    "schedule": crontab(hour=0, minute=30),
}
# --- end reporting --------------------------------------------------------------------------
