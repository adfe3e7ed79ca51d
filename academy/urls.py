from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from django_rq import stats_views
from django_rq.urls import get_admin_urlpatterns
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from .access import administrator_required
from .views import favicon, health

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("academy.account_urls")),
    path("courses/", include("courses.urls")),
    path("learning/", include("enrollments.urls.learning")),
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
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
