from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .models import Organization
from .user_forms import AcademyUserCreationForm, AcademyUserEditForm


class UserViewSet(WagtailUserViewSet):
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
