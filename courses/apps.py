from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from academy.apps import sent_for_last_app


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from academy.page_cache import pages_cache_watch

        from .models import ClassSession

        post_migrate.connect(_sync_catalog_permissions_after_migrate)
        # Course pages and the catalogue cache the sessions they list.
        pages_cache_watch(ClassSession)


def _sync_catalog_permissions_after_migrate(sender, **kwargs):
    # Connected after academy's role sync (INSTALLED_APPS order), so the groups exist.
    if not sent_for_last_app(sender):
        return
    from .roles import catalog_page_permissions_sync

    catalog_page_permissions_sync()
