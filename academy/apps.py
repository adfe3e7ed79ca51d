from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Academy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .page_cache import pages_cache_connect

        post_migrate.connect(_sync_roles_after_migrate)
        pages_cache_connect()


def sent_for_last_app(sender) -> bool:
    """True for the last app's post_migrate (it is sent once per app): all permissions exist."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    return sender is with_models[-1]


def _sync_roles_after_migrate(sender, using="default", **kwargs):
    if not sent_for_last_app(sender):
        return
    from .roles import roles_sync

    roles_sync()
