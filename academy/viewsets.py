from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import DeleteView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import MenuItem
from wagtail.users.views.users import UserFilterSet
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .models import Organization
from .roles import role_label
from .services import login_lockout_reset
from .user_forms import AcademyUserCreationForm, AcademyUserEditForm


class AcademyUserFilterSet(UserFilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].field.label_from_instance = role_label


class UserViewSet(WagtailUserViewSet):
    filterset_class = AcademyUserFilterSet

    def get_form_class(self, for_update=False):
        return AcademyUserEditForm if for_update else AcademyUserCreationForm


class OrganizationViewSet(ModelViewSet):
    model = Organization
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "district"]
    form_fields = ["name", "kind", "district"]
    ordering = ["name"]


organization_viewset = OrganizationViewSet("organizations")


class LockedUntilColumn(Column):
    """Until when the account is locked, or a dash."""

    def get_value(self, instance):
        if instance.failures_since_start < settings.AXES_FAILURE_LIMIT:
            return "—"
        until = instance.attempt_time + settings.AXES_COOLOFF_TIME
        if until <= timezone.now():
            return "—"
        return date_format(timezone.localtime(until), "DATETIME_FORMAT")


class LoginLockoutIndexView(IndexView):
    page_title = _("Login lockouts")

    @cached_property
    def columns(self):
        # The login name leads the row and carries its Unlock button.
        title = self._get_title_column("username")
        title.label = _("Login name")
        return [title, *super().columns[1:]]

    def get_list_more_buttons(self, instance):
        if not (unlock_url := self.get_delete_url(instance)):
            return []
        return [MenuItem(gettext("Unlock"), url=unlock_url, icon_name="lock-open", priority=10)]


class LoginLockoutUnlockView(DeleteView):
    """Unlock the account: its failed logins from every address are forgotten."""

    page_title = _("Unlock")

    def get_page_subtitle(self):
        return self.object.username

    @property
    def confirmation_message(self):
        return gettext(
            "Unlock %(username)s? Its failed logins are forgotten and it can log in again at once."
        ) % {"username": self.object.username}

    def get_success_message(self):
        return gettext("%(username)s can log in again.") % {"username": self.object.username}

    def delete_action(self):
        login_lockout_reset(username=self.object.username)


class LoginLockoutViewSet(ModelViewSet):
    """Failed logins counted by django-axes, and the accounts they lock; administrators
    unlock an account here."""

    model = AccessAttempt
    icon = "lock"
    menu_label = _("Login lockouts")
    menu_order = 700
    add_to_settings_menu = True
    index_view_class = LoginLockoutIndexView
    delete_view_class = LoginLockoutUnlockView
    list_display = [
        Column("username", label=_("Login name")),
        Column("ip_address", label=_("IP address")),
        Column("failures_since_start", label=_("Failed logins")),
        DateColumn("attempt_time", label=_("Last failure")),
        LockedUntilColumn("locked_until", label=_("Locked until")),
    ]
    search_fields = ["username", "ip_address"]
    search_backend_name = None
    ordering = ["-attempt_time"]
    # Nothing is added or edited here (administrators hold only view and delete).
    exclude_form_fields: list[str] = []


login_lockout_viewset = LoginLockoutViewSet("login_lockouts")
