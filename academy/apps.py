from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Academy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles_after_migrate)


def _sync_roles_after_migrate(sender, using="default", **kwargs):
    from django.apps import apps

    # post_migrate is sent once per app; act on the last one, when every app's
    # permissions exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:
        return
    from .roles import roles_sync

    roles_sync()
