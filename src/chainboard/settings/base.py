"""Settings shared by every environment.

The embedded default is SQLite under ``var/``; set ``DATABASE_URL`` (e.g.
``postgres://postgres@127.0.0.1:5432/test``) to use PostgreSQL through psycopg 3.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import environ

env = environ.Env()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(os.environ.get("CHAINBOARD_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("CHAINBOARD_VAR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite file, uploads, collected static files

SECRET_KEY = os.environ.get("CHAINBOARD_SECRET_KEY", "dev-only-insecure-key-change-me")
# Off unless asked for: the demo's settings (dev.py) turn it on, production (prod.py) never does.
DEBUG = env.bool("CHAINBOARD_DEBUG", default=False)
ALLOWED_HOSTS = os.environ.get("CHAINBOARD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)

INSTALLED_APPS = [
    "chainboard.accounts.adminsite.ChainboardAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_filters",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "chainboard.core",
    "chainboard.accounts",
    "chainboard.jobs",
    "chainboard.notifications",
    "chainboard.geo",
    "chainboard.industries",
    "chainboard.enterprises",
    "chainboard.imports",
    "chainboard.chains",
    "chainboard.evaluation",
    "chainboard.projects",
    "chainboard.strategy",
    "chainboard.supply",
    "chainboard.firmrequests",
    "chainboard.reporting",
    "chainboard.chiefs",
    "chainboard.investment",
    "chainboard.dashboards",
    "chainboard.demo",
    "chainboard.ops",
    "axes",  # after the apps: its admin and signals build on auth
]

MIDDLEWARE = [
    "chainboard.core.uploads.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chainboard.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "chainboard.core.middleware.DomainErrorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "chainboard.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chainboard.core.context_processors.site",
                "chainboard.accounts.context_processors.capabilities",
                "chainboard.notifications.context_processors.unread",
            ],
        },
    },
]
WSGI_APPLICATION = "chainboard.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'chainboard.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the server read while an import writes; IMMEDIATE avoids lock upgrades failing;
    # a save that finds the write lock taken (an import committing) waits up to SQLITE_TIMEOUT
    # seconds for it instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_TIMEOUT", "20")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes runs first and refuses any login while the user name or the address is locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: after AXES_FAILURE_LIMIT failed logins for one user name, or from one address, further
# logins are refused for the cool-off time (both configurable). Unlock: admin → 访问尝试, or
# ``chainboard unlock USER``. The failure count is reset by a successful login.
AXES_FAILURE_LIMIT = env.int("CHAINBOARD_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CHAINBOARD_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "chainboard.accounts.views.lockout_response"
AXES_VERBOSE = False

# Sessions end after this many hours without a request (each request renews the cookie).
SESSION_COOKIE_AGE = int(env.float("CHAINBOARD_SESSION_IDLE_HOURS", default=8) * 3600)
SESSION_SAVE_EVERY_REQUEST = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Background jobs (chainboard.jobs): django-tasks with its database backend, so the embedded
# SQLite default needs no extra server; `chainboard worker` runs them (docs/deploy.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOBS_DIR = VAR_DIR / "jobs"  # result files of finished jobs (PDFs …)
JOBS_HEARTBEAT_SECONDS = env.float("CHAINBOARD_WORKER_HEARTBEAT", default=5.0)
JOBS_STALE_SECONDS = env.float("CHAINBOARD_WORKER_STALE", default=30.0)  # no beat → worker gone
JOBS_MAX_ATTEMPTS = 2  # a job interrupted by a dead worker runs once more, then is 中断
# result files of finished jobs are deleted after this many days (0 = keep); workers purge hourly
JOBS_RESULT_RETENTION_DAYS = env.int("CHAINBOARD_JOBS_RETENTION_DAYS", default=14)
JOBS_PURGE_EVERY_SECONDS = env.float("CHAINBOARD_JOBS_PURGE_EVERY", default=3600.0)
# committing an import preview of more data rows than this runs as a background job
CHAINBOARD_IMPORT_JOB_ROWS = env.int("CHAINBOARD_IMPORT_JOB_ROWS", default=2000)
HEALTH_TASK_WORKER_CHECK = "chainboard.jobs.health.worker_status"
# periodic work each worker runs from its heartbeat thread: dotted function → every N seconds
# (a function lower apps cannot import by name; jobs sits below them)
JOBS_PERIODIC = {
    "chainboard.firmrequests.services.requests_sweep": env.float(
        "CHAINBOARD_REQUESTS_SWEEP_EVERY", default=600.0
    ),
    # 企业填报: remind the firms that have not submitted three days before a task's deadline
    "chainboard.reporting.services.reports_sweep": env.float(
        "CHAINBOARD_REPORTS_SWEEP_EVERY", default=3600.0
    ),
}

# 政企直通车 (docs/services.md): deadline when no routing rule matches; days after the deadline
# an overdue request is escalated from the county to the city
CHAINBOARD_REQUEST_DEFAULT_DAYS = env.int("CHAINBOARD_REQUEST_DEFAULT_DAYS", default=15)
CHAINBOARD_REQUEST_CITY_AFTER_DAYS = env.int("CHAINBOARD_REQUEST_CITY_AFTER_DAYS", default=5)
# Notifications: in-app always; email (Django's EMAIL_* SMTP settings) and a webhook (企业微信
# group robot URL) only when configured — never required
CHAINBOARD_NOTIFY_EMAIL = env.bool("CHAINBOARD_NOTIFY_EMAIL", default=False)
CHAINBOARD_NOTIFY_WEBHOOK_URL = env.str("CHAINBOARD_NOTIFY_WEBHOOK_URL", default="")
CHAINBOARD_NOTIFY_WEBHOOK_TIMEOUT = env.float("CHAINBOARD_NOTIFY_WEBHOOK_TIMEOUT", default=5.0)
CHAINBOARD_SITE_URL = env.str("CHAINBOARD_SITE_URL", default="")  # absolute links in email
EMAIL_HOST = env.str("CHAINBOARD_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("CHAINBOARD_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("CHAINBOARD_EMAIL_USER", default="")
EMAIL_HOST_PASSWORD = env.str("CHAINBOARD_EMAIL_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("CHAINBOARD_EMAIL_TLS", default=False)
EMAIL_USE_SSL = env.bool("CHAINBOARD_EMAIL_SSL", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("CHAINBOARD_EMAIL_FROM", default="chainboard@localhost")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
UPLOAD_DIR = VAR_DIR / "uploads"
# Uploads and imports (docs/imports.md "Limits"): a request body over the upload cap is refused
# with 413 before it is read (Content-Length, or counted while streaming); an uploaded file over
# 2.5 MB streams to a temporary file on disk instead of memory.
MB = 1024 * 1024
CHAINBOARD_MAX_UPLOAD_BYTES = int(os.environ.get("CHAINBOARD_MAX_UPLOAD_MB", "50")) * MB
CHAINBOARD_IMPORT_MAX_CELLS = int(os.environ.get("CHAINBOARD_IMPORT_MAX_CELLS", "2000000"))
CHAINBOARD_IMPORT_MAX_UNZIPPED_BYTES = (
    int(os.environ.get("CHAINBOARD_IMPORT_MAX_UNZIPPED_MB", "256")) * MB
)
CHAINBOARD_IMPORT_MAX_ZIP_ENTRIES = 1000
CHAINBOARD_IMPORT_MAX_ZIP_RATIO = 100
# stored uploads: kept this many days for an accepted batch (its audit trail), hours otherwise
CHAINBOARD_UPLOAD_RETENTION_DAYS = int(os.environ.get("CHAINBOARD_UPLOAD_RETENTION_DAYS", "365"))
CHAINBOARD_UPLOAD_DRAFT_HOURS = int(os.environ.get("CHAINBOARD_UPLOAD_DRAFT_HOURS", "24"))
# attachments of an 异议 (imports.guard.check_attachment): per file, and files per objection
CHAINBOARD_ATTACHMENT_MAX_BYTES = int(os.environ.get("CHAINBOARD_ATTACHMENT_MAX_MB", "10")) * MB
CHAINBOARD_ATTACHMENT_MAX_FILES = 5
CHAINBOARD_TEST_HOOKS = False  # the import runner's pause hook (tests only)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * MB  # form fields other than files
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * MB)
FILE_UPLOAD_HANDLERS = [
    "chainboard.core.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# /healthz reports the disk as failing below this much free space under var/.
HEALTH_MIN_FREE_MB = env.int("CHAINBOARD_HEALTH_MIN_FREE_MB", default=1024)

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
