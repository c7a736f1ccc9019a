"""Settings for Folkhälsa, read from environment variables (see .env.example)."""

import datetime
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from folkhalsa.env import env_bool, env_choice, env_date, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "dev-only-secret-key-not-for-production-0123456789-abcdefghijklmnop"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "folkhalsa.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "plans",
    "councils",
    "reports",
    # The project's own app: commands across the apps (load_demo).
    "folkhalsa.apps.FolkhalsaConfig",
]

MIDDLEWARE = [
    # First, so that its line per request counts the whole request's time and queries.
    "folkhalsa.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves the collected static files, so the app needs no web server in front for them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "folkhalsa.middleware.ChosenLanguageMiddleware",
    "folkhalsa.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "folkhalsa.urls"
WSGI_APPLICATION = "folkhalsa.wsgi.application"

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
                "councils.context_processors.councils_menu",
                "folkhalsa.my_work.my_work_menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# Behind PgBouncer in transaction pooling a cursor must not outlive its transaction.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", False
)
# PostgreSQL's JIT compiler pays off for long analytical queries; for a web page's short ones its
# compile time can cost more than the query (up to 0.9 s measured at national size), so it is off
# on our connections unless DATABASE_JIT=true. PgBouncer forwards no startup options: behind it,
# turn JIT off for the role instead (docs/DEPLOYMENT.md).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "DATABASE_JIT", False
):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_work"
LOGOUT_REDIRECT_URL = "start"

# Login throttling (django-axes): failures are counted per user name and address, and per
# address alone with a higher limit (many users of a municipality share one address). A success
# clears only that user name's count from that address, so one account cannot clear the rest.
AXES_HANDLER = "folkhalsa.throttling.ThrottlingHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 50)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "folkhalsa.throttling.client_address"
# Behind the proxies REMOTE_ADDR is the nearest proxy: the client is read from X-Forwarded-For,
# counting this many proxies from the right (each appends the address it was reached from).
PROXY_COUNT = env_int("PROXY_COUNT", 1) if env_bool("BEHIND_TLS_PROXY", False) else 0
AXES_LOCKOUT_CALLABLE = "folkhalsa.views.lockout"

# Reverting to an old version from the history page would bypass validation of the current
# record and the version check; a correction is made as a new, ordinary edit.
SIMPLE_HISTORY_REVERT_DISABLED = True

LANGUAGE_CODE = "sv"
# Every user-facing string goes through gettext with Swedish as the source language; the English
# catalogue is locale/en. The user picks the language (a cookie); the default is Swedish.
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# Addresses typed without a scheme (a meeting's remote link) are read as https, as Django 6 will.
FORMS_URLFIELD_ASSUME_HTTPS = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))

# Uploaded files (council attachments). No MEDIA_URL: they are never served by address, only
# through the download view that checks who may read them.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# A notice or the minutes carry the items' files while the whole e-mail stays within this size
# (many mail servers refuse more); beyond it each recipient gets personal download links instead,
# working without an account for this many days.
DISPATCH_ATTACHMENT_MAX_BYTES = env_int("DISPATCH_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
DOWNLOAD_LINK_DAYS = env_int("DOWNLOAD_LINK_DAYS", 30)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# E-mail (notices and minutes): printed to the console unless SMTP is configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "folkhalsa@localhost")
# The site's public address, for links in e-mails sent outside a request (reminders).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# The accessibility statement (/tillganglighet/), as the law on accessible digital public service
# (DOS-lagen) and DIGG's model ask: who runs the site, where to report a barrier, and when the
# site was last assessed (a date the operator sets when it reassesses, never today's).
SITE_OPERATOR = env_str("SITE_OPERATOR", "Folkhälsa")
ACCESSIBILITY_CONTACT_EMAIL = env_str("ACCESSIBILITY_CONTACT_EMAIL", "tillganglighet@localhost")
ACCESSIBILITY_CONTACT_PHONE = env_str("ACCESSIBILITY_CONTACT_PHONE", "")
ACCESSIBILITY_ASSESSED_ON = env_date("ACCESSIBILITY_ASSESSED_ON", datetime.date(2026, 12, 5))
ACCESSIBILITY_UPDATED_ON = env_date("ACCESSIBILITY_UPDATED_ON", datetime.date(2026, 12, 5))

# Follow-up (reports): Kolada's open API, for indicator values by municipality, region and sex.
KOLADA_API_URL = env_str("KOLADA_API_URL", "https://api.kolada.se/v3")

# The REST API (/api/v1/, folkhalsa/api.py): personal keys or the site's session; anonymous
# visitors read what is published. Requests are counted per key (or session user) and per
# address; the counts live in the cache (CACHES), per process unless the cache is shared.
API_THROTTLE_ANON = env_str("API_THROTTLE_ANON", "120/min")
API_THROTTLE_USER = env_str("API_THROTTLE_USER", "1200/min")
for _name, _rate in (
    ("API_THROTTLE_ANON", API_THROTTLE_ANON),
    ("API_THROTTLE_USER", API_THROTTLE_USER),
):
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", _rate):
        raise ImproperlyConfigured(
            f"{_name} is a number of requests per s, min, hour or day (120/min)"
        )
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "folkhalsa.api.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "folkhalsa.api.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "folkhalsa.api.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["folkhalsa.api.AddressThrottle", "folkhalsa.api.TokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_THROTTLE_ANON, "user": API_THROTTLE_USER},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["folkhalsa.api.JsonParser"],
    "EXCEPTION_HANDLER": "folkhalsa.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "folkhalsa.api_schema.ApiSchema",
    "ORDERING_PARAM": "ordering",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Folkhälsa API",
    "DESCRIPTION": (
        "Planer, insatser, uppföljning, indikatorer och folkhälsoråd, att läsa och skriva under "
        "samma regler som på webbplatsen. Logga in med en personlig API-nyckel "
        "(`Authorization: Bearer <nyckel>`), som du skapar under Mitt konto. Utan nyckel läser "
        "du det som är publicerat. Ändringar görs mot postens version: har någon annan sparat "
        "sedan du läste posten svarar API:et 409 med posten som den är nu."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" or "kind": each scale gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "PlanKindEnum": "plans.models.Plan.Kind",
        "PlanStatusEnum": "plans.models.Plan.Status",
        "MeasurePlanStatusEnum": "plans.models.Measure.Status",
        "AssessmentEnum": "reports.models.MeasureReport.Status",
        "IndicatorValueStatusEnum": "reports.models.IndicatorValue.Status",
        "MeetingStatusEnum": "councils.models.Meeting.Status",
        "BodyKindEnum": "councils.models.Body.Kind",
        "BodyRecordEnum": "councils.models.Body.Record",
        "AgendaKindEnum": "councils.models.AgendaKind",
        "SeatRoleEnum": "councils.models.Seat.Role",
        "ResponsibilityRoleEnum": "plans.models.Responsibility.Role",
    },
}

# Security. The production values are on unless DEBUG is on; each can be overridden.
_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _SECURE)
# Load balancers probe the health check over plain HTTP, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^halsa/$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _SECURE)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _SECURE)
CSRF_FAILURE_VIEW = "folkhalsa.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _SECURE)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Background tasks (documents rendered off the request path) on the database itself: a row per
# task in django_tasks_db's table, run by `manage.py db_worker`. TASKS_BACKEND=immediate runs each
# task inside the request that asks for it (the test suite's default; a worker-less demo).
TASKS_BACKEND = env_choice("TASKS_BACKEND", "database", ("database", "immediate"))
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND]
    }
}
# Documents (PDFs, Word files) are typeset by a task (folkhalsa/documents.py), kept in the
# database per content (a new version of what they show is a new one): a failed typesetting is
# tried this many times in all, this many seconds apart; one waiting or being made for longer than
# the timeout lost its worker and is asked for again; one nobody asked for in so many days is
# deleted (a published follow-up keeps its files with it).
DOCUMENT_RENDER_ATTEMPTS = env_int("DOCUMENT_RENDER_ATTEMPTS", 3)
DOCUMENT_RENDER_RETRY_SECONDS = env_int("DOCUMENT_RENDER_RETRY_SECONDS", 30)
DOCUMENT_RENDER_TIMEOUT = env_int("DOCUMENT_RENDER_TIMEOUT", 600)
DOCUMENT_KEEP_DAYS = env_int("DOCUMENT_KEEP_DAYS", 30)
# A user with this many documents waiting is asked to wait for them before asking for another,
# so no one fills the task queue.
DOCUMENT_PENDING_PER_USER = env_int("DOCUMENT_PENDING_PER_USER", 3)

# The health check (/halsa/, folkhalsa/health.py) counts the worker dead once a task has waited
# this long to be run.
HEALTH_WORKER_SECONDS = env_int("HEALTH_WORKER_SECONDS", 120)

# Logs: one line per request on `folkhalsa.requests` (folkhalsa/middleware.py), on stdout, and
# everything else on stderr; as JSON lines for a log collector, or as text to read.
LOG_FORMAT = env_choice("LOG_FORMAT", "text" if DEBUG else "json", ("json", "text"))
REQUEST_LOG_LEVEL = env_choice(
    "REQUEST_LOG_LEVEL", "info", ("debug", "info", "warning", "error")
).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "folkhalsa.middleware.JsonLogFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"secret_paths": {"()": "folkhalsa.middleware.SecretPathFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["secret_paths"],
        },
        "requests": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "folkhalsa.requests": {
            "handlers": ["requests"],
            "level": REQUEST_LOG_LEVEL,
            "propagate": False,
        },
    },
}
