import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from django.views.static import serve
from django_rq import stats_views
from django_rq.urls import get_admin_urlpatterns
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from .access import administrator_required
from .forms import DjangoAdminLoginForm
from .views import favicon, health

# Folders of MEDIA_ROOT that hold public files: Wagtail's images, renditions and avatars.
PUBLIC_MEDIA_FOLDERS = ["original_images", "images", "avatar_images"]

admin.site.login_form = DjangoAdminLoginForm

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("academy.account_urls")),
    path("courses/", include("courses.urls")),
    path("learning/", include("enrollments.urls.learning")),
    path("learning/exams/", include("enrollments.urls.exams")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("health/", health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
    path("certificates/", include("enrollments.urls.certificates")),
    path("attendance/", include("enrollments.urls.attendance")),
    path(
        "django-rq/",
        include(
            (
                [
                    *get_admin_urlpatterns(view_wrapper=administrator_required),
                    # The dashboard polls its figures from here.
                    re_path(
                        r"^stats.json/?$",
                        administrator_required(stats_views.stats_json),
                        name="home_json",
                    ),
                ],
                "django_rq",
            ),
            namespace="django_rq",
        ),
    ),
    # The django-rq dashboard renders inside Django's admin chrome.
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    # The development server shows Wagtail's images and avatars; documents go through
    # /documents/, and private files are in another storage with no address at all.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}"
            rf"(?P<path>(?:{'|'.join(PUBLIC_MEDIA_FOLDERS)})/(?!.*\.\.).+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [path("", include(wagtail_urls))]
