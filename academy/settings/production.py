from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_str

DEBUG = False

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated).")
# Certificates print their verification QR code from it, so it must be right from the start.
BASE_URL = env_str("BASE_URL", "")
if not BASE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "BASE_URL must be set in production to the site's public https:// address "
        f"(it goes into e-mails and certificate QR codes), not {BASE_URL!r}."
    )
WAGTAILADMIN_BASE_URL = BASE_URL.rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "")
if not DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured(
        "DEFAULT_FROM_EMAIL must be set in production to the address mail is sent from."
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],  # noqa: F405
]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env_str("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible object storage for uploads and generated PDFs (pip install ".[s3]").
    # The bucket must stay private: files are served through views that check ownership.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
    # Private files under their own prefix; downloads redirect to a signed address
    # that expires after PRIVATE_MEDIA_URL_EXPIRE_SECONDS.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            "location": "private",
            "querystring_expire": PRIVATE_MEDIA_URL_EXPIRE_SECONDS,  # noqa: F405
        },
    }

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = [
    # X_FRAME_OPTIONS is SAMEORIGIN, not DENY: Wagtail's live preview shows the page in
    # a frame of the admin (the CSP's frame-ancestors 'self' says the same).
    "security.W019",
    # HSTS preloading is the domain owner's decision (SECURE_HSTS_PRELOAD=true): a
    # preloaded domain cannot go back to plain HTTP for months.
    "security.W021",
]
