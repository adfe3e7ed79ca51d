from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from .env import (
    cache_config,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    redis_url,
    rq_queues_config,
    tasks_config,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "academy",
    "courses",
    "enrollments",
    "cms_pages",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "academy.users_app.AcademyUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_rq",
    "axes",
    "simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "academy.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "academy.middleware.DefaultLanguageMiddleware",
    # Wagtail's site and page routing from the cache (academy.page_cache).
    "academy.middleware.PageRouteCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records the logged-in user as the actor of every tracked change a request makes.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "academy.urls"

# Change history (django-simple-history): reasons are as long as the reasons asked for;
# history is read, never reverted.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True
WSGI_APPLICATION = "academy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        env_str("DATABASE_URL"),
        default_sqlite_path=env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "academy.User"
# django-axes refuses a locked-out login before the email-or-phone backend is asked.
# AxesBackend is axes' standalone backend that can also load a session's user, which
# tools that log in with the first backend (Wagtail's page test case) need.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "academy.auth_backends.EmailOrPhoneBackend",
    "academy.auth_backends.PhoneCodeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): the 5th failure within 15 minutes locks the account,
# and the account from that address, until the 15 minutes have passed or an
# administrator unlocks it (Settings → Login lockouts). A successful login clears the
# count. TRUSTED_PROXY_COUNT: how many reverse proxies in front add X-Forwarded-For.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_USERNAME_CALLABLE = "academy.auth_backends.login_account_key"
AXES_LOCKOUT_CALLABLE = "academy.views.login_locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
# Failed logins by SMS code count like wrong passwords; the code is never stored with them.
AXES_SENSITIVE_PARAMETERS = ["password", "code"]
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "enrollments:dashboard"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "academy_language"
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "static_collected")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Certificates, their ZIP bundles, exports, hours records and proofs live outside
# MEDIA_ROOT and have no URL: views that check ownership hand them out
# (academy.access.private_file_response), streamed by Django or, when
# PRIVATE_MEDIA_ACCEL_REDIRECT names the web server's internal location for
# PRIVATE_MEDIA_ROOT (for example "/private-media/"), by the web server.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
PRIVATE_MEDIA_ACCEL_REDIRECT = env_str("PRIVATE_MEDIA_ACCEL_REDIRECT", "")
# How long a signed download address lives when private files are in object storage.
PRIVATE_MEDIA_URL_EXPIRE_SECONDS = env_int("PRIVATE_MEDIA_URL_EXPIRE_SECONDS", 300)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "academy@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Text messages (academy/sms.py): the console backend prints them.
ACADEMY_SMS_BACKEND = env_str("ACADEMY_SMS_BACKEND", "academy.sms.ConsoleBackend")
# One-time SMS codes (login, password reset, claiming an account): a code lives 5 minutes
# and allows 5 wrong tries; a number gets at most one code a minute and 5 an hour, a
# client address 10 an hour.
ACADEMY_PHONE_CODE_TTL = timedelta(minutes=env_int("PHONE_CODE_MINUTES", 5))
ACADEMY_PHONE_CODE_MAX_TRIES = env_int("PHONE_CODE_MAX_TRIES", 5)
ACADEMY_PHONE_CODE_INTERVAL = timedelta(seconds=env_int("PHONE_CODE_INTERVAL_SECONDS", 60))
ACADEMY_PHONE_CODE_PER_PHONE_PER_HOUR = env_int("PHONE_CODE_PER_PHONE_PER_HOUR", 5)
ACADEMY_PHONE_CODE_PER_ADDRESS_PER_HOUR = env_int("PHONE_CODE_PER_ADDRESS_PER_HOUR", 10)
# Tencent Cloud SMS (academy/sms_tencent.py, the "tencent-sms" extra), when
# ACADEMY_SMS_BACKEND = "academy.sms_tencent.TencentBackend".
TENCENT_SMS_SECRET_ID = env_str("TENCENT_SMS_SECRET_ID", "")
TENCENT_SMS_SECRET_KEY = env_str("TENCENT_SMS_SECRET_KEY", "")
TENCENT_SMS_SDK_APP_ID = env_str("TENCENT_SMS_SDK_APP_ID", "")
TENCENT_SMS_SIGN_NAME = env_str("TENCENT_SMS_SIGN_NAME", "")
TENCENT_SMS_TEMPLATES = env_str("TENCENT_SMS_TEMPLATES", "")
TENCENT_SMS_TEMPLATE_ID = env_str("TENCENT_SMS_TEMPLATE_ID", "")
TENCENT_SMS_REGION = env_str("TENCENT_SMS_REGION", "ap-guangzhou")

REDIS_URL = redis_url(env_str("REDIS_URL"))
TASKS = tasks_config(REDIS_URL)
RQ_QUEUES = rq_queues_config(REDIS_URL)
RQ_SHOW_ADMIN_LINK = False
# Workers run Tasks API jobs with django-tasks-rq's job class; the worker's scheduler also
# runs the periodic jobs of RQ_CRON_CONFIG (academy/worker.py).
# The default worker runs jobs in its own process (no fork per job) and starts again as a
# fresh process after WORKER_MAX_JOBS jobs, or once its memory passes WORKER_MAX_MEMORY_MIB
# (0: never); --worker-class academy.worker.Worker forks a work horse for every job.
RQ = {"JOB_CLASS": "django_tasks_rq.Job", "WORKER_CLASS": "academy.worker.SimpleWorker"}
WORKER_MAX_JOBS = env_int("WORKER_MAX_JOBS", 1000)
WORKER_MAX_MEMORY_MIB = env_int("WORKER_MAX_MEMORY_MIB", 512)
RQ_CRON_CONFIG = "enrollments.cron"

CACHES = cache_config(REDIS_URL)
# A cache error that the Redis cache ignores is still logged.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

WAGTAIL_SITE_NAME = env_str("SITE_NAME", "社工学院")
WAGTAILADMIN_BASE_URL = env_str("BASE_URL", "http://127.0.0.1:8000")
# The domain part of calendar event UIDs: fixed, so a session keeps its UID on any host.
ACADEMY_CALENDAR_UID_DOMAIN = env_str("ACADEMY_CALENDAR_UID_DOMAIN", "calendar.academy")
WAGTAILADMIN_USER_LOGIN_FORM = "academy.forms.AdminLoginForm"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "pptx", "ppt", "xlsx", "xls", "txt", "zip"]
WAGTAIL_USER_CUSTOM_FIELDS = ["full_name", "phone"]
# Admin avatars come from uploads only: Gravatar is unreachable from mainland China and
# would send a hash of every user's email address abroad.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Sessions live in the database, never only in the cache: a Redis outage logs nobody out.
# Read from the cache (Redis in production), written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"

# Content-Security-Policy (django-csp), enforced. The public site runs only scripts and
# styles from its own static files: no inline <script>, no on* handlers, no style="".
# Lesson images may come from any https:// address; QR codes are inline SVG.
_CSP_PUBLIC = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "https:", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_PUBLIC}
# Wagtail's admin (and its live preview), Django's admin and the django-rq dashboard
# write inline scripts and styles: 'unsafe-inline' there and nowhere else.
CONTENT_SECURITY_POLICY_ADMIN_PREFIXES = ["/admin/", "/django-admin/", "/django-rq/"]
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **_CSP_PUBLIC,
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "https:", "data:", "blob:"],
        "frame-src": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "rq.worker": {"level": "INFO"},
        "academy": {"level": "INFO"},
        "courses": {"level": "INFO"},
        "enrollments": {"level": "INFO"},
    },
}

ACADEMY_NAME = _("District Social Work Academy")

# A TrueType CJK font embedded in every PDF (certificates, sign-in sheets).
CJK_FONT_PATH = env_str("CJK_FONT_PATH")
CJK_FONT_SEARCH_PATHS = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/simhei.ttf",
]

# Certificates: serial numbers look like GC-2026-N-00042.
CERTIFICATE_SERIAL_PREFIX = env_str("CERTIFICATE_SERIAL_PREFIX", "GC")
# Failed attempts after which a background job (of any kind) is not tried again.
CERTIFICATE_MAX_ATTEMPTS = env_int("CERTIFICATE_MAX_ATTEMPTS", 5)
# The sweep that queues again what was lost runs this often from the workers' scheduler; a
# job never accepted by the queue is left this long to the request that made it.
JOB_SWEEP_INTERVAL_SECONDS = env_int("JOB_SWEEP_INTERVAL_SECONDS", 60)
# The year in figures reads every trainee's figures by month, rebuilt by the workers'
# scheduler this often, and only while they are younger than the maximum age.
STATISTICS_ROLLUP_INTERVAL_SECONDS = env_int("STATISTICS_ROLLUP_INTERVAL_SECONDS", 600)
STATISTICS_ROLLUP_MAX_AGE_SECONDS = env_int("STATISTICS_ROLLUP_MAX_AGE_SECONDS", 900)
JOB_SWEEP_GRACE_SECONDS = env_int("JOB_SWEEP_GRACE_SECONDS", 30)
# Reminders of tomorrow's sessions and of continuing-education cycles running out are
# looked for this often; each notice is sent once whatever the interval.
SESSION_REMINDER_INTERVAL_SECONDS = env_int("SESSION_REMINDER_INTERVAL_SECONDS", 3600)
CE_CYCLE_REMINDER_INTERVAL_SECONDS = env_int("CE_CYCLE_REMINDER_INTERVAL_SECONDS", 86400)
# Exam attempts past their deadline are submitted this often; answers after the deadline
# are refused at once, so this only decides how soon the result appears.
EXAM_EXPIRY_INTERVAL_SECONDS = env_int("EXAM_EXPIRY_INTERVAL_SECONDS", 60)
# Wait before each retry of a failed certificate job (seconds), then the last value again.
CERTIFICATE_RETRY_BACKOFF_SECONDS = [30, 120, 600, 1800]
# Certificate look-ups by serial number and name allowed from one address (n/period).
CERTIFICATE_LOOKUP_RATE = env_str("CERTIFICATE_LOOKUP_RATE", "10/10m")
# Attendance exports with more rows than this run as a background job.
ATTENDANCE_EXPORT_ASYNC_ROWS = env_int("ATTENDANCE_EXPORT_ASYNC_ROWS", 20000)
