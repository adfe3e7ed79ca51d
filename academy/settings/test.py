from .base import *  # noqa: F403
from .env import RQ_TASKS, cache_config, tasks_config

DEBUG = False
SECRET_KEY = "test-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = cache_config(None)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACADEMY_SMS_BACKEND = "academy.sms.LocmemBackend"
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / "test-artifacts" / "private_media"  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = tasks_config(None)
if REDIS_URL:  # noqa: F405
    # Job tests point the jobs alias (JOBS_BACKEND) at this backend and run a real RQ worker.
    TASKS["rq"] = RQ_TASKS
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
CERTIFICATE_RETRY_BACKOFF_SECONDS = [0, 0, 0, 0]
